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

from chalicelib import jsonbody
from chalicelib.auth import OfficerIdentity, client_address, verify_officer_token
from chalicelib.chat import sockets
from chalicelib.config import settings
from chalicelib.errors import DomainError, InvalidInput, InvalidJson, from_validation_error
from chalicelib.keys import MissingSecret, client_digest
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
MAX_MESSAGE_BYTES = 128 * 1024  # API Gateway's limit on a message (frames joined)
MAX_REF_CHARS = 64  # as chalicelib/chat/inbound.py's Frame.ref


@dataclass
class Socket:
    """The connection a frame came from, and a way to answer it."""

    connection_id: str
    domain_name: str
    stage: str
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
    return Socket(
        connection_id=str(context.get("connectionId", "")),
        domain_name=str(context.get("domainName", "")),
        stage=str(context.get("stage", "")),
    )


def _refusal(status: int, code: str, message: str) -> dict[str, Any]:
    return {"statusCode": status, "body": json.dumps({"error": {"code": code, "message": message}})}


def source_of(event: Mapping[str, Any]) -> str:
    """Where a citizen socket comes from, as the chat's per-source limits count it: a keyed
    digest of the client address (never the address). The WebSocket API is reached directly
    (no proxy: ``WEBSOCKET_TRUSTED_PROXY_HOPS`` = 0), so ``X-Forwarded-For`` is only read
    when a trusted proxy is declared in front of it."""
    identity = (event.get("requestContext") or {}).get("identity") or {}
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    address = client_address(
        str(identity.get("sourceIp") or ""),
        headers.get("x-forwarded-for", ""),
        settings().websocket_trusted_proxy_hops,
    )
    return client_digest("chat-source", address)


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
    try:
        source = None if officer else source_of(event)
    except MissingSecret:
        logger.exception("client key unavailable: citizen connection refused")
        return _refusal(500, "internal_error", "Service momentanément indisponible.")
    save_connection(
        socket.connection_id,
        kind="officer" if officer else "citizen",
        domain_name=socket.domain_name,
        stage=socket.stage,
        officer_id=officer.officer_id if officer else None,
        source=source,
    )
    if officer is not None:
        sockets.officer_connected(officer, socket.connection_id, socket.endpoint)
    return {"statusCode": 200}


def read_frame(body: str | bytes | None) -> dict[str, Any]:
    """The JSON object of a raw frame (of at most API Gateway's message size), or
    InvalidJson / InvalidInput (too large)."""
    if body is None:
        raise InvalidJson("Trame vide : un objet JSON est attendu.")
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if len(raw) > MAX_MESSAGE_BYTES:
        raise InvalidInput("Trame trop volumineuse.", field="body")
    data = jsonbody.decode(raw, "Trame illisible : du JSON est attendu.")
    if not isinstance(data, dict):
        raise InvalidJson("Un objet JSON est attendu.")
    return data


def check_size(body: str | bytes | None) -> None:
    """Refuse a frame over API Gateway's frame size (once its ``ref`` is known)."""
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body or b""
    if len(raw) > MAX_FRAME_BYTES:
        raise InvalidInput("Trame trop volumineuse.", field="body")


def ref_of(data: Mapping[str, Any]) -> str | None:
    """The ``ref`` a client put on a frame, as it can be echoed back: a text of at most 64
    characters (what the frame models accept), even when the rest of the frame is refused."""
    ref = data.get("ref")
    if not isinstance(ref, str) or not 0 < len(ref) <= MAX_REF_CHARS:
        return None
    try:
        ref.encode("utf-8")
    except UnicodeEncodeError:
        return None  # a lone surrogate: it could not be sent back
    return ref


def validate_frame(
    data: Mapping[str, Any], routes: Mapping[str, Route]
) -> tuple[Any, FrameHandler]:
    """The frame validated by the model of its ``type``, and its handler; or a DomainError."""
    from pydantic import ValidationError

    kind = data.get("type")
    if not isinstance(kind, str) or kind not in routes:
        raise UnknownFrame(field="type")
    route = routes[kind]
    try:
        return route.model.model_validate(data), route.handler
    except ValidationError as error:
        raise from_validation_error(error) from error


def parse_frame(body: str | bytes | None, routes: Mapping[str, Route]) -> tuple[Any, FrameHandler]:
    """Validate a raw frame into its model and find its handler, or raise a DomainError."""
    data = read_frame(body)
    check_size(body)
    return validate_frame(data, routes)


def on_message(event: Mapping[str, Any], routes: Mapping[str, Route]) -> dict[str, Any]:
    """``$default``: read, validate, dispatch; every refusal is an error frame that echoes
    the frame's ``ref`` — whether the frame was refused when read, validated or handled."""
    socket = _socket(event)
    ref: str | None = None
    try:
        data = read_frame(event.get("body"))
        ref = ref_of(data)
        check_size(event.get("body"))
        parsed, handler = validate_frame(data, routes)
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
