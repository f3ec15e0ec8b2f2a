"""Runs the app's ``@app.schedule`` functions at their rate, as EventBridge would."""

from __future__ import annotations

import re
import threading
import time
import uuid
from typing import Any

from chalice.app import Chalice, Rate, ScheduledEventConfig
from chalice.local import LambdaContext

_UNIT_SECONDS = {
    "minute": 60,
    "minutes": 60,
    "hour": 3600,
    "hours": 3600,
    "day": 86400,
    "days": 86400,
}


def period_seconds(expression: Any) -> float | None:
    """The period of a rate expression in seconds, or None for a cron (not emulated)."""
    if isinstance(expression, Rate):
        return float(expression.value) * _UNIT_SECONDS[expression.unit.lower()]
    match = re.fullmatch(r"rate\((\d+) (\w+)\)", str(expression).strip())
    if match:
        return float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    return None


def scheduled_event(name: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "000000000000",
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "region": "eu-west-3",
        "resources": [f"arn:aws:events:eu-west-3:000000000000:rule/{name}"],
        "detail": {},
    }


class Scheduler:
    """One daemon thread that fires each schedule when due (``speed`` > 1 runs them faster)."""

    def __init__(self, app: Chalice, speed: float = 1.0) -> None:
        self._app = app
        self._speed = speed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self.jobs: list[tuple[str, float]] = []
        for source in app.event_sources:
            if isinstance(source, ScheduledEventConfig):
                period = period_seconds(source.schedule_expression)
                if period:
                    self.jobs.append((source.name, period / speed))

    def start(self) -> None:
        if self.jobs:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def run_now(self, name: str) -> Any:
        handler = self._app.handler_map[name]
        return handler(
            scheduled_event(name),
            LambdaContext(function_name=name, memory_size=512, max_runtime_ms=60_000),
        )

    def _run(self) -> None:
        due = {name: time.monotonic() + period for name, period in self.jobs}
        while not self._stop.wait(0.5):
            for name, period in self.jobs:
                if time.monotonic() >= due[name]:
                    due[name] = time.monotonic() + period
                    try:
                        self.run_now(name)
                    except Exception as error:  # a failed run must not stop the others
                        print(f"[schedule] {name} failed: {error!r}", flush=True)
