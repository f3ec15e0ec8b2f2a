"""Officers' presence and capacity, and what a console learns when it (re)connects."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.chat import outbound
from chalicelib.chat.errors import Busy, UnknownConnection
from chalicelib.chat.queue import conversation_view, queue_summary, settle
from chalicelib.clock import now
from chalicelib.config import settings
from chalicelib.models import ConditionFailed
from chalicelib.models import conversation as conversations
from chalicelib.models import officer as officers
from chalicelib.models.officer import Officer

RETRIES = 5


def _update_officer(
    officer_id: str, change: Callable[[Officer], object], *, assign: bool
) -> Officer:
    """Apply an optimistic change to an officer (retried when the load moved meanwhile)."""
    for _ in range(RETRIES):
        officer = officers.get(officer_id)
        if officer is None:
            raise UnknownConnection()
        try:
            change(officer)
        except ConditionFailed:
            continue
        if assign:
            settle("presence")
        return officer
    raise Busy()


def set_status(officer_id: str, status: str) -> Officer:
    """Switch presence (online / away / offline); going online may bring a conversation."""
    return _update_officer(
        officer_id, lambda o: officers.set_status(o, status, now()), assign=status == "online"
    )


def set_capacity(officer_id: str, capacity: int) -> Officer:
    """Change how many conversations an officer holds at once; a free slot may be filled."""
    return _update_officer(
        officer_id, lambda o: officers.set_capacity(o, capacity, now()), assign=True
    )


def state(officer_id: str, ref: str | None = None) -> outbound.OfficerStateFrame:
    """Everything a console needs after (re)connecting: presence, load, conversations, queue."""
    officer = officers.get(officer_id)
    held = conversations.active_of(officer_id)
    return outbound.officer_state(
        officer_id,
        status=officer.status if officer else "offline",
        capacity=int(officer.capacity) if officer else settings().officer_capacity_default,
        active_count=int(officer.active_count) if officer else 0,
        conversations=[conversation_view(c) for c in held],
        queue=queue_summary(),
        ref=ref,
    )
