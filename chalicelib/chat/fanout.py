"""The fan-out: tell every waiting citizen where they stand, off the request paths.

Lambda's SQS event source invokes it with the queue events of a batching window (every
change of the queue and every position asked for, chalicelib/models/queue_events.py): any
number of changes in the window make one fan-out. It

1. takes the lease and the next version (chalicelib/models/queue_view.py): fan-outs run one
   at a time and their ``queue`` frames carry strictly increasing versions;
2. fills every free officer slot it can (the request paths only try a few rounds);
3. reads the waiting queue once, by pages, and computes every position and estimate;
4. posts, concurrently (a bounded pool), to each citizen whose figures changed since the
   last frame it was sent, and to each who asked;
5. publishes what it read (officers' view, public status) and releases the lease;
6. when the queue changed, pushes the published view (``queue_state``) to every officer
   online or away, concurrently.

A conversation that entered the queue less than ``queue_settle_seconds`` ago is counted but
not told yet: a join that took its place in the queue a moment earlier may still be on its
way to the table, and telling the newer one first would make its position go up when the
older one lands. The fan-out sends itself a delayed event for them.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from chalicelib.chat import outbound, sockets
from chalicelib.chat.queue import dispatch, estimate_seconds, mean_handle_seconds, queue_summary
from chalicelib.clock import now
from chalicelib.config import settings
from chalicelib.models import conversation as conversations
from chalicelib.models import officer as officers
from chalicelib.models import queue_events, queue_view
from chalicelib.models.conversation import Conversation, is_requeued
from chalicelib.models.queue_view import Figures, Lease
from chalicelib.observability import count, logger

LEASE_WAIT_SECONDS = 15.0
LEASE_POLL_SECONDS = 0.2
# A fan-out fills every free slot it finds, up to this many assignments (then it asks for
# another fan-out): far above 34 officers x 8 conversations.
FANOUT_ROUNDS = 300
REFRESH_ID_LENGTH = 32


@dataclass
class QueueEvents:
    """What a batch of queue events asks for: the changes seen, the positions wanted."""

    changes: set[str] = field(default_factory=set)
    refresh: set[str] = field(default_factory=set)


def parse(bodies: Iterable[str]) -> QueueEvents:
    """The events of a batch; a malformed message is logged and ignored (it is only a
    doorbell: the fan-out reads the queue anyway)."""
    events = QueueEvents()
    for body in bodies:
        try:
            data = json.loads(body)
        except (TypeError, ValueError):
            logger.warning("queue event is not JSON", extra={"body": str(body)[:200]})
            continue
        if not isinstance(data, dict):
            continue
        change = data.get("change")
        if isinstance(change, str) and change:
            events.changes.add(change[:40])
        refresh = data.get("refresh")
        if isinstance(refresh, list):
            events.refresh |= {
                cid for cid in refresh if isinstance(cid, str) and len(cid) == REFRESH_ID_LENGTH
            }
    return events


# What this container told each waiting citizen, as of the version it published last:
# (position, estimate in minutes, officers online). Only trusted when no other container
# published since (the lease says which version came before).
_told: dict[str, tuple[int, int, int]] = {}
_told_version = 0
_pool: ThreadPoolExecutor | None = None


def _workers() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(
            max_workers=max(1, settings().fanout_workers), thread_name_prefix="fanout"
        )
    return _pool


def _lease() -> Lease | None:
    """Wait for the fan-out before this one to finish (bounded), then take the lease."""
    deadline = time.monotonic() + LEASE_WAIT_SECONDS
    while True:
        lease = queue_view.take_lease(now(), settings().fanout_lease_seconds)
        if lease is not None or time.monotonic() >= deadline:
            return lease
        time.sleep(LEASE_POLL_SECONDS)


def fan_out(bodies: Iterable[str]) -> dict[str, int]:
    """Handle one batch of queue events (see the module docstring)."""
    events = parse(bodies)
    lease = _lease()
    if lease is None:
        # Another fan-out holds the lease far longer than it should: ask again later
        # rather than interleave with it.
        logger.warning("fan-out lease still held: events deferred")
        queue_events.send(
            {"change": "deferred", "refresh": sorted(events.refresh)}, delay_seconds=2
        )
        return {"deferred": 1}
    try:
        return _run(lease, events)
    except Exception:
        queue_view.release(lease)
        raise


def _head(first: list[Conversation]) -> list[dict[str, object]]:
    """The first waiting conversations as officers list them, each with the first words of
    its first message (one BatchGetItem: the queue index does not project them)."""
    previews = conversations.previews([c.conversation_id for c in first])
    head: list[dict[str, object]] = []
    for c in first:
        item: dict[str, object] = {
            "conversation_id": c.conversation_id,
            "topic": c.topic,
            "urgent": bool(c.urgent),
            "enqueued_at": float(c.enqueued_at),
        }
        if c.conversation_id in previews:
            item["preview"] = previews[c.conversation_id]
        head.append(item)
    return head


def _tell_officers(summary: outbound.QueueStateFrame) -> int:
    """Push the queue to every officer online or away (an urgent conversation is offered to
    all of them, at capacity too), concurrently; returns how many consoles got it."""
    return sum(
        _workers().map(
            lambda officer: sockets.to_officer(officer.officer_id, summary, known=officer),
            officers.present(),
        )
    )


def _fingerprint(position: int, estimate: int, online: int) -> tuple[int, int, int]:
    """What a citizen sees of a frame (the widget shows the estimate in minutes)."""
    return position, round(estimate / 60), online


def _run(lease: Lease, events: QueueEvents) -> dict[str, int]:
    global _told, _told_version
    conf = settings()
    dispatched = dispatch(now(), rounds=FANOUT_ROUNDS)
    waiting = conversations.waiting()
    read_at = now()
    online, slots = officers.online_capacity()
    handle = mean_handle_seconds()
    settled_before = read_at - conf.queue_settle_seconds
    known = _told if _told_version == lease.previous else {}

    told: dict[str, tuple[int, int, int]] = {}
    targets: list[tuple[Conversation, outbound.QueueFrame]] = []
    unsettled = 0
    for index, conversation in enumerate(waiting):
        cid = conversation.conversation_id
        position = index + 1
        if (
            not is_requeued(conversation.queue_sk)
            and float(conversation.enqueued_at) > settled_before
        ):
            unsettled += 1
            continue
        estimate = estimate_seconds(position, slots, handle)
        fingerprint = _fingerprint(position, estimate, online)
        told[cid] = fingerprint
        if cid in events.refresh or known.get(cid) != fingerprint:
            frame = outbound.queue(position, estimate, online, version=lease.version)
            targets.append((conversation, frame))

    delivered = sum(_workers().map(lambda target: sockets.to_citizen(*target), targets))
    published = queue_view.publish(
        lease,
        Figures(
            read_at=read_at,
            waiting=len(waiting),
            urgent=sum(1 for c in waiting if c.urgent),
            oldest_enqueued_at=min((float(c.enqueued_at) for c in waiting), default=None),
            officers_online=online,
            slots=slots,
            handle_seconds=round(handle, 3),
            head=_head(waiting[: queue_view.HEAD_SIZE]),
        ),
    )
    consoles = 0
    if published:
        _told, _told_version = told, lease.version
        if events.changes or dispatched.assigned:
            consoles = _tell_officers(queue_summary())
    if unsettled:
        queue_events.send({"change": "settle"}, delay_seconds=math.ceil(conf.queue_settle_seconds))
    if dispatched.unfinished:
        queue_events.send({"change": "dispatch"})
    count("QueueFanOut")
    count("QueuePositionsPushed", len(targets))
    return {
        "version": lease.version,
        "waiting": len(waiting),
        "assigned": len(dispatched.assigned),
        "told": len(targets),
        "delivered": int(delivered),
        "unsettled": unsettled,
        "consoles": consoles,
    }
