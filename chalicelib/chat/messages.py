"""Storing messages: always before they are pushed, numbered per conversation."""

from __future__ import annotations

from typing import Any

from chalicelib.chat import notify
from chalicelib.config import settings
from chalicelib.models import conversation as conversations
from chalicelib.models.conversation import Conversation, Message


def retention_ttl(at: float) -> int:
    """Expiry of chat data stored at ``at`` (retention from settings)."""
    return int(at) + settings().retention_days * 86400


def add_system(
    conversation_id: str,
    text: str,
    at: float,
    *,
    kind: str = "system",
    data: dict[str, Any] | None = None,
) -> tuple[Message, Conversation]:
    """Store a system message (next sequence number) and return it with the conversation."""
    conversation = conversations.next_system_seq(conversation_id)
    message = Message(
        conversation_id,
        int(conversation.last_seq),
        kind=kind,
        sender="system",
        text=text,
        sent_at=at,
        data=data,
        ttl=retention_ttl(at),
    )
    conversations.store_message(message)
    return message, conversation


def announce(
    conversation_id: str,
    text: str,
    at: float,
    *,
    kind: str = "system",
    data: dict[str, Any] | None = None,
    to_officer: bool = True,
) -> Conversation:
    """Store a system message, then push it to the citizen (and the officer)."""
    message, conversation = add_system(conversation_id, text, at, kind=kind, data=data)
    frame = notify.message_frame(message)
    notify.to_citizen(conversation, frame)
    if to_officer and conversation.officer_id:
        notify.to_officer(conversation.officer_id, frame)
    return conversation
