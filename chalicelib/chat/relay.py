"""Relaying messages, typing indicators and read receipts between a citizen and an officer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.chat import outbound, sockets
from chalicelib.chat.errors import ConversationClosed, ConversationNotFound, NotYourConversation
from chalicelib.chat.messages import publish, retention_ttl
from chalicelib.clock import now
from chalicelib.config import settings
from chalicelib.errors import RateLimited
from chalicelib.models import ConditionFailed
from chalicelib.models import conversation as conversations
from chalicelib.models.conversation import OPEN_STATUSES, Conversation, Message
from chalicelib.observability import count
from chalicelib.stats import counters


@dataclass(frozen=True)
class Speaker:
    """Who speaks: a citizen (through their conversation) or an officer."""

    role: str  # citizen | officer
    officer_id: str | None = None


@dataclass(frozen=True)
class Sent:
    seq: int
    duplicate: bool


def _why_refused(conversation_id: str, speaker: Speaker, at: float) -> Exception:
    conversation = conversations.get(conversation_id)
    if conversation is None:
        return ConversationNotFound()
    if conversation.status not in OPEN_STATUSES:
        return ConversationClosed()
    if speaker.role == "officer" and conversation.officer_id != speaker.officer_id:
        return NotYourConversation()
    return RateLimited(
        60 - int(at) % 60, "Vous envoyez trop de messages. Patientez quelques secondes."
    )


def send(
    conversation_id: str, speaker: Speaker, text: str, client_id: str, at: float | None = None
) -> Sent:
    """Store a message (idempotent on ``client_id``), then push it to both sides."""
    at = now() if at is None else at
    try:
        conversation = conversations.allocate_seq(
            conversation_id,
            officer_id=speaker.officer_id,
            at=at,
            rate_limit=settings().messages_per_minute if speaker.role == "citizen" else None,
        )
    except ConditionFailed as error:
        raise _why_refused(conversation_id, speaker, at) from error
    message = Message(
        conversation_id,
        int(conversation.last_seq),
        kind="message",
        sender=speaker.role,
        text=text,
        client_id=client_id,
        officer_id=speaker.officer_id,
        sent_at=at,
        ttl=retention_ttl(at),
    )
    seq, duplicate = conversations.store_message(message)
    if duplicate:
        count("MessageDuplicate")
        return Sent(seq, True)
    publish(message, conversation)
    counters.record("chat", {f"messages_{speaker.role}": 1}, at)
    return Sent(seq, False)


def _to_other_side(conversation: Conversation, speaker: Speaker, frame: Mapping[str, Any]) -> None:
    if speaker.role == "citizen":
        sockets.to_officer(conversation.officer_id, frame)
    else:
        sockets.to_citizen(conversation, frame)


def typing(conversation_id: str, speaker: Speaker, at: float | None = None) -> bool:
    """Tell the other side someone is typing, at most once per throttle period and side."""
    at = now() if at is None else at
    conversation = conversations.mark_typing(
        conversation_id, speaker.role, speaker.officer_id, at, settings().typing_throttle_seconds
    )
    if conversation is None:
        return False  # throttled or not theirs: an indicator is not worth an error
    _to_other_side(conversation, speaker, outbound.typing(conversation_id, speaker.role))
    return True


def read(conversation_id: str, speaker: Speaker, seq: int) -> bool:
    """Record that one side has read up to ``seq``, and tell the other side."""
    conversation = conversations.mark_read(conversation_id, speaker.role, speaker.officer_id, seq)
    if conversation is None:
        return False  # already read further, or not theirs
    _to_other_side(conversation, speaker, outbound.read(conversation_id, speaker.role, seq))
    return True
