"""Per-source limits on starting conversations: nobody fills the queue alone.

A *source* is where a citizen socket connects from: a keyed digest of the client address,
stored on the connection at ``$connect`` (chalicelib/websocket/edge.py). Per source:

- at most ``CHAT_WAITING_PER_SOURCE`` conversations waiting at once;
- at most ``CHAT_JOINS_PER_SOURCE_PER_WINDOW`` conversations started per window
  (``CHAT_JOIN_WINDOW_SECONDS``, an hour).

Urgent joins (the ``violences`` topic, emergency words) count against the same limits: urgency
moves a conversation ahead of others, so it must not be a way to put many ahead at once. An
urgent request is never silently dropped either: the refusal gives the emergency numbers, and
a burst of urgent requests from one source (``CHAT_URGENT_BURST_PER_SOURCE`` in a window,
refused ones included) is told to the supervisors online, counted (``UrgentJoinBurst``, an
alarm) and logged with the source's digest — never its address.

A limit set to 0 is off: the local platform's defaults, where every client is 127.0.0.1 and
surge benchmarks open hundreds of chats from one machine.

A join first takes a slot (an optimistic write on the source's slots), then the conversation
is created, then the slot is bound to it (or released when the join failed). A slot is free
again as soon as its conversation is no longer waiting (assigned, cancelled, abandoned): this
is checked when the source joins again, so the lifecycle needs no hook here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from chalicelib.chat import outbound, sockets
from chalicelib.chat.errors import TooManyConversations
from chalicelib.chat.topics import is_urgent
from chalicelib.clock import now
from chalicelib.config import settings
from chalicelib.keys import client_digest
from chalicelib.models import ConditionFailed, ratelimit
from chalicelib.models import conversation as conversations
from chalicelib.observability import count, logger

PENDING = "pending:"
PENDING_SECONDS = 60  # a join that took a slot and never bound it (a crash) frees it after this
SLOTS_TTL_SECONDS = 24 * 3600
RETRIES = 5


@dataclass(frozen=True)
class Admission:
    """A join allowed for ``source``, holding ``slot`` until it is bound or released."""

    source: str
    slot: str


def _still_waiting(value: str, at: float) -> bool:
    """Does a slot still hold a place in the queue?"""
    if value.startswith(PENDING):
        try:
            return at - float(value[len(PENDING) :]) < PENDING_SECONDS
        except ValueError:
            return False
    conversation = conversations.get(value)
    return conversation is not None and conversation.status == "waiting"


def _take_slot(source: str, limit: int, at: float) -> str | None:
    """Reserve a slot for a new conversation of ``source``; None when it has ``limit``
    conversations waiting already."""
    for _ in range(RETRIES):
        slots, version = ratelimit.source_slots(source)
        held = {slot: value for slot, value in slots.items() if _still_waiting(value, at)}
        if len(held) >= limit:
            return None
        slot = uuid.uuid4().hex[:12]
        held[slot] = f"{PENDING}{at:.0f}"
        try:
            ratelimit.write_slots(source, held, version, int(at) + SLOTS_TTL_SECONDS)
        except ConditionFailed:
            continue  # another join of this source wrote meanwhile: count again
        return slot
    return None


def _flag_urgent_burst(source: str, topic: str, at: float) -> None:
    """Count an urgent request of ``source``; tell supervisors when it makes a burst."""
    conf = settings()
    window = conf.chat_join_window_seconds
    urgent = ratelimit.tally("chat-urgent", source, window)
    if urgent != conf.chat_urgent_burst_per_source:
        return  # told once per window, at the request that makes the burst
    digest = client_digest("chat-alert", source)[:8]
    count("UrgentJoinBurst")
    logger.warning(
        "urgent join burst from one source",
        extra={"source": digest, "urgent_joins": urgent, "window_seconds": window},
    )
    sockets.to_supervisors(outbound.urgent_burst(digest, urgent, window, topic))


def admit_join(source: str, topic: str, first_message: str | None) -> Admission | None:
    """Let ``source`` start a conversation, or TooManyConversations (with the emergency
    numbers and when to retry). The caller binds the admission once the conversation exists
    (:func:`joined`), or releases it (:func:`release`). A limit set to 0 is off (the local
    platform, where every client is 127.0.0.1); None: no slot was taken."""
    conf = settings()
    at = now()
    if conf.chat_urgent_burst_per_source > 0 and is_urgent(topic, first_message):
        _flag_urgent_burst(source, topic, at)
    slot = None
    if conf.chat_waiting_per_source > 0:
        slot = _take_slot(source, conf.chat_waiting_per_source, at)
        if slot is None:
            count("ChatJoinRefused")
            raise TooManyConversations(PENDING_SECONDS)
    if conf.chat_joins_per_source_per_window > 0:
        retry_after = ratelimit.over_limit(
            "chat-joins",
            source,
            conf.chat_joins_per_source_per_window,
            conf.chat_join_window_seconds,
        )
        if retry_after is not None:
            if slot is not None:
                ratelimit.set_slot(source, slot, None)
            count("ChatJoinRefused")
            raise TooManyConversations(retry_after)
    return Admission(source, slot) if slot is not None else None


def joined(admission: Admission | None, conversation_id: str) -> None:
    """The admitted join created ``conversation_id``: its slot follows it while it waits."""
    if admission is not None:
        ratelimit.set_slot(admission.source, admission.slot, conversation_id)


def release(admission: Admission | None) -> None:
    """The admitted join failed: give its slot back."""
    if admission is not None:
        ratelimit.set_slot(admission.source, admission.slot, None)
