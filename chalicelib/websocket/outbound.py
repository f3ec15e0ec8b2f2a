"""The frames of the WebSocket edge itself: the base of every inbound frame, the heartbeat,
and the two outbound frames that belong to no domain (``pong`` and ``error``).

The pydantic models here are imported with the dispatch table, on the first message only
(pydantic is heavy on a cold start); the outbound builders are plain functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, NotRequired, TypedDict

if TYPE_CHECKING:
    from chalicelib.errors import DomainError


class PongFrame(TypedDict):
    type: Literal["pong"]
    ref: NotRequired[str]


class ErrorFrame(TypedDict):
    type: Literal["error"]
    code: str
    message: str
    field: NotRequired[str]
    details: NotRequired[list[dict[str, Any]]]
    retry_after: NotRequired[int]
    ref: NotRequired[str]


def pong(ref: str | None = None) -> PongFrame:
    """The answer to ``ping``."""
    frame: PongFrame = {"type": "pong"}
    if ref:
        frame["ref"] = ref
    return frame


def error(refusal: DomainError, ref: str | None = None) -> ErrorFrame:
    """The one mapping of a domain error to a WebSocket frame (``code``, French ``message``…)."""
    frame: ErrorFrame = {"type": "error", **refusal.payload()}  # type: ignore[typeddict-item]
    if ref:
        frame["ref"] = ref
    return frame


def internal_error(ref: str | None = None) -> ErrorFrame:
    """A bug: the frame could not be handled (logged with the request id)."""
    frame: ErrorFrame = {
        "type": "error",
        "code": "internal_error",
        "message": "Une erreur interne est survenue.",
    }
    if ref:
        frame["ref"] = ref
    return frame
