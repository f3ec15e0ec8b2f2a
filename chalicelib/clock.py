"""The one clock of the app, injectable so tests control time."""

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
