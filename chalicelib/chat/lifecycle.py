"""A conversation from start to end: join, resume, cancel, close, transfer, sweep."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from chalicelib.auth import hash_secret, new_secret, secret_matches
from chalicelib.chat import outbound, sockets
from chalicelib.chat.errors import (
    Busy,
    ConversationClosed,
    ConversationNotFound,
    NotYourConversation,
    OfficerUnavailable,
    TooManyConnections,
)
from chalicelib.chat.messages import SystemNote, add_system, announce, retention_ttl
from chalicelib.chat.queue import changed, conversation_view, settle
from chalicelib.chat.topics import EMERGENCY_MESSAGE, has_emergency_words, is_urgent
from chalicelib.clock import day_of, now, unit_hour
from chalicelib.config import settings
from chalicelib.models import ConditionFailed, queue_events
from chalicelib.models import conversation as conversations
from chalicelib.models import officer as officers
from chalicelib.models.assignment import Contention
from chalicelib.models.assignment import close as close_tx
from chalicelib.models.assignment import requeue as requeue_tx
from chalicelib.models.assignment import transfer as transfer_tx
from chalicelib.models.connection import attach_conversation
from chalicelib.models.conversation import JOINING_PK, Conversation, Message, queue_key
from chalicelib.models.officer import Officer
from chalicelib.observability import count
from chalicelib.stats import counters
from chalicelib.stats.chat import record_closed
from chalicelib.vocabulary import outcome_label

RETRIES = 5
# A conversation still "joining" this long after it was created lost its Lambda between
# its creation and its entry in the queue: the sweeper queues it.
JOINING_STALE_SECONDS = 30
# The sweeper's period (app.py: @app.schedule("rate(1 minute)")).
SWEEP_EVERY_SECONDS = 60
PREVIEW_CHARS = 80


def preview_of(text: str | None) -> str | None:
    """The first words of a first message, on one line, for the officers' view of the queue."""
    if not text:
        return None
    line = " ".join(text.split())
    if len(line) <= PREVIEW_CHARS:
        return line
    return line[: PREVIEW_CHARS - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class Joined:
    """A new conversation, its resume token (shown once) and the messages stored at join."""

    conversation: Conversation
    token: str
    messages: list[Message]


def join(
    connection_id: str,
    endpoint: str,
    topic: str,
    first_message: str | None,
    client_id: str | None,
    at: float | None = None,
    *,
    deferred: bool = False,
) -> Joined:
    """Start an anonymous conversation on a citizen socket (not in the queue yet;
    ``deferred``: a message left while the service is closed, answered when it opens).

    The conversation is created with its socket in the ``joining`` partition of the queue
    index, which nothing that assigns or tells positions reads: the caller answers
    ``joined`` (and the stored messages), then calls :func:`queue_up`. So ``joined`` is the
    first frame the socket receives for it, whatever runs concurrently.
    """
    at = now() if at is None else at
    conversation_id = uuid.uuid4().hex
    token = new_secret()
    urgent = is_urgent(topic, first_message)
    conversation = Conversation(
        conversation_id,
        status="waiting",
        topic=topic,
        urgent=urgent,
        deferred=deferred or None,
        token_hash=hash_secret(token),
        created_at=at,
        created_day=day_of(at),
        enqueued_at=at,
        queue_pk=JOINING_PK,
        queue_sk=queue_key(
            urgent=urgent, requeued=False, enqueued_at=at, conversation_id=conversation_id
        ),
        citizen_conns={connection_id: endpoint},
        preview=preview_of(first_message),
        ttl=retention_ttl(at),
    )
    if first_message:
        # The first message takes number 1, and the first place of this minute's rate
        # limit, with the conversation itself (as allocate_seq would, in one write less).
        conversation.last_seq = 1
        conversation.rate_window = int(at // 60)
        conversation.rate_count = 1
        conversation.awaiting_since = at
    conversations.create(conversation)
    attach_conversation(connection_id, conversation_id)
    stored: list[Message] = []
    if first_message:
        stored.append(
            Message(
                conversation_id,
                1,
                kind="message",
                sender="citizen",
                text=first_message,
                client_id=client_id,
                sent_at=at,
                ttl=retention_ttl(at),
            )
        )
        conversations.store_message(stored[-1])
    if topic == "violences" or has_emergency_words(first_message):
        emergency = SystemNote(EMERGENCY_MESSAGE, data={"emergency": True})
        stored.append(add_system(conversation_id, emergency, at)[0])
    conversation.last_seq = int(stored[-1].seq) if stored else 0
    counters.record(
        "chat",
        {
            "started": 1,
            "started_urgent": int(urgent),
            f"topic.{topic}": 1,
            f"started.h{unit_hour(at):02d}": 1,  # shift planning: demand by hour (Paris)
        },
        at,
    )
    count("ConversationStarted")
    return Joined(conversation, token, stored)


def queue_up(conversation: Conversation, at: float | None = None) -> bool:
    """Put a joined conversation in the waiting queue (in its lane, in arrival order), assign
    it if an officer is free, and have the fan-out tell the queue (the urgent ones push the
    others back). False when it ended before (the citizen left at once)."""
    at = now() if at is None else at
    key = queue_key(
        urgent=bool(conversation.urgent),
        requeued=False,
        enqueued_at=at,
        conversation_id=conversation.conversation_id,
    )
    if not conversations.enter_queue(conversation.conversation_id, key, at):
        return False
    conversation.enqueued_at = at
    settle("join", at, first=conversation.conversation_id)
    return True


def authenticate(conversation_id: str, token: str) -> Conversation:
    """The conversation a resume token opens, or ConversationNotFound (no hint why)."""
    conversation = conversations.get(conversation_id) if conversation_id else None
    if conversation is None or not secret_matches(token or "", conversation.token_hash):
        raise ConversationNotFound()
    if float(conversation.ttl) <= now():
        raise ConversationNotFound()
    return conversation


@dataclass(frozen=True)
class Resuming:
    """A conversation a resume token opened, and the messages the citizen missed."""

    conversation: Conversation
    missed: list[Message]


def resume(conversation_id: str, token: str, last_seq: int) -> Resuming:
    """Open a conversation with its resume token and gather the messages after ``last_seq``.

    The socket is not attached yet: the caller answers ``resumed`` and the history, then
    calls :func:`attach_resumed`, so nothing else reaches the socket first.
    """
    conversation = authenticate(conversation_id, token)
    if len(conversation.connections()) >= settings().connections_per_token:
        raise TooManyConnections()
    missed = conversations.messages_after(conversation_id, last_seq, limit=1000)
    return Resuming(conversation, missed)


@dataclass(frozen=True)
class CatchUp:
    """What happened while ``resumed`` was being answered: the conversation as it is now,
    the messages stored meanwhile, and whether its status changed (answer ``resumed``
    again)."""

    conversation: Conversation
    messages: list[Message]
    changed: bool


def attach_resumed(
    connection_id: str, endpoint: str, resuming: Resuming, sent_upto: int
) -> CatchUp:
    """Attach the socket ``resumed`` was answered on; returns what it has not seen yet.

    Messages numbered before the socket was attached were pushed to the citizen's other
    sockets only: they are read again here (``seq > sent_upto``). A waiting citizen gets
    their position from the fan-out.
    """
    conversation_id = resuming.conversation.conversation_id
    try:
        conversation = conversations.attach_citizen(
            conversation_id, connection_id, endpoint, settings().connections_per_token
        )
    except ConditionFailed as error:
        raise TooManyConnections() from error
    attach_conversation(connection_id, conversation_id)
    # A message numbered after the attachment is pushed to this socket by its sender (who
    # reads the sockets when it takes its number): only the ones numbered before are due.
    attached_at_seq = int(conversation.last_seq)
    later = [
        message
        for message in conversations.messages_after(conversation_id, sent_upto, limit=1000)
        if int(message.seq) <= attached_at_seq
    ]
    if conversation.officer_id and conversation.status == "active":
        sockets.to_officer(
            conversation.officer_id, outbound.citizen_status(conversation_id, connected=True)
        )
    if conversation.status == "waiting":
        queue_events.send({"refresh": [conversation_id]})
    return CatchUp(conversation, later, conversation.status != resuming.conversation.status)


def cancel(
    conversation: Conversation, at: float | None = None, *, status: str = "cancelled"
) -> bool:
    """Take a waiting conversation out of the queue (citizen cancels, or sweeper abandons)."""
    at = now() if at is None else at
    if not conversations.leave_queue(conversation, status, at):
        return False
    counters.record("chat", {status: 1, f"{status}_waiting": 1}, at)
    changed(status)
    return True


def _held_by(conversation_id: str, officer_id: str) -> tuple[Conversation, Officer]:
    """The active conversation ``officer_id`` holds, freshly read with the officer; a
    refusal otherwise that says why (unknown, over, or someone else's)."""
    officer = officers.get(officer_id)
    conversation = conversations.get(conversation_id)
    if conversation is None:
        raise ConversationNotFound()
    if conversation.status != "active":
        raise ConversationClosed()
    if conversation.officer_id != officer_id or officer is None:
        raise NotYourConversation()
    return conversation, officer


def close(
    conversation_id: str,
    officer_id: str,
    outcome: str,
    links: list[dict[str, str]],
    at: float | None = None,
    *,
    by_citizen: bool = False,
) -> Conversation:
    """Close an active conversation with an orientation outcome; free the officer's slot.

    The freed slot is filled by the caller (:func:`chalicelib.chat.queue.settle`), once it
    has answered: an officer's ``close`` is acknowledged before anything else is done.
    """
    at = now() if at is None else at
    for _ in range(RETRIES):
        conversation, officer = _held_by(conversation_id, officer_id)
        try:
            close_tx(conversation_id, officer, at, outcome, links)
        except Contention as contention:
            if contention.conversation_changed:
                continue
            continue  # the officer's load changed: read it again
        record_closed(outcome, at - float(conversation.assigned_at or at), at)
        closing = outbound.closing(
            outcome, outcome_label(outcome), links, survey=True, by_citizen=by_citizen
        )
        text = (
            "Vous avez mis fin à la conversation."
            if by_citizen
            else "Le policier a clos la conversation. Merci de nous avoir contactés."
        )
        # The officer was read just before (their sockets, for the pushes).
        final = announce(
            conversation_id,
            SystemNote(text, kind="closed", data=dict(closing)),
            at,
            officer=officer,
        )
        sockets.to_citizen(final, outbound.closed(conversation_id, closing))
        sockets.to_officer(
            officer_id, outbound.conversation_closed(conversation_id, closing), known=officer
        )
        count("ConversationClosed")
        return final
    raise Busy()


def end_by_citizen(conversation_id: str, at: float | None = None) -> None:
    """The citizen leaves: a waiting conversation is cancelled, an active one closed."""
    at = now() if at is None else at
    conversation = conversations.get(conversation_id)
    if conversation is None:
        raise ConversationNotFound()
    if conversation.status == "waiting":
        if cancel(conversation, at):
            sockets.to_citizen(
                conversation,
                outbound.closed(
                    conversation.conversation_id,
                    outbound.closing(
                        "annule", outcome_label("annule"), [], survey=False, by_citizen=True
                    ),
                ),
            )
            return
        conversation = conversations.get(conversation.conversation_id) or conversation
    if conversation.status == "active" and conversation.officer_id:
        close(
            conversation.conversation_id,
            conversation.officer_id,
            "fin_citoyen",
            [],
            at,
            by_citizen=True,
        )
        settle(None, at)
        return
    raise ConversationClosed()


def requeue(
    conversation_id: str,
    officer_id: str,
    at: float,
    *,
    reason: str,
    note: str | None = None,
    not_for: str | None = None,
) -> bool:
    """Give a conversation back to the queue, at the head of its own lane, and tell the
    citizen (a system message marked ``requeued``: the widget shows "waiting" again);
    ``note`` is for the next officer only (never a message, never the transcript)."""
    for _ in range(RETRIES):
        officer = officers.get(officer_id)
        conversation = conversations.get(conversation_id)
        if (
            officer is None
            or conversation is None
            or conversation.status != "active"
            or conversation.officer_id != officer_id
        ):
            return False
        try:
            requeue_tx(conversation, officer, at, reason=reason, note=note, not_for=not_for)
        except Contention:
            continue
        counters.record("chat", {"requeued": 1}, at)
        text = (
            "Le policier qui vous répondait a été déconnecté : votre conversation passe à "
            "un ou une collègue. Vous repassez en priorité dans la file, merci de patienter."
            if reason == "officer_gone"
            else "Votre conversation va être reprise par un autre policier. Merci de patienter."
        )
        announce(conversation_id, SystemNote(text, data={"requeued": True}), at, to_officer=False)
        sockets.to_officer(officer_id, outbound.conversation_removed(conversation_id, reason))
        return True
    return False


def transfer(
    conversation_id: str,
    officer_id: str,
    to_officer_id: str | None,
    at: float | None = None,
    note: str | None = None,
) -> bool:
    """Hand a conversation to another officer, or back to the queue, with an internal ``note``
    for officers only; history is kept. Returns True when no other officer is online to
    take it from the queue (the console says so)."""
    at = now() if at is None else at
    if to_officer_id is None or to_officer_id == "":
        conversation = conversations.get(conversation_id)
        if conversation is None:
            raise ConversationNotFound()
        if conversation.officer_id != officer_id:
            raise NotYourConversation()
        # Given back: at the head of its lane, not for this officer while another is online.
        if not requeue(
            conversation_id, officer_id, at, reason="transfer", note=note, not_for=officer_id
        ):
            raise ConversationClosed()
        counters.record("chat", {"transferred": 1}, at)
        settle("requeue", at)
        # Two ids at most: "anyone else online?" costs the same with 3 or 300 officers.
        return not any(other != officer_id for other in officers.online_ids(limit=2))
    for _ in range(RETRIES):
        conversation, source = _held_by(conversation_id, officer_id)
        target = officers.get(to_officer_id)
        if (
            target is None
            or target.status == "offline"
            or int(target.active_count) >= int(target.capacity)
        ):
            raise OfficerUnavailable()
        try:
            transfer_tx(conversation_id, source, target, at, note)
        except Contention:
            continue
        counters.record("chat", {"transferred": 1}, at)
        told = SystemNote("Un autre policier reprend votre conversation.")
        announce(conversation_id, told, at, to_officer=False)
        sockets.to_officer(officer_id, outbound.conversation_removed(conversation_id, "transfer"))
        fresh = conversations.get(conversation_id)
        if fresh is not None:
            sockets.to_officer(
                to_officer_id, outbound.conversation_assigned(conversation_view(fresh))
            )
        return False
    raise Busy()


def officer_sweep_age(grace_seconds: float, every_seconds: float = SWEEP_EVERY_SECONDS) -> float:
    """How long an officer must have been gone for a sweep to requeue their conversations.

    The grace period is a promise to the citizen: told and requeued *within* it. A sweep
    runs every ``every_seconds``, so it takes those gone for at least ``grace − period``:
    an officer gone at t is requeued by the first sweep after t + grace − period, that is
    before t + grace (with the defaults, between 60 and 120 s after their last console
    closed). The lead is at most half the grace, so a console that reloads is never taken;
    the promise holds while sweeps run at least twice per grace period."""
    return grace_seconds - min(every_seconds, grace_seconds / 2)


def sweep(at: float | None = None) -> dict[str, int]:
    """Scheduled: abandon conversations of vanished citizens, requeue those of vanished
    officers, queue conversations whose join stopped half-way, assign, and have the fan-out
    run (a safety net for a lost queue event)."""
    at = now() if at is None else at
    conf = settings()
    abandoned = requeued = joined = 0
    for conversation_id in conversations.citizens_gone_before(at - conf.citizen_grace_seconds):
        conversation = conversations.get(conversation_id)
        if conversation is None or conversation.connections() or conversation.deferred:
            continue  # a deferred conversation's citizen reads the answer later
        if conversation.status == "waiting":
            abandoned += int(cancel(conversation, at, status="abandoned"))
        elif conversation.status == "active" and conversation.officer_id:
            try:
                close(conversation_id, conversation.officer_id, "abandon", [], at)
                counters.record("chat", {"abandoned": 1, "abandoned_active": 1}, at)
                abandoned += 1
            except (ConversationClosed, NotYourConversation, Busy):
                pass
    for officer_id in officers.gone_before(at - officer_sweep_age(conf.officer_grace_seconds)):
        officer = officers.get(officer_id)
        if officer is None or officer.sockets():
            continue
        for conversation in conversations.active_of(officer_id):
            requeued += int(
                requeue(conversation.conversation_id, officer_id, at, reason="officer_gone")
            )
        officer = officers.get(officer_id)
        if officer is not None:
            officers.clear_gone(officer, at)  # False: the officer came back meanwhile
    for stuck in conversations.joining():
        if float(stuck.enqueued_at) < at - JOINING_STALE_SECONDS:
            joined += int(queue_up(stuck, at))
    dispatched = settle("sweep", at)
    return {
        "abandoned": abandoned,
        "requeued": requeued,
        "queued": joined,
        "assigned": len(dispatched.assigned),
    }
