"""What the chat shows outside a socket: the site's live status, and what officers read of
past and present conversations (a day's history, one conversation, their colleagues).

Each function answers plain data shaped like its HTTP answer model
(chalicelib/chat/schemas.py); the HTTP views build the models.
"""

from __future__ import annotations

from typing import Any

from chalicelib.auth import OfficerIdentity
from chalicelib.chat.errors import AlreadyReported, ConversationNotFound, NotAboutDrugs
from chalicelib.chat.queue import estimate_seconds, queue_now
from chalicelib.clock import day_of, now
from chalicelib.models import conversation as conversations
from chalicelib.models import officer as officers
from chalicelib.models.conversation import Conversation
from chalicelib.models.cursor import KeyType, decode_cursor, encode_cursor

# The key of a page of the ``by_day`` index: the table's key and the index's.
_DAY_PAGE_KEY: dict[str, KeyType] = {"conversation_id": "S", "created_day": "S", "created_at": "N"}
MAX_CONVERSATION_ID = 64


def public_status() -> dict[str, Any]:
    """Whether someone answers now (service hours, officers on duty), the next opening, the
    hours, officers online (a COUNT of the presence index), people waiting and the wait a
    newcomer can expect, as the fan-out last read the queue."""
    from chalicelib.chat.hours import iso_local, opening

    online = officers.online_count()
    queue = queue_now()  # as the fan-out last read the queue (one GetItem)
    service = opening()
    # « Away » officers are on duty (they take the next conversation by hand): the chat is
    # open while one is; with nobody on duty nobody would answer, and the page says so.
    on_duty = officers.on_duty_count() if service.within_hours else 0
    return {
        "open": service.within_hours and on_duty > 0,
        "within_hours": service.within_hours,
        "next_opening": iso_local(service.next_opening),
        "hours": service.hours,
        "messages": service.messages,
        "officers_online": online,
        "officers_on_duty": on_duty,
        "waiting": queue.waiting,
        "estimated_wait_seconds": estimate_seconds(
            queue.waiting + 1, queue.slots if online else 0, queue.handle_seconds
        ),
    }


def handled_by(conversation: Conversation, officer_id: str) -> bool:
    """Whether ``officer_id`` holds or held the conversation (its holder, or in its history)."""
    if conversation.officer_id == officer_id:
        return True
    return any(
        officer_id in (event.get("officer"), event.get("to"))
        for event in conversation.history_list()
    )


def conversations_of_day(
    day: str | None, limit: int, cursor: str | None, reader: str | None = None
) -> dict[str, Any]:
    """A page of the conversations created on ``day`` (default today), newest first.

    ``reader``: an officer who is not a supervisor sees only the conversations they
    hold or closed last (``officer_id`` of the ``by_day`` projection); a page may then be
    shorter than ``limit`` while ``next`` says more may follow. ``cursor`` is the ``next``
    of the previous page of the same day; one that is not raises CursorError (422 on
    ``next``).
    """
    day = day or day_of()
    scope = f"conversations.by_day|{day}"
    start = (
        decode_cursor(cursor, scope, _DAY_PAGE_KEY, fixed={"created_day": day}) if cursor else None
    )
    items, last = conversations.created_on(day, limit, start)
    shown = [c for c in items if reader is None or c.officer_id == reader]
    names = officers.shown_names({str(c.officer_id) for c in shown if c.officer_id})
    return {
        "day": day,
        "items": [
            {
                "conversation_id": c.conversation_id,
                "status": c.status,
                "topic": c.topic,
                "urgent": bool(c.urgent),
                "created_at": float(c.created_at),
                "officer_id": c.officer_id,
                "officer_name": names.get(str(c.officer_id)) if c.officer_id else None,
                "outcome": c.outcome,
                "closed_at": float(c.closed_at) if c.closed_at else None,
                "messages": int(c.last_seq or 0),
            }
            for c in shown
        ],
        "next": encode_cursor(last, scope) if last else None,
    }


def conversation_file(
    conversation_id: str, after: int, limit: int, reader: str | None = None
) -> dict[str, Any]:
    """One conversation and a page of its messages after sequence ``after``; or
    ConversationNotFound — also for a ``reader`` (an officer who is not a supervisor) who
    never held it (no hint that it exists)."""
    conversation = (
        conversations.get(conversation_id) if len(conversation_id) <= MAX_CONVERSATION_ID else None
    )
    if conversation is None or (reader is not None and not handled_by(conversation, reader)):
        raise ConversationNotFound()
    page, more = conversations.message_page(conversation_id, after, limit)
    return {
        "conversation_id": conversation_id,
        "status": conversation.status,
        "topic": conversation.topic,
        "urgent": bool(conversation.urgent),
        "created_at": float(conversation.created_at),
        "officer_id": conversation.officer_id,
        "officer_name": (
            officers.shown_names({str(conversation.officer_id)}).get(str(conversation.officer_id))
            if conversation.officer_id
            else None
        ),
        "outcome": conversation.outcome,
        "links": conversation.link_list(),
        "history": conversation.history_list(),
        "messages": [
            {
                "seq": int(m.seq),
                "kind": m.kind,
                "sender": m.sender,
                "text": m.text or "",
                "sent_at": float(m.sent_at),
            }
            for m in page
            # A void message only fills the number of a retried one: nothing to read.
            if m.kind != "void"
        ],
        "next_after": int(page[-1].seq) if more and page else None,
    }


REPORTED = "reported"


def check_reportable(conversation_id: str, officer: OfficerIdentity) -> None:
    """A point_de_deal report may be filed from this conversation by this officer: one they
    handled (any, for a supervisor), on `stupefiants`, not reported yet; else the refusal."""
    conversation = (
        conversations.get(conversation_id) if len(conversation_id) <= MAX_CONVERSATION_ID else None
    )
    if conversation is None or (
        not officer.is_supervisor and not handled_by(conversation, officer.officer_id)
    ):
        raise ConversationNotFound()
    if conversation.topic != "stupefiants":
        raise NotAboutDrugs()
    if any(event.get("event") == REPORTED for event in conversation.history_list()):
        raise AlreadyReported()


def mark_reported(conversation_id: str, officer_id: str, report_id: str) -> None:
    """Link the conversation to the report filed from it (in its history: officers only)."""
    conversations.add_history(
        conversation_id, REPORTED, now(), officer=officer_id, report_id=report_id
    )


def colleagues() -> list[dict[str, Any]]:
    """Officers online or away, with their load: whom a conversation can be handed to."""
    return [
        {
            "officer_id": officer.officer_id,
            "username": officer.username,
            "name": officer.shown_name,
            "status": officer.status,
            "active_count": int(officer.active_count),
            "capacity": int(officer.capacity),
        }
        for officer in officers.present()
    ]
