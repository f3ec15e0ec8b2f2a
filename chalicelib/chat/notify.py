"""Pushing chat frames to the people of a conversation (through chalicelib.push)."""

from __future__ import annotations

from typing import Any

from chalicelib.models import officer as officers
from chalicelib.models.conversation import Conversation, Message
from chalicelib.push import Target, sender


def targets(sockets: dict[str, str]) -> list[Target]:
    """Push targets from a ``connection id -> domainName|stage`` map."""
    out = []
    for connection_id, endpoint in sockets.items():
        domain_name, _, stage = endpoint.partition("|")
        out.append(Target(connection_id, domain_name, stage))
    return out


def endpoint_of(domain_name: str, stage: str) -> str:
    return f"{domain_name}|{stage}"


def to_citizen(conversation: Conversation, frame: dict[str, Any]) -> int:
    """Send to every open socket of the conversation's citizen."""
    return sender().send_many(targets(conversation.connections()), frame)


def to_officer(
    officer_id: str | None, frame: dict[str, Any], known: officers.Officer | None = None
) -> int:
    """Send to every console socket of an officer."""
    if not officer_id:
        return 0
    officer = known if known is not None else officers.get(officer_id)
    if officer is None:
        return 0
    return sender().send_many(targets(officer.sockets()), frame)


def message_frame(message: Message) -> dict[str, Any]:
    """The ``message`` frame of a stored message."""
    frame: dict[str, Any] = {
        "type": "message",
        "conversation_id": message.conversation_id,
        "seq": int(message.seq),
        "kind": message.kind,
        "sender": message.sender,
        "text": message.text or "",
        "sent_at": float(message.sent_at),
    }
    if message.client_id:
        frame["client_id"] = message.client_id
    if message.data is not None:
        data: Any = message.data
        frame["data"] = data.as_dict() if hasattr(data, "as_dict") else dict(data)
    return frame
