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
from chalicelib.models.assignment import Contention, claim
from chalicelib.models.conversation import Conversation
from chalicelib.models.officer import Officer
from chalicelib.observability import count, logger, metrics
from chalicelib.stats import counters
from chalicelib.stats.chat import record_assigned

DEFAULT_HANDLE_SECONDS = 480.0
MAX_ROUNDS = 10


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
    """Push its position to every waiting citizen; returns how many were told."""
    waiting = conversations.waiting()
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


def queue_summary() -> outbound.QueueStateFrame:
    """What officers see of the queue: count, oldest wait, urgent count, the first 50."""
    waiting = conversations.waiting()
    at = now()
    oldest = min((float(c.enqueued_at) for c in waiting), default=None)
    return outbound.queue_state(
        waiting=len(waiting),
        urgent=sum(1 for c in waiting if c.urgent),
        oldest_wait_seconds=int(at - oldest) if oldest is not None else 0,
        items=[
            {
                "conversation_id": c.conversation_id,
                "topic": c.topic,
                "urgent": bool(c.urgent),
                "waiting_seconds": int(at - float(c.enqueued_at)),
            }
            for c in waiting[:50]
        ],
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


def dispatch(at: float | None = None) -> list[tuple[str, str]]:
    """Assign waiting conversations to available officers until one side runs out.

    Highest rank first, then oldest; the officer is the least loaded, then the
    one assigned longest ago. Each claim is one TransactWrite, safe against any
    number of concurrent dispatchers.
    """
    at = now() if at is None else at
    assigned: list[tuple[str, str]] = []
    for _ in range(MAX_ROUNDS):
        heads = conversations.waiting(limit=5)
        candidates = officers.available(limit=1) if heads else []
        if not heads or not candidates:
            break
        officer = officers.get(candidates[0].officer_id)
        if officer is None:
            break
        for head in heads:
            try:
                claim(head.conversation_id, officer, at, manual=False)
            except Contention as contention:
                if contention.conversation_changed:
                    continue  # taken meanwhile: try the next one
                break  # the officer changed: read the index again
            assigned.append((head.conversation_id, officer.officer_id))
            after_assignment(head.conversation_id, officer, at)
            break
    if assigned:
        broadcast_positions()
    return assigned


def take_next(officer_id: str, at: float | None = None) -> str:
    """An officer takes the head of the queue ("prendre la suivante")."""
    at = now() if at is None else at
    for _ in range(MAX_ROUNDS):
        officer = officers.get(officer_id)
        if officer is None:
            raise UnknownConnection()
        if officer.status == "offline":
            raise OfficerOffline()
        if int(officer.active_count) >= int(officer.capacity):
            raise OfficerAtCapacity()
        heads = conversations.waiting(limit=5)
        if not heads:
            raise QueueEmpty()
        for head in heads:
            try:
                claim(head.conversation_id, officer, at, manual=True)
            except Contention as contention:
                if contention.conversation_changed:
                    continue
                break
            after_assignment(head.conversation_id, officer, at)
            broadcast_positions()
            return head.conversation_id
    logger.info("take next lost every race", extra={"officer_id": officer_id})
    raise Busy()
