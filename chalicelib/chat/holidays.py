"""France's public holidays (jours fériés), computed: no list to update each year.

The fixed ones are in the Code du travail (article L3133-1); the moving ones follow Easter,
computed with the Gregorian computus (the « anonymous » algorithm published by Meeus, valid
for every Gregorian year). Alsace and Moselle add Good Friday and 26 December (article
L3134-13). No package: eleven dates and one formula do not earn a dependency in the Lambda.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

ALSACE_MOSELLE = "alsace-moselle"
REGIONS = ("", ALSACE_MOSELLE)


def easter(year: int) -> dt.date:
    """Easter Sunday of a Gregorian year (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=32)
def public_holidays(year: int, region: str = "") -> dict[dt.date, str]:
    """Every public holiday of ``year`` in France (``region`` ``alsace-moselle`` adds its
    two), date → French name."""
    if region not in REGIONS:
        raise ValueError(f"unknown holiday region {region!r}: expected one of {REGIONS}")
    sunday = easter(year)
    days = {
        dt.date(year, 1, 1): "Jour de l'an",
        sunday + dt.timedelta(days=1): "Lundi de Pâques",
        dt.date(year, 5, 1): "Fête du Travail",
        dt.date(year, 5, 8): "Victoire 1945",
        sunday + dt.timedelta(days=39): "Ascension",
        sunday + dt.timedelta(days=50): "Lundi de Pentecôte",
        dt.date(year, 7, 14): "Fête nationale",
        dt.date(year, 8, 15): "Assomption",
        dt.date(year, 11, 1): "Toussaint",
        dt.date(year, 11, 11): "Armistice 1918",
        dt.date(year, 12, 25): "Noël",
    }
    if region == ALSACE_MOSELLE:
        days[sunday - dt.timedelta(days=2)] = "Vendredi saint"
        days[dt.date(year, 12, 26)] = "Saint-Étienne"
    return dict(sorted(days.items()))


def is_public_holiday(day: dt.date, region: str = "") -> bool:
    """True when ``day`` is a public holiday in France (or in ``region``)."""
    return day in public_holidays(day.year, region)
