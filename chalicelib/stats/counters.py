"""Recording and reading the daily counters of every domain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.clock import day_of, now
from chalicelib.models import counter


def record(scope: str, deltas: dict[str, int | float], at: float | None = None) -> None:
    """Add to the counters of ``scope`` for the day of ``at``."""
    counter.increment(scope, day_of(at), deltas)


def daily(scope: str, days: int, until: float | None = None) -> dict[str, dict[str, float]]:
    """The last ``days`` days of ``scope``, every day present (zeros filled in)."""
    last = datetime.fromtimestamp(now() if until is None else until, tz=UTC).date()
    first = last - timedelta(days=days - 1)
    stored = counter.read_range(scope, first.isoformat(), last.isoformat())
    return {
        (first + timedelta(days=offset)).isoformat(): stored.get(
            (first + timedelta(days=offset)).isoformat(), {}
        )
        for offset in range(days)
    }


def totals(scope: str, days: int, until: float | None = None) -> dict[str, float]:
    """Each counter of ``scope`` summed over the last ``days`` days."""
    summed: dict[str, float] = {}
    for values in daily(scope, days, until).values():
        for name, value in values.items():
            summed[name] = summed.get(name, 0) + value
    return summed
