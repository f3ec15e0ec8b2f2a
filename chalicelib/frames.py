"""The base of every inbound WebSocket frame, and the heartbeat frame.

Imported lazily by chalicelib.realtime on the first message (pydantic is
heavy on a cold start).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.realtime import Socket, frame


class Frame(BaseModel):
    """Base of every inbound frame: a ``type`` and an optional client ``ref`` echoed in answers."""

    model_config = ConfigDict(extra="forbid", strict=True)

    type: str
    ref: str | None = Field(default=None, max_length=64)


class Ping(Frame):
    """Heartbeat: keeps the socket under API Gateway's 10-minute idle timeout."""

    type: Literal["ping"]


@frame("ping", Ping)
def ping(socket: Socket, parsed: Ping) -> None:
    socket.reply({"type": "pong", **({"ref": parsed.ref} if parsed.ref else {})})
