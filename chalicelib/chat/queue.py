"""The waiting queue: assignment to officers, estimated waits, and what officers see of it.

Nothing here reads the whole queue: a request path reads at most its head (the first few
waiting conversations) and the head of the ``available`` officers, whatever the number of
waiting citizens. Positions are told by the fan-out (chalicelib/chat/fanout.py), off the
request paths: a request that changes the queue, or a citizen who asks where they stand,
sends one queue event, and the fan-out reads the queue once for every event of its window.
Officers, the public status and the dashboard read the view the fan-out published.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.chat import outbound, sockets
from chalicelib.chat.errors import (
    Busy,
    OfficerAtCapacity,
    OfficerOffline,
    QueueEmpty,
    UnknownConnection,
)
from chalicelib.chat.messages import SystemNote, announce
from chalicelib.clock import now
from chalicelib.config import settings
from chalicelib.models import conversation as conversations
from chalicelib.models import officer as officers
from chalicelib.models import queue_events, queue_view
from chalicelib.models.assignment import PRIORITY_OVERFLOW, Contention, claim
from chalicelib.models.conversation import Conversation, is_requeued
from chalicelib.models.officer import Officer
from chalicelib.observability import count, logger, metrics
from chalicelib.stats import counters
from chalicelib.stats.chat import record_assigned

DEFAULT_HANDLE_SECONDS = 480.0
HEAD = 5  # waiting conversations a claim may try, in order, when it loses a race
TAKE_ROUNDS = 10


def mean_handle_seconds() -> float:
    """Today's mean handle time, or a default early in the day."""
    today = counters.daily("chat", 1).popitem()[1]
    handled = today.get("handle_count", 0)
    if handled < 3:
        return DEFAULT_HANDLE_SECONDS
    return float(today.get("handle_sum", 0)) / handled


def estimate_seconds(position: int, slots: int, handle: float) -> int:
    """Expected wait of the ``position``-th waiting citizen (1 = next).

    Officers online hold ``slots`` conversations at once, each for ``handle`` seconds on
    average: once every slot is taken, one frees every ``handle / slots`` seconds, and the
    citizen is served after ``position`` of them. With nobody online, a whole handle time
    per conversation ahead is a floor, not a promise (the widget says so).
    """
    if slots <= 0:
        return int(handle * position)
    return math.ceil(position * handle / slots)


# -- queue events (to the fan-out) ----------------------------------------------------


def changed(reason: str) -> None:
    """The queue changed (or an assignment is left to do): one event for the fan-out."""
    queue_events.send({"change": reason})


def refresh_position(conversation_id: str) -> bool:
    """A citizen asks where they stand (``ping``, ``resume``): if their conversation is
    waiting, the fan-out tells them within its window. False when it is not waiting."""
    conversation = conversations.get(conversation_id)
    if conversation is None or conversation.status != "waiting":
        return False
    queue_events.send({"refresh": [conversation_id]})
    return True


# -- assignment ---------------------------------------------------------------------


def after_assignment(conversation_id: str, officer: Officer, at: float) -> None:
    """Tell both sides: a system message to the citizen, the conversation to the officer."""
    conversation = announce(
        conversation_id, SystemNote("Un policier a rejoint la conversation."), at, to_officer=False
    )
    wait = at - float(conversation.enqueued_at)
    record_assigned(wait, at)
    sockets.to_citizen(conversation, outbound.assigned(conversation_id))
    sockets.to_officer(
        officer.officer_id,
        outbound.conversation_assigned(conversation_view(conversation)),
        known=officer,  # read just before the claim: their sockets
    )
    count("ConversationAssigned")
    metrics.add_metric(name="QueueWaitSeconds", unit=MetricUnit.Seconds, value=max(0.0, wait))


def conversation_view(conversation: Conversation) -> outbound.ConversationView:
    """A conversation with its messages so far (the first 200), for the officer's console."""
    messages = conversations.messages_after(conversation.conversation_id, 0, limit=200)
    return outbound.conversation_view(conversation, messages)


