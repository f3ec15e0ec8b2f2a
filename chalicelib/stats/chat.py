"""Chat figures for the supervisors' dashboard: the counters a conversation's life writes, and
the dashboard computed from those daily counters only (never from raw conversations)."""

from __future__ import annotations

from typing import Any

from chalicelib.clock import day_of, now, unit_day, unit_day_hours, unit_hour
from chalicelib.models import conversation as conversations
from chalicelib.models import officer as officers
from chalicelib.models import queue_view
from chalicelib.stats import counters
from chalicelib.vocabulary import OUTCOMES, SYSTEM_OUTCOMES

# Upper bounds (seconds) of the wait / handle time histograms kept in the counters.
BUCKETS = (30, 60, 120, 300, 600, 900, 1800, 3600)
COUNTED = (
    "started",
    "started_urgent",
    "assigned",
    "closed",
    "abandoned",
    "cancelled",
    "requeued",
    "transferred",
    "messages_citizen",
    "messages_officer",
)


def bucket(seconds: float) -> str:
    """The histogram bucket name of a duration (``le_300`` … ``gt_3600``)."""
    for bound in BUCKETS:
        if seconds <= bound:
            return f"le_{bound}"
    return f"gt_{BUCKETS[-1]}"


def record_assigned(wait_seconds: float, at: float) -> None:
    """A conversation was assigned after ``wait_seconds`` in the queue (mean and median)."""
    counters.record(
        "chat",
        {
            "assigned": 1,
            f"assigned.h{unit_hour(at):02d}": 1,
            "wait_sum": round(wait_seconds, 3),
            "wait_count": 1,
            f"wait_hist.{bucket(wait_seconds)}": 1,
        },
        at,
    )


def record_closed(outcome: str, handle_seconds: float, at: float) -> None:
    """A conversation was closed with ``outcome`` after ``handle_seconds`` with its officer."""
    counters.record(
        "chat",
        {
            "closed": 1,
            f"closed.{outcome}": 1,
            "handle_sum": round(handle_seconds, 3),
            "handle_count": 1,
            f"handle_hist.{bucket(handle_seconds)}": 1,
        },
        at,
    )


def median_from_histogram(histogram: dict[str, float]) -> float | None:
    """Median estimated from bucket counts (linear within the bucket), None when empty."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    half = total / 2
    seen = 0.0
    lower = 0.0
    for bound in BUCKETS:
        n = histogram.get(f"le_{bound}", 0)
        if seen + n >= half and n > 0:
            return round(lower + (bound - lower) * (half - seen) / n, 1)
        seen += n
        lower = bound
    return float(BUCKETS[-1])


def _histogram(values: dict[str, float], prefix: str) -> dict[str, float]:
    return {key[len(prefix) :]: value for key, value in values.items() if key.startswith(prefix)}


def _mean(total: float, count: float) -> float | None:
    return round(total / count, 1) if count else None


def _waiting_now() -> int:
    """How many wait, as the queue's fan-out last read it (never a read of the queue)."""
    view = queue_view.read()
    return int(view.waiting) if view is not None else 0


PLANNING_DAYS = 28  # the by-hour profile: the last four weeks


def _hour_counts(values: dict[str, float], name: str) -> list[float]:
    return [values.get(f"{name}.h{hour:02d}", 0.0) for hour in range(24)]


def by_hour(daily: dict[str, dict[str, float]], at: float) -> dict[str, Any]:
    """Conversations started and answered by hour of the unit's day (Paris): today, and the
    mean of the last four weeks before today, for shift planning.

    The counters' items are UTC days and their hour counters Paris hours, so each hour of
    the Paris day is read from the UTC day that contains it (one item, or two around
    midnight)."""
    today = unit_day(at)
    hours = unit_day_hours(today)
    today_rows = {
        name: [
            int(daily.get(day_of(moment), {}).get(f"{name}.h{hour:02d}", 0)) if moment else 0
            for hour, moment in enumerate(hours)
        ]
        for name in ("started", "assigned")
    }
    before = sorted(day for day in daily if day < day_of(hours[0] or at))[-PLANNING_DAYS:]
    weeks = {
        name: [
            round(sum(_hour_counts(daily[day], name)[hour] for day in before) / PLANNING_DAYS, 2)
            for hour in range(24)
        ]
        for name in ("started", "assigned")
    }
    return {"day": today, "today": today_rows, "four_weeks": weeks}


def dashboard(days: int) -> dict[str, Any]:
    """Per-day counters, totals with medians and abandonment rate, the queue now, and the
    by-hour figures for shift planning (one Query of the daily counters for all of it)."""
    at = now()
    read = counters.daily("chat", max(days, PLANNING_DAYS + 2), at)
    daily = dict(list(read.items())[-days:])
    outcome_names = list(OUTCOMES) + list(SYSTEM_OUTCOMES)
    rows = []
    totals: dict[str, float] = {}
    for day, values in daily.items():
        for key, value in values.items():
            totals[key] = totals.get(key, 0) + value
        rows.append(
            {
                "day": day,
                **{name: int(values.get(name, 0)) for name in COUNTED},
                "outcomes": {
                    name: int(values.get(f"closed.{name}", 0))
                    for name in outcome_names
                    if values.get(f"closed.{name}")
                },
                "mean_wait_seconds": _mean(values.get("wait_sum", 0), values.get("wait_count", 0)),
                "mean_handle_seconds": _mean(
                    values.get("handle_sum", 0), values.get("handle_count", 0)
                ),
            }
        )
    ended = totals.get("closed", 0) + totals.get("abandoned", 0) + totals.get("cancelled", 0)
    summary = {
        **{name: int(totals.get(name, 0)) for name in COUNTED},
        "outcomes": {
            name: int(totals.get(f"closed.{name}", 0))
            for name in outcome_names
            if totals.get(f"closed.{name}")
        },
        "abandonment_rate": round(totals.get("abandoned", 0) / ended, 4) if ended else 0.0,
        "mean_wait_seconds": _mean(totals.get("wait_sum", 0), totals.get("wait_count", 0)),
        "mean_handle_seconds": _mean(totals.get("handle_sum", 0), totals.get("handle_count", 0)),
        "median_wait_seconds": median_from_histogram(_histogram(totals, "wait_hist.")),
        "median_handle_seconds": median_from_histogram(_histogram(totals, "handle_hist.")),
    }
    return {
        "days": rows,
        "totals": summary,
        "now": {
            "waiting": _waiting_now(),
            "officers_online": officers.online_count(),
        },
        "hours": by_hour(read, at),
    }


def officers_now(at: float | None = None) -> list[dict[str, Any]]:
    """Each officer online or away: presence, load, and the longest a citizen of theirs has
    waited for an answer. One Query of ``presence`` per status, one BatchGetItem of them
    and per officer a Query of ``by_officer`` (34 officers: about 40 calls, no Scan)."""
    at = now() if at is None else at
    out = []
    for officer in officers.present():
        officer_id = officer.officer_id
        held = conversations.active_of(officer_id)
        waits = [at - float(c.awaiting_since) for c in held if c.awaiting_since]
        out.append(
            {
                "officer_id": officer_id,
                "name": officer.shown_name,
                "status": officer.status,
                "connected": bool(officer.sockets()),
                "active_count": int(officer.active_count),
                "capacity": int(officer.capacity),
                "longest_reply_wait_seconds": int(max(waits)) if waits else None,
            }
        )
    return sorted(out, key=lambda row: (row["status"] != "online", str(row["name"]).lower()))
