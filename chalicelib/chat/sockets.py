"""Who is connected where: the sockets of a conversation's citizen and of each officer, and
pushing frames to them.

A socket is only a pipe: a conversation lives on without it. Sockets are recorded on the
conversation (the citizen's) and on the officer item (their consoles) as
``connection id -> "domainName|stage"``, so a push needs no lookup. When a push finds a
socket gone, or API Gateway reports a ``$disconnect``, :func:`socket_gone` takes it off the
conversation or the officer: a citizen with no socket left enters the grace period after
which the sweeper abandons the conversation; an officer, theirs before requeueing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.auth import OfficerIdentity
from chalicelib.chat import outbound
from chalicelib.clock import now
from chalicelib.config import settings
from chalicelib.models import conversation as conversations
from chalicelib.models import officer as officers
from chalicelib.models.connection import Connection
from chalicelib.models.conversation import Conversation
from chalicelib.websocket.push import Delivery, Target, sender


def endpoint_of(domain_name: str, stage: str) -> str:
    """How a socket's API is recorded next to its connection id."""
    return f"{domain_name}|{stage}"


def targets(sockets: Mapping[str, str]) -> list[Target]:
    """Push targets from a ``connection id -> domainName|stage`` map."""
    out = []
    for connection_id, endpoint in sockets.items():
        domain_name, _, stage = endpoint.partition("|")
        out.append(Target(connection_id, domain_name, stage))
    return out


def to_citizen(conversation: Conversation, frame: Mapping[str, Any]) -> int:
    """Send to every open socket of the conversation's citizen; returns how many got it."""
    delivered = 0
    for target in targets(conversation.connections()):
        delivery = sender().post(target, frame)
        if delivery is Delivery.GONE:
            citizen_left(conversation.conversation_id, target.connection_id)
        delivered += delivery is Delivery.DELIVERED
    return delivered


def to_officer(
    officer_id: str | None, frame: Mapping[str, Any], known: officers.Officer | None = None
) -> int:
    """Send to every console socket of an officer; returns how many got it."""
    if not officer_id:
        return 0
    officer = known if known is not None else officers.get(officer_id)
    if officer is None:
        return 0
    delivered = 0
    for target in targets(officer.sockets()):
        delivery = sender().post(target, frame)
        if delivery is Delivery.GONE:
            officers.detach_socket(officer_id, target.connection_id, now())
        delivered += delivery is Delivery.DELIVERED
    return delivered


def to_supervisors(frame: Mapping[str, Any]) -> int:
    """Send to the consoles of supervisors online or away; returns how many got it."""
    delivered = 0
    for officer in officers.present():
        if officer.supervisor:
            delivered += to_officer(officer.officer_id, frame, known=officer)
    return delivered


def officer_connected(identity: OfficerIdentity, connection_id: str, endpoint: str) -> None:
    """An officer's console socket opened: record it (the officer is no longer 'gone')."""
    officers.attach_socket(
        identity.officer_id,
        identity.username,
        connection_id,
        endpoint,
        settings().officer_capacity_default,
        now(),
        display_name=identity.name,
        supervisor=identity.is_supervisor,
    )


def citizen_left(conversation_id: str, connection_id: str) -> None:
    """A citizen socket went away: its officer learns when none is left."""
    conversation = conversations.detach_citizen(conversation_id, connection_id, now())
    if (
        conversation is not None
        and not conversation.connections()
        and conversation.status == "active"
    ):
        until = outbound.returns_until(conversation, settings().citizen_grace_seconds)
        # The officer is told until when the citizen can come back (their code opens the
        # conversation from any device), never « she can come back » without a limit.
        to_officer(
            conversation.officer_id,
            outbound.citizen_status(
                conversation.conversation_id, connected=False, returns_until=until
            ),
        )


def socket_gone(connection: Connection) -> None:
    """A stored socket went away ($disconnect, or gone on a reply): take it off its owner."""
    if connection.kind == "officer" and connection.officer_id:
        officers.detach_socket(connection.officer_id, connection.connection_id, now())
    elif connection.kind == "citizen" and connection.conversation_id:
        citizen_left(connection.conversation_id, connection.connection_id)
