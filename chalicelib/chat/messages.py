"""Storing messages: always before they are pushed, numbered per conversation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.chat import outbound, sockets
from chalicelib.config import settings
from chalicelib.models import conversation as conversations
from chalicelib.models.conversation import Conversation, Message
from chalicelib.models.officer import Officer


def retention_ttl(at: float) -> int:
    """Expiry of chat data stored at ``at`` (retention from settings)."""
    return int(at) + settings().retention_days * 86400


@dataclass(frozen=True)
class SystemNote:
    """What the service itself says in a conversation (``closed`` notes carry the closing)."""

    text: str
    kind: str = "system"
    data: dict[str, Any] | None = None


def add_system(conversation_id: str, note: SystemNote, at: float) -> tuple[Message, Conversation]:
    """Store a system message (next sequence number) and return it with the conversation."""
    conversation = conversations.next_system_seq(conversation_id)
    message = Message(
        conversation_id,
        int(conversation.last_seq),
        kind=note.kind,
        sender="system",
        text=note.text,
        sent_at=at,
        data=note.data,
        ttl=retention_ttl(at),
    )
    conversations.store_message(message)
    return message, conversation


def publish(
    message: Message,
    conversation: Conversation,
    *,
    to_officer: bool = True,
    officer: Officer | None = None,
) -> None:
    """Push a stored message to the citizen (and the conversation's officer: ``officer``
    when the caller has just read them, for their sockets)."""
    frame = outbound.message(message)
    sockets.to_citizen(conversation, frame)
    if to_officer and conversation.officer_id:
        known = officer if officer and officer.officer_id == conversation.officer_id else None
        sockets.to_officer(conversation.officer_id, frame, known=known)


def announce(
    conversation_id: str,
    note: SystemNote,
    at: float,
    *,
    to_officer: bool = True,
    officer: Officer | None = None,
) -> Conversation:
    """Store a system message, then push it to the citizen (and the officer)."""
    message, conversation = add_system(conversation_id, note, at)
    publish(message, conversation, to_officer=to_officer, officer=officer)
    return conversation