class Exclusions:
    """Who gave a requeued conversation back (``not_for``, read only for requeued heads, at
    most ``HEAD`` GetItems), and whether another officer is online (one Query of two ids at
    most) — the rule: not back to them while someone else is."""

    def __init__(self) -> None:
        self._not_for: dict[str, str | None] = {}
        self._others_online: bool | None = None

    def refuses(self, head: Conversation, officer_id: str) -> bool:
        if not is_requeued(head.queue_sk):
            return False
        if head.conversation_id not in self._not_for:
            fresh = conversations.get(head.conversation_id)
            self._not_for[head.conversation_id] = fresh.not_for if fresh else None
        if self._not_for[head.conversation_id] != officer_id:
            return False
        if self._others_online is None:
            self._others_online = any(other != officer_id for other in officers.online_ids(limit=2))
        return self._others_online


@dataclass(frozen=True)
class Dispatched:
    """What one dispatch did: the (conversation, officer) pairs it assigned, and whether it
    stopped on its bound of rounds rather than on an empty queue or no free officer."""

    assigned: list[tuple[str, str]]
    unfinished: bool


def dispatch(
    at: float | None = None, rounds: int | None = None, *, first: str | None = None
) -> Dispatched:
    """Assign waiting conversations to available officers until one side runs out, or for
    ``rounds`` assignments at most (default: the request paths' bound, a few); with
    ``first``, only that conversation, and only when it heads the queue (a join: a slot
    freed while others wait is for the officer's own path and the fan-out to fill, rather
    than every join of a surge racing them for it).

    Urgent lane first, a requeued conversation first within its lane, then the oldest; the
    officer is the least loaded, then the one assigned longest ago — but a conversation
    given back to the queue is not offered to the officer who gave it back while another
    officer is online. Each claim is one TransactWrite, safe against any number of
    concurrent dispatchers: a lost race tries the next head. ``unfinished`` asks for another
    dispatch soon (the fan-out runs one).
    """
    at = now() if at is None else at
    rounds = settings().dispatch_rounds if rounds is None else rounds
    assigned: list[tuple[str, str]] = []
    exclusions = Exclusions()
    for _ in range(rounds):
        # Officers first: in a surge every slot is taken, and the small officers table
        # answers that without reading the queue.
        candidates = officers.available(limit=HEAD)
        heads = conversations.waiting(limit=HEAD) if candidates else []
        if not heads or not candidates:
            return Dispatched(assigned, unfinished=False)
        if first is not None:
            if heads[0].conversation_id != first or assigned:
                return Dispatched(assigned, unfinished=False)
            heads = heads[:1]
        attempt = _assign_one(heads, candidates, exclusions, at)
        if not attempt.able:
            # Every officer the index offers is gone, full or refused by now: nothing to do
            # until one comes back (their return, or the sweeper, settles the queue again).
            return Dispatched(assigned, unfinished=False)
        if attempt.pair:
            assigned.append(attempt.pair)
    return Dispatched(assigned, unfinished=True)


class _Attempt(NamedTuple):
    pair: tuple[str, str] | None  # (conversation, officer) assigned, or None: a race lost
    able: bool  # False: no officer the index offered could take a conversation


def _assign_one(
    heads: list[Conversation], candidates: list[Officer], exclusions: Exclusions, at: float
) -> _Attempt:
    """One claim: the first head the first able officer may take."""
    for candidate in candidates:
        officer = officers.get(candidate.officer_id)
        if (
            officer is None
            or officer.gone_pk is not None
            or officer.status != "online"
            or int(officer.active_count) >= int(officer.capacity)
        ):
            continue  # the index is behind this officer's state
        lost = False
        for head in heads:
            if exclusions.refuses(head, officer.officer_id):
                continue
            try:
                claim(head.conversation_id, officer, at, manual=False)
            except Contention as contention:
                if contention.conversation_changed:
                    lost = True
                    continue  # taken meanwhile: try the next one
                return _Attempt(None, able=True)  # the officer changed: read again
            after_assignment(head.conversation_id, officer, at)
            return _Attempt((head.conversation_id, officer.officer_id), able=True)
        if lost:
            return _Attempt(None, able=True)  # the heads were taken meanwhile: read again
        # Every head is one this officer gave back: the next officer may take it.
    return _Attempt(None, able=False)


