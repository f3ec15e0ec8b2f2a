"""Service hours (chalicelib/chat/hours.py) and France's public holidays (chat/holidays.py):
computed, in Paris time, and every stage's configuration parses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from chalicelib.chat.holidays import easter, is_public_holiday, public_holidays
from chalicelib.chat.hours import next_opening_text, parse_schedule
from chalicelib.config import _load

ROOT = Path(__file__).resolve().parents[2]
PARIS = ZoneInfo("Europe/Paris")


def paris(*parts: int) -> float:
    return dt.datetime(*parts, tzinfo=PARIS).timestamp()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("year", "sunday"),
    [
        (2019, (4, 21)),
        (2024, (3, 31)),
        (2025, (4, 20)),
        (2026, (4, 5)),
        (2027, (3, 28)),
        (2038, (4, 25)),
        (2285, (3, 22)),
    ],
)
def test_easter_is_computed_for_any_gregorian_year(year: int, sunday: tuple[int, int]) -> None:
    assert easter(year) == dt.date(year, *sunday)


def test_the_eleven_holidays_of_2026_and_the_two_of_alsace_moselle() -> None:
    days = public_holidays(2026)
    assert sorted(days) == [
        dt.date(2026, 1, 1),
        dt.date(2026, 4, 6),  # lundi de Pâques
        dt.date(2026, 5, 1),
        dt.date(2026, 5, 8),
        dt.date(2026, 5, 14),  # Ascension
        dt.date(2026, 5, 25),  # lundi de Pentecôte
        dt.date(2026, 7, 14),
        dt.date(2026, 8, 15),
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 11),
        dt.date(2026, 12, 25),
    ]
    local = public_holidays(2026, "alsace-moselle")
    assert set(local) - set(days) == {dt.date(2026, 4, 3), dt.date(2026, 12, 26)}
    assert not is_public_holiday(dt.date(2026, 12, 26))


def test_outside_the_hours_the_next_opening_skips_sundays_and_holidays() -> None:
    schedule = parse_schedule("mon-fri 08:00-20:00; sat 09:00-13:00")
    christmas_eve_late = paris(2026, 12, 24, 23, 22)
    assert not schedule.is_open(christmas_eve_late)
    assert (
        next_opening_text(schedule.next_opening(christmas_eve_late)) == "samedi 26 décembre à 9 h"
    )
    assert schedule.is_open(paris(2026, 12, 28, 8, 0))
    assert not schedule.is_open(paris(2026, 12, 28, 20, 0))  # the end is not included
    assert schedule.next_opening(paris(2026, 12, 28, 12, 0)) is None  # open now


def test_hours_are_paris_time_across_the_change_to_summer_time() -> None:
    schedule = parse_schedule("mon-fri 08:00-20:00")
    saturday = paris(2026, 3, 28, 21, 0)  # winter time, UTC+1
    monday = schedule.next_opening(saturday)
    assert monday == paris(2026, 3, 30, 8, 0)
    assert dt.datetime.fromtimestamp(monday, dt.UTC).hour == 6  # summer time, UTC+2


def test_holidays_can_keep_the_weekly_hours_or_have_their_own() -> None:
    may_day = paris(2026, 5, 1, 10, 0)  # a Friday
    assert not parse_schedule("mon-fri 08:00-20:00").is_open(may_day)
    assert parse_schedule("mon-fri 08:00-20:00", "weekly").is_open(may_day)
    own = parse_schedule("mon-fri 08:00-20:00", "09:00-12:00")
    assert own.is_open(paris(2026, 5, 1, 11, 0)) and not own.is_open(paris(2026, 5, 1, 13, 0))
    closed_day = parse_schedule("always", closed_dates="2026-12-24")
    assert not closed_day.is_open(paris(2026, 12, 24, 12, 0))
    assert closed_day.next_opening(paris(2026, 12, 24, 12, 0)) == paris(2026, 12, 25, 0, 0)


def test_the_hours_are_said_in_plain_french() -> None:
    assert parse_schedule("mon-fri 08:00-12:00,14:00-18:30; sat 09:00-13:00").describe() == [
        "Du lundi au vendredi, de 8 h à 12 h et de 14 h à 18 h 30.",
        "Le samedi, de 9 h à 13 h.",
        "Fermé le dimanche.",
        "Fermé les jours fériés.",
    ]
    assert parse_schedule("always").describe() == [
        "Tous les jours, 24 h sur 24, jours fériés compris."
    ]
    assert parse_schedule("never").describe() == ["Le tchat est fermé jusqu'à nouvel ordre."]


@pytest.mark.parametrize(
    "hours",
    [
        "mon-fri 8h-20h",
        "lun 08:00-20:00",
        "mon 20:00-08:00",
        "mon 08:00-25:00",
        "mon 08:00-12:00,11:00-14:00",
        "mon 08:00-20:00; mon 09:00-10:00",
        "fri-mon 08:00-20:00",
        "mon-fri",
    ],
)
def test_a_setting_that_does_not_parse_is_refused_loudly(hours: str) -> None:
    with pytest.raises(ValueError, match="CHAT_HOURS"):
        parse_schedule(hours)


def test_bad_holiday_settings_are_refused_loudly() -> None:
    with pytest.raises(ValueError, match="CHAT_CLOSED_DATES"):
        parse_schedule("always", closed_dates="24/12/2026")
    with pytest.raises(ValueError, match="CHAT_HOLIDAY_REGION"):
        parse_schedule("always", region="corse")
    with pytest.raises(ValueError, match="CHAT_HOLIDAY_HOURS"):
        parse_schedule("always", holiday_hours="fermé")


def test_every_stage_s_hours_parse_and_the_default_is_always_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    for stage, body in config["stages"].items():
        env = {**config.get("environment_variables", {}), **body.get("environment_variables", {})}
        schedule = parse_schedule(
            env.get("CHAT_HOURS", "always"),
            env.get("CHAT_HOLIDAY_HOURS", "closed"),
            env.get("CHAT_CLOSED_DATES", ""),
            env.get("CHAT_HOLIDAY_REGION", ""),
        )
        assert schedule.describe(), stage
    for name in ("CHAT_HOURS", "CHAT_HOLIDAY_HOURS", "CHAT_CLOSED_DATES"):
        monkeypatch.delenv(name, raising=False)
    defaults = _load()
    assert parse_schedule(defaults.chat_hours).always  # the local platform and tests: open
