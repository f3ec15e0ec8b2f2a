"""Every frame the chat pushes to a citizen or an officer, built here and nowhere else.

One typed builder per server → client frame type of docs/protocol.md (``pong`` and ``error``
belong to the WebSocket edge: chalicelib/websocket/outbound.py). A builder takes what the frame
says, never a socket: who receives it is the caller's business (chalicelib/chat/sockets.py).
A direct answer to a client frame echoes its ``ref``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NotRequired, TypedDict, TypeVar, cast

from chalicelib.config import settings
from chalicelib.models.conversation import Conversation, Message

_Answer = TypeVar("_Answer", bound=Mapping[str, Any])


def answering(frame: _Answer, ref: str | None) -> _Answer:
    """An answer carries the ``ref`` of the frame it answers, when that frame had one."""
    if ref:
        cast("dict[str, Any]", frame)["ref"] = ref
    return frame


# -- citizens ---------------------------------------------------------------------------


class ConversationSummary(TypedDict):
    conversation_id: str
    status: str
    topic: str
    urgent: bool
    last_seq: int
    read_officer: int
    deferred: bool  # a message left while closed: answered later, read with the code


class JoinedFrame(ConversationSummary):
    type: Literal["joined"]
    token: str
    code: str
    ref: NotRequired[str]


class Closing(TypedDict):
    outcome: str | None
    links: list[dict[str, str]]


class ResumedFrame(ConversationSummary):
    type: Literal["resumed"]
    closing: NotRequired[Closing]
    token: NotRequired[str]
    ref: NotRequired[str]


class QueueFrame(TypedDict):
    type: Literal["queue"]
    position: int
    ahead: int
    estimated_wait_seconds: int
    officers_online: int
    version: int


class AssignedFrame(TypedDict):
    type: Literal["assigned"]
    conversation_id: str
    officer: str


class ClosingDetails(TypedDict):
    """How a conversation ended: told to both sides, and kept with its ``closed`` message."""

    outcome: str
    outcome_label: str
    links: list[dict[str, str]]
    survey: bool  # true: invite the citizen to the survey
    by_citizen: bool


class ClosedFrame(ClosingDetails):
    type: Literal["closed"]
    conversation_id: str


def _summary(conversation: Conversation) -> ConversationSummary:
    return {
        "conversation_id": conversation.conversation_id,
        "status": conversation.status,
        "topic": conversation.topic,
        "urgent": bool(conversation.urgent),
        "last_seq": int(conversation.last_seq),
        "read_officer": int(conversation.read_officer or 0),
        "deferred": bool(conversation.deferred),
    }


def joined(
    conversation: Conversation, token: str, code: str, ref: str | None = None
) -> JoinedFrame:
    """The answer to ``join``: the conversation, its resume token (kept by the tab) and its
    short code (shown to the citizen, to come back from any tab or device)."""
    frame = cast(
        "JoinedFrame",
        {
            "type": "joined",
            "token": token,
            "code": code,
            **_summary(conversation),
        },
    )
    return answering(frame, ref)


def resumed(
    conversation: Conversation, ref: str | None = None, token: str | None = None
) -> ResumedFrame:
    """The answer to ``resume``; a closed conversation carries its closing; a resume by short
    code carries the resume token the code opened."""
    frame = cast("ResumedFrame", {"type": "resumed", **_summary(conversation)})
    if conversation.status == "closed":
        frame["closing"] = {"outcome": conversation.outcome, "links": conversation.link_list()}
    if token:
        frame["token"] = token
    return answering(frame, ref)


def queue(
    position: int, estimate_seconds: int, officers_online: int, *, version: int
) -> QueueFrame:
    """Where a waiting citizen stands (1 = next) and the estimated wait, as read by the
    fan-out of ``version`` (strictly increasing: a client drops a frame older than the last
    one it applied)."""
    return {
        "type": "queue",
        "position": position,
        "ahead": position - 1,
        "estimated_wait_seconds": estimate_seconds,
        "officers_online": officers_online,
        "version": version,
    }


def assigned(conversation_id: str) -> AssignedFrame:
    """An officer took the conversation (a label, never the officer's name)."""
    return {"type": "assigned", "conversation_id": conversation_id, "officer": "Policier"}


def closing(
    outcome: str, outcome_label: str, links: list[dict[str, str]], *, survey: bool, by_citizen: bool
) -> ClosingDetails:
    """How a conversation ended (see :class:`ClosingDetails`)."""
    return {
        "outcome": outcome,
        "outcome_label": outcome_label,
        "links": links,
        "survey": survey,
        "by_citizen": by_citizen,
    }


def closed(conversation_id: str, details: ClosingDetails) -> ClosedFrame:
    """The conversation is over: the orientation, its links, and whether to offer the survey."""
    return cast("ClosedFrame", {"type": "closed", "conversation_id": conversation_id, **details})


# -- both sides -------------------------------------------------------------------------


class MessageFrame(TypedDict):
    type: Literal["message"]
    conversation_id: str
    seq: int
    kind: str
    sender: str
    text: str
    sent_at: float
    client_id: NotRequired[str]
    data: NotRequired[dict[str, Any]]


class HistoryFrame(TypedDict):
    type: Literal["history"]
    conversation_id: str
    messages: list[MessageFrame]
    more: bool


class AckFrame(TypedDict):
    type: Literal["ack"]
    conversation_id: str
    client_id: str
    seq: int
    duplicate: bool
    ref: NotRequired[str]


class TypingFrame(TypedDict):
    type: Literal["typing"]
    conversation_id: str
    sender: str


class ReadFrame(TypedDict):
    type: Literal["read"]
    conversation_id: str
    reader: str
    seq: int


def message(stored: Message) -> MessageFrame:
    """The ``message`` frame of a stored message."""
    frame: MessageFrame = {
        "type": "message",
        "conversation_id": stored.conversation_id,
        "seq": int(stored.seq),
        "kind": stored.kind,
        "sender": stored.sender,
        "text": stored.text or "",
        "sent_at": float(stored.sent_at),
    }
    if stored.client_id:
        frame["client_id"] = stored.client_id
    data = stored.data_dict()
    if data is not None:
        frame["data"] = data
    return frame


def history(conversation_id: str, messages: list[MessageFrame], *, more: bool) -> HistoryFrame:
    """Stored messages in order; ``more`` when another ``history`` frame follows."""
    return {
        "type": "history",
        "conversation_id": conversation_id,
        "messages": messages,
        "more": more,
    }


def ack(
    conversation_id: str, client_id: str, seq: int, *, duplicate: bool, ref: str | None = None
) -> AckFrame:
    """A message is stored under ``seq`` (the original's, when ``client_id`` was seen before)."""
    frame: AckFrame = {
        "type": "ack",
        "conversation_id": conversation_id,
        "client_id": client_id,
        "seq": seq,
        "duplicate": duplicate,
    }
    return answering(frame, ref)


def typing(conversation_id: str, sender: str) -> TypingFrame:
    """The other side is typing."""
    return {"type": "typing", "conversation_id": conversation_id, "sender": sender}


def read(conversation_id: str, reader: str, seq: int) -> ReadFrame:
    """The other side has read up to ``seq``."""
    return {"type": "read", "conversation_id": conversation_id, "reader": reader, "seq": seq}


# -- officers ---------------------------------------------------------------------------


class NoteView(TypedDict):
    """An internal note a colleague left with a transfer or a requeue (officers only)."""

    at: float
    by: str
    text: str


class ConversationView(TypedDict):
    conversation_id: str
    status: str
    topic: str
    urgent: bool
    created_at: float
    citizen_connected: bool
    citizen_returns_until: float | None
    deferred: bool
    read_citizen: int
    messages: list[MessageFrame]
    notes: list[NoteView]


class ConversationAssignedFrame(TypedDict):
    type: Literal["conversation_assigned"]
    conversation: ConversationView


class ConversationClosedFrame(ClosingDetails):
    type: Literal["conversation_closed"]
    conversation_id: str


class ConversationRemovedFrame(TypedDict):
    type: Literal["conversation_removed"]
    conversation_id: str
    reason: str


class CitizenStatusFrame(TypedDict):
    type: Literal["citizen_status"]
    conversation_id: str
    connected: bool
    # Not connected: until when the citizen can come back (their code or their tab) before
    # the sweeper closes the conversation; None for a message left (answered later).
    returns_until: NotRequired[float | None]


class QueueItem(TypedDict):
    conversation_id: str
    topic: str
    urgent: bool
    waiting_seconds: int
    preview: NotRequired[str]  # the first words of the first message (officers only)


class QueueStateFrame(TypedDict):
    type: Literal["queue_state"]
    waiting: int
    urgent: int
    oldest_wait_seconds: int
    items: list[QueueItem]
    version: int


class OfficerStateFrame(TypedDict):
    type: Literal["officer_state"]
    officer_id: str
    status: str
    capacity: int
    active_count: int
    conversations: list[ConversationView]
    queue: QueueStateFrame
    ref: NotRequired[str]


class TakenFrame(TypedDict):
    type: Literal["taken"]
    conversation_id: str
    ref: NotRequired[str]


class OkFrame(TypedDict):
    type: Literal["ok"]
    action: str
    conversation_id: str
    alone: NotRequired[bool]
    ref: NotRequired[str]


def conversation_view(conversation: Conversation, messages: list[Message]) -> ConversationView:
    """A conversation as an officer's console holds it, with its messages so far."""
    grace_seconds = settings().citizen_grace_seconds
    return {
        "conversation_id": conversation.conversation_id,
        "status": conversation.status,
        "topic": conversation.topic,
        "urgent": bool(conversation.urgent),
        "created_at": float(conversation.created_at),
        "citizen_connected": bool(conversation.connections()),
        "citizen_returns_until": returns_until(conversation, grace_seconds),
        "deferred": bool(conversation.deferred),
        "read_citizen": int(conversation.read_citizen),
        "messages": [message(m) for m in messages if m.kind != "void"],
        "notes": [
            {
                "at": float(event.get("at", 0)),
                "by": str(event.get("by_name") or ""),
                "text": str(event["note"]),
            }
            for event in conversation.history_list()
            if event.get("note")
        ],
    }


def conversation_assigned(view: ConversationView) -> ConversationAssignedFrame:
    """A conversation now held by the officer (assigned, taken or transferred to them)."""
    return {"type": "conversation_assigned", "conversation": view}


def conversation_closed(conversation_id: str, details: ClosingDetails) -> ConversationClosedFrame:
    """A conversation the officer held is closed (by them, the citizen or the sweeper)."""
    return cast(
        "ConversationClosedFrame",
        {"type": "conversation_closed", "conversation_id": conversation_id, **details},
    )


def conversation_removed(conversation_id: str, reason: str) -> ConversationRemovedFrame:
    """A conversation left the officer: transferred, or requeued after they vanished."""
    return {"type": "conversation_removed", "conversation_id": conversation_id, "reason": reason}


def citizen_status(
    conversation_id: str, *, connected: bool, returns_until: float | None = None
) -> CitizenStatusFrame:
    """The citizen of a held conversation is connected again, or has no socket left (and
    until when they can come back)."""
    frame: CitizenStatusFrame = {
        "type": "citizen_status",
        "conversation_id": conversation_id,
        "connected": connected,
    }
    if not connected:
        frame["returns_until"] = returns_until
    return frame


def returns_until(conversation: Conversation, grace_seconds: int) -> float | None:
    """Until when a disconnected citizen can come back before the conversation is closed;
    None when connected, or for a message left (never closed for being away)."""
    if conversation.connections() or conversation.deferred or not conversation.gone_at:
        return None
    return float(conversation.gone_at) + grace_seconds


def queue_state(
    *, waiting: int, urgent: int, oldest_wait_seconds: int, items: list[QueueItem], version: int
) -> QueueStateFrame:
    """What officers see of the queue, as the fan-out of ``version`` read it."""
    return {
        "type": "queue_state",
        "waiting": waiting,
        "urgent": urgent,
        "oldest_wait_seconds": oldest_wait_seconds,
        "items": items,
        "version": version,
    }


def officer_state(
    officer_id: str,
    *,
    status: str,
    capacity: int,
    active_count: int,
    conversations: list[ConversationView],
    queue: QueueStateFrame,
    ref: str | None = None,
) -> OfficerStateFrame:
    """Everything a console needs after (re)connecting."""
    frame: OfficerStateFrame = {
        "type": "officer_state",
        "officer_id": officer_id,
        "status": status,
        "capacity": capacity,
        "active_count": active_count,
        "conversations": conversations,
        "queue": queue,
    }
    return answering(frame, ref)


def taken(conversation_id: str, ref: str | None = None) -> TakenFrame:
    """The answer to ``take_next``: the conversation the officer now holds."""
    frame: TakenFrame = {"type": "taken", "conversation_id": conversation_id}
    return answering(frame, ref)


def ok(
    action: str, conversation_id: str, ref: str | None = None, *, alone: bool = False
) -> OkFrame:
    """The answer to ``close`` and ``transfer`` (``alone``: given back to the queue while no
    other officer is online — it may come back to the same officer)."""
    frame: OkFrame = {"type": "ok", "action": action, "conversation_id": conversation_id}
    if alone:
        frame["alone"] = True
    return answering(frame, ref)


# -- supervisors --------------------------------------------------------------------------


class AlertFrame(TypedDict):
    type: Literal["alert"]
    kind: Literal["urgent_burst"]
    message: str
    source: str  # the first characters of the source's keyed digest: never an address
    count: int
    window_seconds: int
    topic: str


def urgent_burst(source: str, count: int, window_seconds: int, topic: str) -> AlertFrame:
    """Told to supervisors: one source asked for many urgent conversations in little time
    (they may be real emergencies, or someone jumping the queue)."""
    minutes = max(1, window_seconds // 60)
    return {
        "type": "alert",
        "kind": "urgent_burst",
        "message": (
            f"{count} demandes urgentes en moins de {minutes} minutes depuis une même "
            f"connexion (source {source}). Vérifiez s'il s'agit d'un abus de la file."
        ),
        "source": source,
        "count": count,
        "window_seconds": window_seconds,
        "topic": topic,
    }
