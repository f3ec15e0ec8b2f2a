"""WebSocket frame handlers of the chat: identify the sender, call the domain, answer.

Loaded lazily on the first message (see chalicelib.realtime.frame_module).
"""

from __future__ import annotations

from typing import Any

from chalicelib.chat import lifecycle, presence, queue, relay
from chalicelib.chat.errors import (
    AlreadyJoined,
    CitizensOnly,
    ConversationNotFound,
    NotJoined,
    OfficersOnly,
)
from chalicelib.chat.frames import (
    Close,
    End,
    Hello,
    Join,
    Presence,
    Read,
    Resume,
    Send,
    TakeNext,
    Transfer,
    Typing,
)
from chalicelib.chat.notify import endpoint_of, message_frame
from chalicelib.errors import DomainError, InvalidInput
from chalicelib.frames import Ping
from chalicelib.models import conversation as conversations
from chalicelib.models.connection import Connection
from chalicelib.realtime import Socket, frame

HISTORY_FRAME_BYTES = 48 * 1024


class UnknownConnection(DomainError):
    code = "unknown_connection"
    default_message = "Connexion inconnue ou expirée. Reconnectez-vous."


def _with_ref(body: dict[str, Any], ref: str | None) -> dict[str, Any]:
    return {**body, "ref": ref} if ref else body


def _connection(socket: Socket) -> Connection:
    stored = socket.stored
    if stored is None:
        raise UnknownConnection()
    return stored


def _citizen(socket: Socket) -> Connection:
    connection = _connection(socket)
    if connection.kind != "citizen":
        raise CitizensOnly()
    return connection


def _officer(socket: Socket) -> str:
    connection = _connection(socket)
    if connection.kind != "officer" or not connection.officer_id:
        raise OfficersOnly()
    return connection.officer_id


def _speaker(socket: Socket, conversation_id: str | None) -> tuple[str, relay.Speaker]:
    """The conversation a frame is about and who speaks in it."""
    connection = _connection(socket)
    if connection.kind == "officer" and connection.officer_id:
        if not conversation_id:
            raise InvalidInput("Précisez la conversation.", field="conversation_id")
        return conversation_id, relay.Speaker("officer", connection.officer_id)
    if not connection.conversation_id:
        raise NotJoined()
    if conversation_id and conversation_id != connection.conversation_id:
        raise ConversationNotFound()
    return connection.conversation_id, relay.Speaker("citizen")


def send_history(socket: Socket, conversation_id: str, messages: list[Any]) -> None:
    """Missed messages in order, in frames under API Gateway's size limit."""
    batch: list[dict[str, Any]] = []
    size = 0
    for message in messages:
        item = message_frame(message)
        item_size = len(str(item).encode("utf-8"))
        if batch and size + item_size > HISTORY_FRAME_BYTES:
            socket.reply(
                {
                    "type": "history",
                    "conversation_id": conversation_id,
                    "messages": batch,
                    "more": True,
                }
            )
            batch, size = [], 0
        batch.append(item)
        size += item_size
    socket.reply(
        {"type": "history", "conversation_id": conversation_id, "messages": batch, "more": False}
    )


# -- citizens -------------------------------------------------------------------------


@frame("join", Join)
def on_join(socket: Socket, parsed: Join) -> None:
    connection = _citizen(socket)
    if connection.conversation_id:
        raise AlreadyJoined()
    joined = lifecycle.join(
        socket.connection_id,
        endpoint_of(socket.domain_name, socket.stage),
        parsed.topic,
        parsed.text,
        parsed.client_id,
    )
    conversation = joined.conversation
    socket.reply(
        _with_ref(
            {"type": "joined", "token": joined.token, **lifecycle.summary(conversation)}, parsed.ref
        )
    )
    stored = conversations.messages_after(conversation.conversation_id, 0)
    if stored:
        send_history(socket, conversation.conversation_id, stored)
    lifecycle.after_join(conversation)


