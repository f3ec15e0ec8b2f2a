"""WebSocket connections: a replaceable pipe, never the key of conversation state."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist
from pynamodb.models import Model

from chalicelib.clock import now
from chalicelib.config import settings
from chalicelib.models.base import register


@register("connections")
class Connection(Model):
    """One open socket. ``kind`` is ``citizen`` or ``officer``."""

    class Meta:
        table_name = "connections"

    connection_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    officer_id = UnicodeAttribute(null=True)
    conversation_id = UnicodeAttribute(null=True)
    # A citizen socket's source: a keyed digest of the client address (chalicelib/keys.py),
    # what the chat's per-source limits count. Never the address itself.
    source = UnicodeAttribute(null=True)
    domain_name = UnicodeAttribute()
    stage = UnicodeAttribute()
    connected_at = NumberAttribute()
    ttl = NumberAttribute()


def save_connection(
    connection_id: str,
    kind: str,
    domain_name: str,
    stage: str,
    officer_id: str | None = None,
    source: str | None = None,
) -> Connection:
    """Store a new connection with its TTL (API Gateway closes it after 2 h)."""
    at = now()
    item = Connection(
        connection_id,
        kind=kind,
        officer_id=officer_id,
        source=source,
        domain_name=domain_name,
        stage=stage,
        connected_at=int(at),
        ttl=int(at) + settings().connection_ttl_seconds,
    )
    item.save()
    return item


def get_connection(connection_id: str) -> Connection | None:
    """The live connection, or None (missing or past its TTL: moto never expires items)."""
    try:
        item = Connection.get(connection_id)
    except DoesNotExist:
        return None
    if item.ttl <= now():
        return None
    return item


def attach_conversation(connection_id: str, conversation_id: str) -> None:
    """Record which conversation a citizen socket speaks for."""
    Connection(connection_id).update(actions=[Connection.conversation_id.set(conversation_id)])


def delete_connection(connection_id: str) -> Connection | None:
    """Forget a connection; returns what was stored, if anything."""
    try:
        response = Connection._get_connection().delete_item(connection_id, return_values="ALL_OLD")
    except DeleteError:
        return None
    attributes = response.get("Attributes")
    return Connection.from_raw_data(attributes) if attributes else None
