"""Officers' presence and sockets; citizens' sockets. Registered as connection hooks.

Imported by app.py at cold start (no pydantic here): ``$connect`` and
``$disconnect`` run these hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib import connections, realtime
from chalicelib.auth import OfficerIdentity
from chalicelib.chat import notify
from chalicelib.chat.errors import Busy
from chalicelib.chat.queue import conversation_frame, dispatch, queue_summary
from chalicelib.clock import now
from chalicelib.config import settings
from chalicelib.models import conversation as conversations
from chalicelib.models import officer as officers
from chalicelib.models.connection import Connection
from chalicelib.models.officer import Officer

STATUSES = ("online", "away", "offline")


@realtime.on_connected
def officer_connected(socket: realtime.Socket, identity: OfficerIdentity | None) -> None:
    """An officer's console socket opened: record it (the officer is no longer 'gone')."""
    if identity is None:
        return
    officers.attach_socket(
        identity.officer_id,
        identity.username,
        socket.connection_id,
        notify.endpoint_of(socket.domain_name, socket.stage),
        settings().officer_capacity_default,
        now(),
    )


@connections.on_forget
def connection_gone(connection: Connection) -> None:
    """A socket went away: officers enter their grace period, citizens theirs."""
    at = now()
    if connection.kind == "officer" and connection.officer_id:
        officers.detach_socket(connection.officer_id, connection.connection_id, at)
    elif connection.kind == "citizen" and connection.conversation_id:
        conversation = conversations.detach_citizen(
            connection.conversation_id, connection.connection_id, at
        )
        if (
            conversation is not None
            and not conversation.connections()
            and conversation.status == "active"
        ):
            notify.to_officer(
                conversation.officer_id,
                {
                    "type": "citizen_status",
                    "conversation_id": conversation.conversation_id,
                    "connected": False,
                },
            )


def _update_officer(
    officer_id: str, change: Callable[[Officer], object], *, assign: bool
) -> Officer:
    """Apply an optimistic change to an officer (retried when the load moved meanwhile)."""
    for _ in range(5):
        officer = officers.get(officer_id)
        if officer is None:
            raise Busy("Reconnectez-vous.")
        try:
            change(officer)
        except UpdateError:
            continue
        if assign:
            dispatch()
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


def state(officer_id: str) -> dict[str, Any]:
    """Everything a console needs after (re)connecting: presence, load, conversations, queue."""
    officer = officers.get(officer_id)
    held = conversations.active_of(officer_id)
    return {
        "type": "officer_state",
        "officer_id": officer_id,
        "status": officer.status if officer else "offline",
        "capacity": int(officer.capacity) if officer else settings().officer_capacity_default,
        "active_count": int(officer.active_count) if officer else 0,
        "conversations": [conversation_frame(c, "conversation")["conversation"] for c in held],
        "queue": queue_summary(),
    }
