"""An officer's console that disappears: the citizen is told and the conversation requeued
within the grace period, whatever the sweeper's minute granularity."""

from __future__ import annotations

import re
from pathlib import Path

from chalicelib.chat.lifecycle import SWEEP_EVERY_SECONDS, officer_sweep_age

ROOT = Path(__file__).resolve().parents[2]


def requeued_after(gone_at: float, grace: float, period: float, first_sweep: float) -> float:
    """When the first sweep at or after ``first_sweep`` (every ``period``) requeues."""
    sweep = first_sweep
    while not gone_at < sweep - officer_sweep_age(grace, period):
        sweep += period
    return sweep - gone_at


def test_every_officer_gone_is_requeued_within_the_grace_period_and_not_before_half_of_it() -> None:
    # Holds while the sweep runs at least twice per grace period (production: 60 s, 120 s).
    for grace, period in ((120, 60), (300, 60), (6, 3), (4, 1)):
        delays = [
            requeued_after(gone_at=offset / 10, grace=grace, period=period, first_sweep=0)
            for offset in range(0, int(period * 10))
        ]
        assert max(delays) <= grace, (grace, period)
        assert min(delays) >= grace / 2 - period / 10, (grace, period)


def test_the_sweep_period_is_the_schedule_of_the_app() -> None:
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    minutes = re.search(r'@app\.schedule\("rate\((\d+) minutes?\)"\)\ndef chat_sweeper', source)
    assert minutes and int(minutes.group(1)) * 60 == SWEEP_EVERY_SECONDS
