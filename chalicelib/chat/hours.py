"""The chat's service hours: when officers answer, in Europe/Paris time, public holidays known.

Configured per stage (chalicelib/config.py; ``.chalice/config.json``; docs/deploy.md):

- ``CHAT_HOURS``: ``always`` (24 h a day, holidays included — the local platform's default),
  ``never`` (closed), or rules separated by ``;``: ``<days> <from>-<to>[,<from>-<to>…]`` where
  days are ``mon`` … ``sun``, a range (``mon-fri``) or a list (``sat,sun``), and times are
  ``HH:MM`` (``24:00`` ends a day). ``mon-fri 08:00-20:00; sat 09:00-13:00``. A day no rule
  names is closed; a rule cannot run past midnight (write ``mon 22:00-24:00; tue 00:00-06:00``).
- ``CHAT_HOLIDAY_HOURS``: on a public holiday, ``closed`` (default), ``weekly`` (the weekday's
  hours), or times (``10:00-16:00``).
- ``CHAT_CLOSED_DATES``: other days closed, ISO dates separated by commas.
- ``CHAT_HOLIDAY_REGION``: ``alsace-moselle`` adds its two holidays (chalicelib/chat/holidays.py).

A value that does not parse raises ValueError naming it (tests/unit/test_chat_hours.py parses
every stage of ``.chalice/config.json``): a typo must not open or close the service silently.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

from chalicelib.chat.errors import ServiceClosed
from chalicelib.chat.holidays import REGIONS, is_public_holiday
from chalicelib.clock import DAY_NAMES, PARIS, clock_text, local_iso, moment_text, now
from chalicelib.config import Settings, settings
from chalicelib.models import officer as officers
from chalicelib.models.base import per_settings

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_DAY = (0, 24 * 60)
SEARCH_DAYS = 400  # how far ahead the next opening is looked for

Interval = tuple[int, int]  # minutes since local midnight, [start, end)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Schedule:
    """When the service answers: weekly intervals, holidays, extra closed days."""

    weekly: tuple[tuple[Interval, ...], ...]  # 7 entries, Monday first
    holidays: tuple[Interval, ...] | None  # None: a holiday keeps its weekday's hours
    closed_dates: frozenset[dt.date] = frozenset()
    region: str = ""
    always: bool = False

    def intervals(self, day: dt.date) -> tuple[Interval, ...]:
        """The opening intervals of a local day."""
        if self.always:
            return (FULL_DAY,)
        if day in self.closed_dates:
            return ()
        if self.holidays is not None and is_public_holiday(day, self.region):
            return self.holidays
        return self.weekly[day.weekday()]

    def is_open(self, at: float) -> bool:
        """True when ``at`` (epoch seconds) falls within the service hours."""
        local = dt.datetime.fromtimestamp(at, PARIS)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self.intervals(local.date()))

    def next_opening(self, at: float) -> float | None:
        """When the service opens next after ``at`` (epoch seconds); None when it is open at
        ``at``, or never opens."""
        if self.is_open(at):
            return None
        today = dt.datetime.fromtimestamp(at, PARIS).date()
        for offset in range(SEARCH_DAYS):
            day = today + dt.timedelta(days=offset)
            for start, _end in self.intervals(day):
                moment = _local_moment(day, start)
                if moment > at:
                    return moment
        return None

    def describe(self) -> list[str]:
        """The hours in French, one sentence per group of days (« Du lundi au vendredi, de
        8 h à 20 h. », « Fermé les jours fériés. »)."""
        if self.always:
            return ["Tous les jours, 24 h sur 24, jours fériés compris."]
        if not any(self.weekly) and not self.holidays:
            return ["Le tchat est fermé jusqu'à nouvel ordre."]
        lines: list[str] = []
        index = 0
        while index < 7:
            intervals = self.weekly[index]
            last = index
            while last + 1 < 7 and self.weekly[last + 1] == intervals:
                last += 1
            if intervals:
                lines.append(f"{_days_text(index, last)}, {_intervals_text(intervals)}.")
            index = last + 1
        closed = [DAY_NAMES[i] for i in range(7) if not self.weekly[i]]
        if closed:
            names = [f"le {name}" for name in closed]
            listed = ", ".join(names[:-1]) + f" et {names[-1]}" if len(names) > 1 else names[0]
            lines.append(f"Fermé {listed}.")
        if self.holidays is None:
            pass
        elif self.holidays:
            lines.append(f"Les jours fériés, {_intervals_text(self.holidays)}.")
        elif any(self.weekly):
            lines.append("Fermé les jours fériés.")
        return lines


def _local_moment(day: dt.date, minute: int) -> float:
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=PARIS)
    return (midnight + dt.timedelta(minutes=minute)).timestamp()


def _clock_text(minute: int) -> str:
    return clock_text(*divmod(minute, 60))


def _intervals_text(intervals: tuple[Interval, ...]) -> str:
    if intervals == (FULL_DAY,):
        return "24 h sur 24"
    return " et ".join(f"de {_clock_text(a)} à {_clock_text(b)}" for a, b in intervals)


def _days_text(first: int, last: int) -> str:
    if first == last:
        return f"Le {DAY_NAMES[first]}"
    return f"Du {DAY_NAMES[first]} au {DAY_NAMES[last]}"


# -- parsing -------------------------------------------------------------------------------


def _minute(text: str, setting: str) -> int:
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"{setting}: heure invalide {text!r} (HH:MM attendu)")
    hours, minutes = int(match.group(1)), int(match.group(2))
    value = hours * 60 + minutes
    if minutes >= 60 or value > 24 * 60:
        raise ValueError(f"{setting}: heure invalide {text!r}")
    return value


def _intervals(text: str, setting: str) -> tuple[Interval, ...]:
    found: list[Interval] = []
    for part in text.split(","):
        start_text, dash, end_text = part.strip().partition("-")
        if not dash:
            raise ValueError(f"{setting}: plage invalide {part.strip()!r} (08:00-20:00 attendu)")
        start, end = _minute(start_text, setting), _minute(end_text, setting)
        if end <= start:
            raise ValueError(f"{setting}: la plage {part.strip()!r} finit avant de commencer")
        found.append((start, end))
    found.sort()
    for (_, first_end), (second_start, _) in itertools.pairwise(found):
        if second_start < first_end:
            raise ValueError(f"{setting}: plages qui se chevauchent dans {text!r}")
    return tuple(found)


def _days(text: str, setting: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        first, dash, last = part.strip().lower().partition("-")
        if first not in DAY_KEYS or (dash and last not in DAY_KEYS):
            raise ValueError(f"{setting}: jours invalides {part.strip()!r} (mon … sun attendus)")
        start = DAY_KEYS.index(first)
        end = DAY_KEYS.index(last) if dash else start
        if end < start:
            raise ValueError(f"{setting}: plage de jours à l'envers {part.strip()!r}")
        days.extend(range(start, end + 1))
    return days


def parse_schedule(
    hours: str, holiday_hours: str = "closed", closed_dates: str = "", region: str = ""
) -> Schedule:
    """A Schedule from the four settings (see the module's docstring); ValueError otherwise."""
    spec = hours.strip().lower()
    if region not in REGIONS:
        raise ValueError(f"CHAT_HOLIDAY_REGION: région inconnue {region!r}")
    dates: set[dt.date] = set()
    for item in (part.strip() for part in closed_dates.split(",")):
        if item:
            try:
                dates.add(dt.date.fromisoformat(item))
            except ValueError as error:
                raise ValueError(f"CHAT_CLOSED_DATES: date invalide {item!r}") from error
    holiday_spec = holiday_hours.strip().lower() or "closed"
    holidays: tuple[Interval, ...] | None
    if holiday_spec == "closed":
        holidays = ()
    elif holiday_spec == "weekly":
        holidays = None
    else:
        holidays = _intervals(holiday_spec, "CHAT_HOLIDAY_HOURS")
    if spec in ("", "always"):
        return Schedule(((FULL_DAY,),) * 7, None, frozenset(dates), region, always=not dates)
    weekly: list[tuple[Interval, ...]] = [()] * 7
    if spec != "never":
        for rule in (part.strip() for part in spec.split(";")):
            if not rule:
                continue
            days_text, _, times_text = rule.partition(" ")
            if not times_text.strip():
                raise ValueError(f"CHAT_HOURS: règle incomplète {rule!r} (mon-fri 08:00-20:00)")
            intervals = _intervals(times_text.replace(" ", ""), "CHAT_HOURS")
            for day in _days(days_text, "CHAT_HOURS"):
                if weekly[day]:
                    raise ValueError(f"CHAT_HOURS: {DAY_KEYS[day]} est décrit deux fois")
                weekly[day] = intervals
    return Schedule(tuple(weekly), holidays, frozenset(dates), region)


def schedule_of(conf: Settings) -> Schedule:
    """The schedule a stage's settings describe."""
    return parse_schedule(
        conf.chat_hours, conf.chat_holiday_hours, conf.chat_closed_dates, conf.chat_holiday_region
    )


@per_settings
def service_schedule(conf: Settings) -> Schedule:
    """The schedule of the settings in effect (parsed once per settings)."""
    return schedule_of(conf)


@dataclass(frozen=True)
class Opening:
    """Whether the service answers now, when it opens next, and its hours in words."""

    within_hours: bool
    next_opening: float | None
    hours: list[str]
    messages: bool  # « laisser un message » is offered while closed


def opening(at: float | None = None) -> Opening:
    """The service's opening at ``at`` (default now)."""
    at = now() if at is None else at
    schedule = service_schedule()
    within = schedule.is_open(at)
    return Opening(
        within_hours=within,
        next_opening=None if within else schedule.next_opening(at),
        hours=schedule.describe(),
        messages=settings().chat_async_messages,
    )


def next_opening_text(moment: float | None) -> str:
    """« lundi 22 décembre à 8 h » (Europe/Paris), or "" when unknown."""
    return moment_text(moment) if moment is not None else ""


def iso_local(moment: float | None) -> str | None:
    """A moment as ISO 8601 in Paris time with its offset (``2026-12-21T08:00:00+01:00``)."""
    return local_iso(moment) if moment is not None else None


def admit_join(at: float | None = None) -> bool:
    """May a conversation start now? False: a live one; True: a message left for later
    (offered while closed, or while nobody is on duty, when the service chooses to); else
    ServiceClosed, which says when the chat opens again."""
    service = opening(at)
    if service.within_hours:
        return service.messages and officers.on_duty_count() == 0
    if service.messages:
        return True
    when = next_opening_text(service.next_opening)
    raise ServiceClosed(
        (f"Le tchat est fermé. Il rouvre {when}. " if when else "Le tchat est fermé. ")
        + "En cas de danger, appelez le 17 ou le 112 (SMS au 114)."
    )
