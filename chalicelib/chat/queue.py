"""The waiting queue: positions, estimated waits, and assignment to officers."""

from __future__ import annotations

import math

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
from chalicelib.models import conversation as conversations
from chalicelib.models import officer as officers
from chalicelib.models.assignment import PRIORITY_OVERFLOW, Contention, claim
from chalicelib.models.conversation import Conversation
from chalicelib.models.officer import Officer
from chalicelib.observability import count, logger, metrics
from chalicelib.stats import counters
from chalicelib.stats.chat import record_assigned

DEFAULT_HANDLE_SECONDS = 480.0
MAX_ROUNDS = 10
RANK_REQUEUED = 0  # the queue key's first part for a conversation given back (lifecycle.py)
URGENT_LOOKAHEAD = 20  # urgent ones follow the few requeued ones at the head


def mean_handle_seconds() -> float:
    """Today's mean handle time, or a default early in the day."""
    today = counters.daily("chat", 1).popitem()[1]
    handled = today.get("handle_count", 0)
    if handled < 3:
        return DEFAULT_HANDLE_SECONDS
    return float(today.get("handle_sum", 0)) / handled


def estimate_seconds(ahead: int, online: int, handle: float) -> int:
    """Expected wait with ``ahead`` people in front and ``online`` officers answering."""
    if online <= 0:
        return int(handle * (ahead + 1))
    return int(math.ceil((ahead + 1) / online) * handle / 2)


def position_of(conversation: Conversation) -> outbound.QueueFrame:
    """The ``queue`` frame of one waiting conversation."""
    ahead = conversations.waiting_ahead(str(conversation.queue_sk))
    online = officers.online_count()
    return outbound.queue(ahead + 1, estimate_seconds(ahead, online, mean_handle_seconds()), online)


def position_if_waiting(conversation_id: str) -> outbound.QueueFrame | None:
    """The ``queue`` frame of a conversation still waiting, else None."""
    conversation = conversations.get(conversation_id)
    if conversation is None or conversation.status != "waiting":
        return None
    return position_of(conversation)


def broadcast_positions() -> int:
    """Push its position to every waiting citizen, and the queue to officers present;
    returns how many citizens were told."""
    waiting = conversations.waiting()
    tell_officers(_summary_of(waiting))
    if not waiting:
        return 0
    online = officers.online_count()
    handle = mean_handle_seconds()
    told = 0
    for index, conversation in enumerate(waiting):
        told += sockets.to_citizen(
            conversation, outbound.queue(index + 1, estimate_seconds(index, online, handle), online)
        )
    return told


def tell_officers(summary: outbound.QueueStateFrame | None = None) -> int:
    """Push the queue to every officer online or away (urgent conversations are offered to
    all of them, at capacity too); returns how many consoles got it."""
    summary = queue_summary() if summary is None else summary
    return sum(sockets.to_officer(officer_id, summary) for officer_id in officers.with_presence())


def _queue_item(
    conversation: Conversation, at: float, previews: dict[str, str]
) -> outbound.QueueItem:
    item: outbound.QueueItem = {
        "conversation_id": conversation.conversation_id,
        "topic": conversation.topic,
        "urgent": bool(conversation.urgent),
        "waiting_seconds": int(at - float(conversation.enqueued_at)),
    }
    if conversation.conversation_id in previews:
        item["preview"] = previews[conversation.conversation_id]
    return item


def queue_summary() -> outbound.QueueStateFrame:
    """What officers see of the queue: count, oldest wait, urgent count, the first 50."""
    return _summary_of(conversations.waiting())


def _summary_of(waiting: list[Conversation]) -> outbound.QueueStateFrame:
    at = now()
    head = waiting[:50]
    previews = conversations.previews([c.conversation_id for c in head])
    oldest = min((float(c.enqueued_at) for c in waiting), default=None)
    return outbound.queue_state(
        waiting=len(waiting),
        urgent=sum(1 for c in waiting if c.urgent),
        oldest_wait_seconds=int(at - oldest) if oldest is not None else 0,
        items=[_queue_item(c, at, previews) for c in head],
    )


