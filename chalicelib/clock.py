"""The one clock of the app (injectable, so tests control time) and how moments are written."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()


class FrozenClock:
    """A clock tests move by hand."""

    def __init__(self, start: float = 1_790_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds


_clock: Clock = SystemClock()


def clock() -> Clock:
    """The clock in use."""
    return _clock


def use_clock(new: Clock) -> None:
    """Replace the clock (tests)."""
    global _clock
    _clock = new


def now() -> float:
    """Seconds since the epoch, from the clock in use."""
    return _clock.now()


def iso_time(at: float) -> str:
    """A moment as stored and shown: ISO 8601, UTC, to the second (``2026-05-01T08:30:00Z``)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))


def day_of(at: float | None = None) -> str:
    """The UTC day of ``at`` (default: now) as ``YYYY-MM-DD``: the key of daily records."""
    return time.strftime("%Y-%m-%d", time.gmtime(now() if at is None else at))


# The unit works on Paris time: shift planning counts by its hours.
UNIT_TIMEZONE = "Europe/Paris"


def unit_hour(at: float) -> int:
    """The hour (0–23) of ``at`` on the unit's clock (Europe/Paris, summer time included)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromtimestamp(at, tz=ZoneInfo(UNIT_TIMEZONE)).hour


def unit_day_hours(day: str) -> list[float]:
    """The middle of each hour of a unit day (``YYYY-MM-DD``, Paris) as epoch seconds: 24 of
    them (23 or 25 hours on a change of time: each hour of the clock once)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(UNIT_TIMEZONE)
    start = datetime.fromisoformat(day).replace(tzinfo=zone)
    moments: dict[int, float] = {}
    for quarter in range(0, 25 * 4):
        moment = (start + timedelta(minutes=15 * quarter + 30)).astimezone(zone)
        if moment.date() != start.date():
            break
        moments.setdefault(moment.hour, moment.timestamp())
    return [moments.get(hour, 0.0) for hour in range(24)]


def unit_day(at: float | None = None) -> str:
    """The unit's day (Paris) of ``at`` (default: now) as ``YYYY-MM-DD``."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    moment = datetime.fromtimestamp(now() if at is None else at, tz=ZoneInfo(UNIT_TIMEZONE))
    return moment.date().isoformat()


def display_time(at: float) -> str:
    """A moment as a reader sees it in a text document: ``31/12/2026 23:59`` (UTC)."""
    return time.strftime("%d/%m/%Y %H:%M", time.gmtime(at))
