"""The WebSocket edge: ``$connect`` authentication, frame validation and dispatch, ``$disconnect``.

API Gateway only routes ``$default`` for us, so frames are dispatched on
their ``type`` field. Every inbound frame is validated by the pydantic model
registered with its handler; every refusal is an ``error`` frame with a
documented code, pushed back to the sender. No exception escapes.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.auth import OfficerIdentity, verify_officer_token
from chalicelib.connections import forget, target_of
from chalicelib.errors import DomainError, InvalidInput, InvalidJson, from_validation_error
from chalicelib.models.connection import Connection, get_connection, save_connection
from chalicelib.observability import logger
from chalicelib.push import Target, sender

MAX_FRAME_BYTES = 32 * 1024


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
    def stored(self) -> Connection | None:
        """The stored connection item (read once, on first use)."""
        if not self._loaded:
            self._stored = get_connection(self.connection_id)
            self._loaded = True
        return self._stored

    def reply(self, frame: dict[str, Any]) -> bool:
        return sender().send(self.target, frame)


if TYPE_CHECKING:
    from pydantic import BaseModel

FrameHandler = Callable[[Socket, Any], None]
_handlers: dict[str, tuple[type[BaseModel], FrameHandler]] = {}
# Modules that define frames (pydantic models) and register their handlers. They
# are imported on the first message only: $connect and $disconnect never pay
# for pydantic at cold start.
_frame_modules: list[str] = ["chalicelib.frames"]
_loaded = False


def frame_module(name: str) -> None:
    """Declare a module whose import registers frame handlers (loaded lazily)."""
    global _loaded
    if name not in _frame_modules:
        _frame_modules.append(name)
        _loaded = False


def _load_frames() -> None:
    global _loaded
    if not _loaded:
        for name in _frame_modules:
            importlib.import_module(name)
        _loaded = True


def frame(kind: str, model: type[BaseModel]) -> Callable[[FrameHandler], FrameHandler]:
    """Register the handler of one inbound frame type and its validating model."""

    def register(handler: FrameHandler) -> FrameHandler:
        _handlers[kind] = (model, handler)
        return handler

    return register


def known_frames() -> dict[str, type[BaseModel]]:
    """Every inbound frame type and its model (docs and tests)."""
    _load_frames()
    return {kind: model for kind, (model, _) in _handlers.items()}


def error_frame(error: DomainError, ref: str | None = None) -> dict[str, Any]:
    """The one mapping of a domain error to a WebSocket frame."""
    body: dict[str, Any] = {"type": "error", **error.payload()}
    if ref:
        body["ref"] = ref
    return body


def _context(event: dict[str, Any]) -> Socket:
    ctx = event.get("requestContext") or {}
    return Socket(
        connection_id=str(ctx.get("connectionId", "")),
        domain_name=str(ctx.get("domainName", "")),
        stage=str(ctx.get("stage", "")),
    )


def on_connect(event: dict[str, Any]) -> dict[str, Any]:
    """``$connect``: officers present a valid JWT (``?token=``); citizens connect anonymously."""
    socket = _context(event)
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
        return {
            "statusCode": 400,
            "body": json.dumps(
                {
                    "error": {
                        "code": "invalid_role",
                        "message": "Rôle inconnu : citizen ou officer attendu.",
                    }
                }
            ),
        }
    save_connection(
        socket.connection_id,
        kind="officer" if officer else "citizen",
        domain_name=socket.domain_name,
        stage=socket.stage,
        officer_id=officer.officer_id if officer else None,
    )
    for hook in _connect_hooks:
        hook(socket, officer)
    return {"statusCode": 200}


ConnectHook = Callable[[Socket, OfficerIdentity | None], None]
_connect_hooks: list[ConnectHook] = []


def on_connected(hook: ConnectHook) -> ConnectHook:
    """Register ``hook(socket, officer)`` run after a connection is stored."""
    _connect_hooks.append(hook)
    return hook


def parse_frame(body: str | bytes | None) -> tuple[Any, FrameHandler]:
    """Validate a raw frame into its model and find its handler, or raise a DomainError."""
    from pydantic import ValidationError

    _load_frames()
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
    if not isinstance(kind, str) or kind not in _handlers:
        raise UnknownFrame(field="type")
    model, handler = _handlers[kind]
    try:
        return model.model_validate(data), handler
    except ValidationError as error:
        raise from_validation_error(error) from error


class UnknownFrame(DomainError):
    code = "unknown_type"
    default_message = "Type de trame inconnu."


def on_message(event: dict[str, Any]) -> dict[str, Any]:
    """``$default``: validate, dispatch, and answer every refusal with an error frame."""
    socket = _context(event)
    ref: str | None = None
    try:
        parsed, handler = parse_frame(event.get("body"))
        ref = getattr(parsed, "ref", None)
        handler(socket, parsed)
    except DomainError as error:
        socket.reply(error_frame(error, ref))
    except Exception:
        logger.exception("unhandled error in frame handler")
        socket.reply(
            {
                "type": "error",
                "code": "internal_error",
                "message": "Une erreur interne est survenue.",
                **({"ref": ref} if ref else {}),
            }
        )
    return {"statusCode": 200}


def on_disconnect(event: dict[str, Any]) -> dict[str, Any]:
    """``$disconnect``: forget the connection (the chat is told through its hook)."""
    socket = _context(event)
    try:
        forget(socket.connection_id)
    except Exception:
        logger.exception("disconnect cleanup failed")
    return {"statusCode": 200}


__all__ = [
    "Socket",
    "error_frame",
    "frame",
    "frame_module",
    "on_connect",
    "on_connected",
    "on_disconnect",
    "on_message",
    "target_of",
]