def after_assignment(conversation_id: str, officer: Officer, at: float) -> None:
    """Tell both sides: a system message to the citizen, the conversation to the officer."""
    conversation = announce(
        conversation_id, SystemNote("Un policier a rejoint la conversation."), at, to_officer=False
    )
    wait = at - float(conversation.enqueued_at)
    record_assigned(wait, at)
    sockets.to_citizen(conversation, outbound.assigned(conversation_id))
    sockets.to_officer(
        officer.officer_id, outbound.conversation_assigned(conversation_view(conversation))
    )
    count("ConversationAssigned")
    metrics.add_metric(name="QueueWaitSeconds", unit=MetricUnit.Seconds, value=max(0.0, wait))


def conversation_view(conversation: Conversation) -> outbound.ConversationView:
    """A conversation with its messages so far (the first 200), for the officer's console."""
    messages = conversations.messages_after(conversation.conversation_id, 0, limit=200)
    return outbound.conversation_view(conversation, messages)


class Exclusions:
    """Who gave a requeued conversation back (``not_for``, read only for requeued heads), and
    whether another officer is online — the rule: not back to them while someone else is."""

    def __init__(self) -> None:
        self._not_for: dict[str, str | None] = {}
        self._online: list[str] | None = None

    def refuses(self, head: Conversation, officer_id: str) -> bool:
        if not str(head.queue_sk or "").startswith(f"{RANK_REQUEUED}#"):
            return False
        if head.conversation_id not in self._not_for:
            fresh = conversations.get(head.conversation_id)
            self._not_for[head.conversation_id] = fresh.not_for if fresh else None
        if self._not_for[head.conversation_id] != officer_id:
            return False
        if self._online is None:
            self._online = officers.online_ids()
        return any(other != officer_id for other in self._online)


def dispatch(at: float | None = None) -> list[tuple[str, str]]:
    """Assign waiting conversations to available officers until one side runs out.

    Highest rank first, then oldest; the officer is the least loaded, then the
    one assigned longest ago — but a conversation given back to the queue is not
    offered to the officer who gave it back while another officer is online. Each
    claim is one TransactWrite, safe against any number of concurrent dispatchers.
    """
    at = now() if at is None else at
    assigned: list[tuple[str, str]] = []
    exclusions = Exclusions()
    for _ in range(MAX_ROUNDS):
        heads = conversations.waiting(limit=5)
        candidates = officers.available(limit=3) if heads else []
        if not heads or not candidates:
            break
        pair = _assign_one(heads, candidates, exclusions, at)
        if pair is None:
            break
        if pair:
            assigned.append(pair)
    if assigned:
        broadcast_positions()
    return assigned


def _assign_one(
    heads: list[Conversation], candidates: list[Officer], exclusions: Exclusions, at: float
) -> tuple[str, str] | tuple[()] | None:
    """One claim: the first head the first able officer may take. ``()``: a race lost, read
    again; None: no officer could take any head."""
    for candidate in candidates:
        officer = officers.get(candidate.officer_id)
        if officer is None:
            continue
        for head in heads:
            if exclusions.refuses(head, officer.officer_id):
                continue
            try:
                claim(head.conversation_id, officer, at, manual=False)
            except Contention as contention:
                if contention.conversation_changed:
                    continue  # taken meanwhile: try the next one
                return ()  # the officer changed: read the index again
            after_assignment(head.conversation_id, officer, at)
            return (head.conversation_id, officer.officer_id)
    return None


def take_next(officer_id: str, at: float | None = None, *, priority: bool = False) -> str:
    """An officer takes the head of the queue (« prendre la suivante »); with ``priority``
    (« prendre en priorité »), the first urgent conversation, even at capacity (one above
    it at most: docs/protocol.md)."""
    at = now() if at is None else at
    exclusions = Exclusions()
    for _ in range(MAX_ROUNDS):
        officer = officers.get(officer_id)
        if officer is None:
            raise UnknownConnection()
        if officer.status == "offline":
            raise OfficerOffline()
        room = int(officer.capacity) + (PRIORITY_OVERFLOW if priority else 0)
        if int(officer.active_count) >= room:
            raise OfficerAtCapacity()
        heads = conversations.waiting(limit=URGENT_LOOKAHEAD if priority else 5)
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
            broadcast_positions()
            return head.conversation_id
    logger.info("take next lost every race", extra={"officer_id": officer_id})
    raise Busy()
