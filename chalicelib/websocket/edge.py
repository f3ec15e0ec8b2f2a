"""API Gateway's three WebSocket routes: ``$connect``, ``$default`` (every frame), ``$disconnect``.

``$connect`` checks an officer's JWT and stores the connection (the connection registry is
the ``connections`` table, chalicelib/models/connection.py); ``$default`` parses a frame,
finds its model and handler in the dispatch table (chalicelib/websocket/routes.py, handed in
by app.py), validates and handles it, and answers every refusal with an ``error`` frame;
``$disconnect`` forgets the connection and tells the chat. No exception escapes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from chalicelib.auth import OfficerIdentity, verify_officer_token
from chalicelib.chat import sockets
from chalicelib.errors import DomainError, InvalidInput, InvalidJson, from_validation_error
from chalicelib.models.connection import (
    Connection,
    delete_connection,
    get_connection,
    save_connection,
)
from chalicelib.observability import logger
from chalicelib.websocket import outbound
from chalicelib.websocket.push import Delivery, Target, sender

if TYPE_CHECKING:
    from pydantic import BaseModel

MAX_FRAME_BYTES = 32 * 1024


@dataclass
class Socket:
    """The connection a frame came from, and a way to answer it."""

    connection_id: str
    domain_name: str
    stage: str
    source_ip: str = ""
    _stored: Connection | None = None
    _loaded: bool = False

    @property
    def target(self) -> Target:
        return Target(self.connection_id, self.domain_name, self.stage)

    @property
    def endpoint(self) -> str:
        """How this socket's API is recorded next to its id (chalicelib/chat/sockets.py)."""
        return sockets.endpoint_of(self.domain_name, self.stage)

    @property
    def client(self) -> str:
        """Who is behind the socket, for per-client limits: the address API Gateway saw (the
        WebSocket API is reached directly), or the socket itself when none was given."""
        return self.source_ip or f"socket:{self.connection_id}"

    @property
    def stored(self) -> Connection | None:
        """The stored connection item (read once, on first use)."""
        if not self._loaded:
            self._stored = get_connection(self.connection_id)
            self._loaded = True
        return self._stored

    def reply(self, frame: Mapping[str, Any]) -> bool:
        """Send a frame back on this socket; a gone socket is taken off its conversation."""
        delivery = sender().post(self.target, frame)
        if delivery is Delivery.GONE and self._stored is not None:
            sockets.socket_gone(self._stored)
        return delivery is Delivery.DELIVERED


FrameHandler = Callable[[Socket, Any], None]


class Route(NamedTuple):
    """One inbound frame type: the model that validates it and the handler that answers it."""

    model: type[BaseModel]
    handler: FrameHandler


class UnknownFrame(DomainError):
    code = "unknown_type"
    default_message = "Type de trame inconnu."


def _socket(event: Mapping[str, Any]) -> Socket:
    context = event.get("requestContext") or {}
    identity = context.get("identity") or {}
    return Socket(
        connection_id=str(context.get("connectionId", "")),
        domain_name=str(context.get("domainName", "")),
        stage=str(context.get("stage", "")),
        source_ip=str(identity.get("sourceIp") or "") if isinstance(identity, dict) else "",
    )


def _refusal(status: int, code: str, message: str) -> dict[str, Any]:
    return {"statusCode": status, "body": json.dumps({"error": {"code": code, "message": message}})}


def on_connect(event: Mapping[str, Any]) -> dict[str, Any]:
    """``$connect``: officers present a valid JWT (``?token=``); citizens connect anonymously."""
    socket = _socket(event)
    params = event.get("queryStringParameters") or {}
    role = params.get("role", "citizen")
    officer: OfficerIdentity | None = None
    if role == "officer":
        try:
            officer = verify_officer_token(params.get("token", ""))
        except DomainError as error:
            logger.info("officer connection refused", extra={"reason": error.message})
            return {"statusCode": 403, "body": json.dumps({"error": error.payload()})}
    elif role != "citizen":
        return _refusal(400, "invalid_role", "Rôle inconnu : citizen ou officer attendu.")
    save_connection(
        socket.connection_id,
        kind="officer" if officer else "citizen",
        domain_name=socket.domain_name,
        stage=socket.stage,
        officer_id=officer.officer_id if officer else None,
    )
    if officer is not None:
        sockets.officer_connected(officer, socket.connection_id, socket.endpoint)
    return {"statusCode": 200}


def parse_frame(body: str | bytes | None, routes: Mapping[str, Route]) -> tuple[Any, FrameHandler]:
    """Validate a raw frame into its model and find its handler, or raise a DomainError."""
    from pydantic import ValidationError

    if body is None:
        raise InvalidJson("Trame vide : un objet JSON est attendu.")
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if len(raw) > MAX_FRAME_BYTES:
        raise InvalidInput("Trame trop volumineuse.", field="body")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidJson("Trame illisible : du JSON est attendu.") from error
    if not isinstance(data, dict):
        raise InvalidJson("Un objet JSON est attendu.")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in routes:
        raise UnknownFrame(field="type")
    route = routes[kind]
    try:
        return route.model.model_validate(data), route.handler
    except ValidationError as error:
        raise from_validation_error(error) from error


def on_message(event: Mapping[str, Any], routes: Mapping[str, Route]) -> dict[str, Any]:
    """``$default``: validate, dispatch, and answer every refusal with an error frame."""
    socket = _socket(event)
    ref: str | None = None
    try:
        parsed, handler = parse_frame(event.get("body"), routes)
        ref = getattr(parsed, "ref", None)
        handler(socket, parsed)
    except DomainError as error:
        socket.reply(outbound.error(error, ref))
    except Exception:
        logger.exception("unhandled error in frame handler")
        socket.reply(outbound.internal_error(ref))
    return {"statusCode": 200}


def on_disconnect(event: Mapping[str, Any]) -> dict[str, Any]:
    """``$disconnect``: forget the connection, and take it off its conversation or officer."""
    socket = _socket(event)
    try:
        gone = delete_connection(socket.connection_id)
        if gone is not None:
            sockets.socket_gone(gone)
    except Exception:
        logger.exception("disconnect cleanup failed")
    return {"statusCode": 200}