@frame("resume", Resume)
def on_resume(socket: Socket, parsed: Resume) -> None:
    connection = _citizen(socket)
    if connection.conversation_id and connection.conversation_id != parsed.conversation_id:
        raise AlreadyJoined()
    conversation, missed = lifecycle.resume(
        socket.connection_id,
        endpoint_of(socket.domain_name, socket.stage),
        parsed.conversation_id,
        parsed.token,
        parsed.last_seq,
    )
    body = {"type": "resumed", **lifecycle.summary(conversation)}
    if conversation.status == "closed":
        links: Any = conversation.links or []
        body["closing"] = {
            "outcome": conversation.outcome,
            "links": [dict(link.as_dict() if hasattr(link, "as_dict") else link) for link in links],
        }
    socket.reply(_with_ref(body, parsed.ref))
    send_history(socket, conversation.conversation_id, missed)
    if conversation.status == "waiting":
        socket.reply(queue.position_of(conversation))


@frame("send", Send)
def on_send(socket: Socket, parsed: Send) -> None:
    conversation_id, speaker = _speaker(socket, parsed.conversation_id)
    sent = relay.send(conversation_id, speaker, parsed.text, parsed.client_id)
    socket.reply(
        _with_ref(
            {
                "type": "ack",
                "conversation_id": conversation_id,
                "client_id": parsed.client_id,
                "seq": sent.seq,
                "duplicate": sent.duplicate,
            },
            parsed.ref,
        )
    )


@frame("typing", Typing)
def on_typing(socket: Socket, parsed: Typing) -> None:
    conversation_id, speaker = _speaker(socket, parsed.conversation_id)
    relay.typing(conversation_id, speaker)


@frame("read", Read)
def on_read(socket: Socket, parsed: Read) -> None:
    conversation_id, speaker = _speaker(socket, parsed.conversation_id)
    relay.read(conversation_id, speaker, parsed.seq)


@frame("end", End)
def on_end(socket: Socket, parsed: End) -> None:
    connection = _citizen(socket)
    if not connection.conversation_id:
        raise NotJoined()
    conversation = conversations.get(connection.conversation_id)
    if conversation is None:
        raise ConversationNotFound()
    lifecycle.end_by_citizen(conversation)


@frame("ping", Ping)
def on_ping(socket: Socket, parsed: Ping) -> None:
    """Heartbeat; also refreshes a waiting citizen's position and an officer's queue view."""
    socket.reply(_with_ref({"type": "pong"}, parsed.ref))
    stored = socket.stored
    if stored is None:
        return
    if stored.kind == "officer":
        socket.reply(queue.queue_summary())
    elif stored.conversation_id:
        conversation = conversations.get(stored.conversation_id)
        if conversation is not None and conversation.status == "waiting":
            socket.reply(queue.position_of(conversation))


# -- officers -------------------------------------------------------------------------


@frame("hello", Hello)
def on_hello(socket: Socket, parsed: Hello) -> None:
    socket.reply(_with_ref(presence.state(_officer(socket)), parsed.ref))


@frame("presence", Presence)
def on_presence(socket: Socket, parsed: Presence) -> None:
    officer_id = _officer(socket)
    if parsed.capacity is not None:
        presence.set_capacity(officer_id, parsed.capacity)
    presence.set_status(officer_id, parsed.status)
    socket.reply(_with_ref(presence.state(officer_id), parsed.ref))


@frame("take_next", TakeNext)
def on_take_next(socket: Socket, parsed: TakeNext) -> None:
    conversation_id = queue.take_next(_officer(socket))
    socket.reply(_with_ref({"type": "taken", "conversation_id": conversation_id}, parsed.ref))


@frame("close", Close)
def on_close(socket: Socket, parsed: Close) -> None:
    officer_id = _officer(socket)
    links = [link.model_dump() for link in parsed.links]
    lifecycle.close(parsed.conversation_id, officer_id, parsed.outcome, links)
    socket.reply(
        _with_ref(
            {"type": "ok", "action": "close", "conversation_id": parsed.conversation_id}, parsed.ref
        )
    )


@frame("transfer", Transfer)
def on_transfer(socket: Socket, parsed: Transfer) -> None:
    officer_id = _officer(socket)
    lifecycle.transfer(parsed.conversation_id, officer_id, parsed.to_officer_id)
    socket.reply(
        _with_ref(
            {"type": "ok", "action": "transfer", "conversation_id": parsed.conversation_id},
            parsed.ref,
        )
    )
