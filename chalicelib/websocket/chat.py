"""The chat's frame handlers: identify the sender, call the chat domain, answer.

Each handler is listed in the dispatch table (chalicelib/websocket/routes.py) with the model
that validated its frame; every answer is built by chalicelib/chat/outbound.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.chat import codes, hours, lifecycle, limits, outbound, presence, queue, relay
from chalicelib.chat.errors import (
    AlreadyJoined,
    CitizensOnly,
    ConversationNotFound,
    NotJoined,
    OfficersOnly,
    UnknownConnection,
)
from chalicelib.errors import InvalidInput
from chalicelib.websocket.edge import Socket
from chalicelib.websocket.outbound import pong

if TYPE_CHECKING:
    from chalicelib.chat.inbound import (
        Close,
        End,
        Hello,
        Join,
        Ping,
        Presence,
        Read,
        Resume,
        Send,
        TakeNext,
        Transfer,
        Typing,
    )
    from chalicelib.models.connection import Connection
    from chalicelib.models.conversation import Message

HISTORY_FRAME_BYTES = 48 * 1024


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


def send_history(socket: Socket, conversation_id: str, messages: list[Message]) -> None:
    """Missed messages in order, in frames under API Gateway's size limit."""
    batch: list[outbound.MessageFrame] = []
    size = 0
    for message in messages:
        item = outbound.message(message)
        item_size = len(str(item).encode("utf-8"))
        if batch and size + item_size > HISTORY_FRAME_BYTES:
            socket.reply(outbound.history(conversation_id, batch, more=True))
            batch, size = [], 0
        batch.append(item)
        size += item_size
    socket.reply(outbound.history(conversation_id, batch, more=False))


# -- both sides -----------------------------------------------------------------------


def on_ping(socket: Socket, parsed: Ping) -> None:
    """Heartbeat; an officer also gets the queue view, and a waiting citizen their position
    (from the fan-out, within its window: one queue event here)."""
    socket.reply(pong(parsed.ref))
    stored = socket.stored
    if stored is None:
        return
    if stored.kind == "officer":
        socket.reply(queue.queue_summary())
    elif stored.conversation_id:
        queue.refresh_position(stored.conversation_id)


def on_send(socket: Socket, parsed: Send) -> None:
    conversation_id, speaker = _speaker(socket, parsed.conversation_id)
    sent = relay.send(conversation_id, speaker, parsed.text, parsed.client_id)
    socket.reply(
        outbound.ack(
            conversation_id, parsed.client_id, sent.seq, duplicate=sent.duplicate, ref=parsed.ref
        )
    )


def on_typing(socket: Socket, parsed: Typing) -> None:
    conversation_id, speaker = _speaker(socket, parsed.conversation_id)
    relay.typing(conversation_id, speaker)


def on_read(socket: Socket, parsed: Read) -> None:
    conversation_id, speaker = _speaker(socket, parsed.conversation_id)
    relay.read(conversation_id, speaker, parsed.seq)


# -- citizens -------------------------------------------------------------------------


def on_join(socket: Socket, parsed: Join) -> None:
    connection = _citizen(socket)
    if connection.conversation_id:
        raise AlreadyJoined()
    deferred = hours.admit_join()  # outside the service hours: refused, or a message left
    # Per-source limits (chalicelib/chat/limits.py): a socket stored before sources were
    # recorded counts as its own source.
    admission = limits.admit_join(
        connection.source or f"socket:{socket.connection_id}", parsed.topic, parsed.text
    )
    try:
        joined = lifecycle.join(
            socket.connection_id,
            socket.endpoint,
            parsed.topic,
            parsed.text,
            parsed.client_id,
            deferred=deferred,
        )
    except Exception:
        limits.release(admission)
        raise
    limits.joined(admission, joined.conversation.conversation_id)
    conversation = joined.conversation
    code = codes.issue(conversation, joined.token)
    # `joined` first: the conversation enters the queue (where it can be assigned, and
    # told its position) only once the citizen has been answered.
    socket.reply(outbound.joined(conversation, joined.token, code, parsed.ref))
    if joined.messages:
        send_history(socket, conversation.conversation_id, joined.messages)
    lifecycle.queue_up(conversation)


def on_resume(socket: Socket, parsed: Resume) -> None:
    connection = _citizen(socket)
    if parsed.code is not None:
        # From another tab or device: the code opens the conversation and its token.
        # Lookups are counted per source: the keyed digest of the address stored at $connect.
        conversation_id, token = codes.open_with(parsed.code, connection.source or socket.client)
    else:
        conversation_id, token = str(parsed.conversation_id), str(parsed.token)
    if connection.conversation_id and connection.conversation_id != conversation_id:
        raise AlreadyJoined()
    resuming = lifecycle.resume(conversation_id, token, parsed.last_seq)
    by_code = token if parsed.code is not None else None
    # `resumed` first: the socket is attached to the conversation (where pushes find it)
    # only once it has been answered; what was stored meanwhile is sent after.
    socket.reply(outbound.resumed(resuming.conversation, parsed.ref, token=by_code))
    send_history(socket, conversation_id, resuming.missed)
    sent_upto = int(resuming.missed[-1].seq) if resuming.missed else parsed.last_seq
    catch_up = lifecycle.attach_resumed(socket.connection_id, socket.endpoint, resuming, sent_upto)
    if catch_up.changed:
        socket.reply(outbound.resumed(catch_up.conversation, token=by_code))
        send_history(socket, conversation_id, catch_up.messages)
        return
    for message in catch_up.messages:
        socket.reply(outbound.message(message))


def on_end(socket: Socket, parsed: End) -> None:
    connection = _citizen(socket)
    if not connection.conversation_id:
        raise NotJoined()
    lifecycle.end_by_citizen(connection.conversation_id)


# -- officers -------------------------------------------------------------------------


def on_hello(socket: Socket, parsed: Hello) -> None:
    socket.reply(presence.state(_officer(socket), parsed.ref))


def on_presence(socket: Socket, parsed: Presence) -> None:
    officer_id = _officer(socket)
    if parsed.capacity is not None:
        presence.set_capacity(officer_id, parsed.capacity)
    presence.set_status(officer_id, parsed.status)
    socket.reply(presence.state(officer_id, parsed.ref))


def on_take_next(socket: Socket, parsed: TakeNext) -> None:
    conversation_id = queue.take_next(_officer(socket), priority=parsed.priority)
    socket.reply(outbound.taken(conversation_id, parsed.ref))


def on_close(socket: Socket, parsed: Close) -> None:
    officer_id = _officer(socket)
    links = [link.model_dump() for link in parsed.links]
    lifecycle.close(parsed.conversation_id, officer_id, parsed.outcome, links)
    socket.reply(outbound.ok("close", parsed.conversation_id, parsed.ref))
    queue.settle(None)  # the freed slot takes the head of the queue


def on_transfer(socket: Socket, parsed: Transfer) -> None:
    officer_id = _officer(socket)
    alone = lifecycle.transfer(
        parsed.conversation_id, officer_id, parsed.to_officer_id, note=parsed.note
    )
    socket.reply(outbound.ok("transfer", parsed.conversation_id, parsed.ref, alone=alone))