def settle(reason: str | None, at: float | None = None, *, first: str | None = None) -> Dispatched:
    """After a change that may bring a citizen or free a slot: assign (a bounded dispatch;
    ``first``: see :func:`dispatch`), then send one queue event when the queue changed
    (``reason``), when something was assigned, or when the dispatch left work: the fan-out
    tells every waiting citizen and the officers present, and dispatches again, so a free
    slot never waits for the minute sweeper."""
    dispatched = dispatch(at, first=first)
    if reason or dispatched.assigned or dispatched.unfinished:
        changed(reason or ("assigned" if dispatched.assigned else "dispatch"))
    return dispatched


def take_next(officer_id: str, at: float | None = None, *, priority: bool = False) -> str:
    """An officer takes the head of the queue (« prendre la suivante »); with ``priority``
    (« prendre en priorité »), the first urgent conversation, even at capacity (one above
    it at most: docs/protocol.md)."""
    at = now() if at is None else at
    exclusions = Exclusions()
    for _ in range(TAKE_ROUNDS):
        officer = officers.get(officer_id)
        if officer is None:
            raise UnknownConnection()
        if officer.status == "offline":
            raise OfficerOffline()
        room = int(officer.capacity) + (PRIORITY_OVERFLOW if priority else 0)
        if int(officer.active_count) >= room:
            raise OfficerAtCapacity()
        # The urgent lane comes first in the index: its urgent ones are among the heads.
        heads = conversations.waiting(limit=HEAD)
        if priority:
            heads = [head for head in heads if head.urgent]
        heads = [head for head in heads if not exclusions.refuses(head, officer_id)]
        if not heads:
            if priority:
                raise QueueEmpty("Aucune conversation urgente n'attend.")
            raise QueueEmpty()
        for head in heads:
            try:
                claim(head.conversation_id, officer, at, manual=True, priority=priority)
            except Contention as contention:
                if contention.conversation_changed:
                    continue
                break
            after_assignment(head.conversation_id, officer, at)
            changed("take")
            return head.conversation_id
    logger.info("take next lost every race", extra={"officer_id": officer_id})
    raise Busy()


# -- what officers and the site see ---------------------------------------------------


def queue_summary() -> outbound.QueueStateFrame:
    """What officers see of the queue: count, urgent count, oldest wait, the first 50 — as
    the fan-out last read it (one GetItem, whatever the number of waiting citizens); each of
    the first 50 with the first words of its first message."""
    view = queue_view.read()
    at = now()
    if view is None:
        return outbound.queue_state(waiting=0, urgent=0, oldest_wait_seconds=0, items=[], version=0)
    oldest = view.oldest_enqueued_at
    return outbound.queue_state(
        waiting=int(view.waiting),
        urgent=int(view.urgent),
        oldest_wait_seconds=max(0, int(at - float(oldest))) if oldest is not None else 0,
        items=[_queue_item(item, at) for item in view.head_list()],
        version=int(view.published),
    )


def _queue_item(item: dict[str, object], at: float) -> outbound.QueueItem:
    """One conversation of the published head, as the console lists it."""
    shown: outbound.QueueItem = {
        "conversation_id": str(item["conversation_id"]),
        "topic": str(item["topic"]),
        "urgent": bool(item["urgent"]),
        "waiting_seconds": max(0, int(at - float(str(item["enqueued_at"])))),
    }
    if item.get("preview"):
        shown["preview"] = str(item["preview"])
    return shown


@dataclass(frozen=True)
class QueueNow:
    """The queue's figures as the fan-out last published them."""

    waiting: int
    slots: int
    handle_seconds: float


def queue_now() -> QueueNow:
    """How many wait, and what the estimates rest on (one GetItem)."""
    view = queue_view.read()
    if view is None:
        return QueueNow(0, 0, DEFAULT_HANDLE_SECONDS)
    return QueueNow(
        int(view.waiting), int(view.slots), float(view.handle_seconds or DEFAULT_HANDLE_SECONDS)
    )
