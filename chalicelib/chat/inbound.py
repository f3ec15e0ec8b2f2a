"""Every frame a client may send (pydantic), each validated before its handler runs.

The contract is docs/protocol.md; the dispatch table (chalicelib/websocket/routes.py) maps
each ``type`` to its model and handler. Imported on the first message only (pydantic is
heavy on a cold start).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.config import settings
from chalicelib.fields import VISIBLE, Link, clean_text
from chalicelib.vocabulary import Outcome, PresenceStatus, Topic

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
CONVERSATION_ID = r"^[0-9a-f]{32}$"
MAX_TEXT = settings().message_max_chars
MAX_NOTE = 500


class Frame(BaseModel):
    """Base of every inbound frame: a ``type`` and an optional client ``ref`` echoed in answers."""

    model_config = ConfigDict(extra="forbid", strict=True)

    type: str
    ref: str | None = Field(default=None, max_length=64)


class Ping(Frame):
    """Heartbeat: keeps the socket under API Gateway's 10-minute idle timeout."""

    type: Literal["ping"]


class Join(Frame):
    """A citizen starts a conversation on a topic, optionally with a first message."""

    type: Literal["join"]
    topic: Topic
    text: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT, pattern=VISIBLE)
    client_id: str | None = Field(default=None, pattern=ID_PATTERN)

    _clean = field_validator("text")(clean_text)


class Resume(Frame):
    """A citizen reattaches to a conversation after a reconnect or a reload."""

    type: Literal["resume"]
    conversation_id: str = Field(pattern=CONVERSATION_ID)
    token: str = Field(min_length=16, max_length=128)
    last_seq: int = Field(ge=0, le=1_000_000)


class Send(Frame):
    """A message; ``client_id`` makes retries idempotent. Officers name the conversation."""

    type: Literal["send"]
    conversation_id: str | None = Field(default=None, pattern=CONVERSATION_ID)
    client_id: str = Field(pattern=ID_PATTERN)
    text: str = Field(min_length=1, max_length=MAX_TEXT, pattern=VISIBLE)

    _clean = field_validator("text")(clean_text)


class Typing(Frame):
    type: Literal["typing"]
    conversation_id: str | None = Field(default=None, pattern=CONVERSATION_ID)


class Read(Frame):
    type: Literal["read"]
    conversation_id: str | None = Field(default=None, pattern=CONVERSATION_ID)
    seq: int = Field(ge=0, le=1_000_000)


class End(Frame):
    """A citizen cancels while waiting, or ends an active conversation."""

    type: Literal["end"]


class Hello(Frame):
    """An officer's console asks for its state (after each connect)."""

    type: Literal["hello"]


class Presence(Frame):
    type: Literal["presence"]
    status: PresenceStatus
    capacity: int | None = Field(default=None, ge=1, le=8)


class TakeNext(Frame):
    """« Prendre la suivante »; ``priority``: the urgent head of the queue, even at capacity."""

    type: Literal["take_next"]
    priority: bool = False


class Close(Frame):
    """An officer closes with an orientation outcome and optional links for the citizen."""

    type: Literal["close"]
    conversation_id: str = Field(pattern=CONVERSATION_ID)
    outcome: Outcome
    links: list[Link] = Field(default_factory=list, max_length=5)


class Transfer(Frame):
    """An officer hands a conversation to a colleague, or back to the queue (no target)."""

    type: Literal["transfer"]
    conversation_id: str = Field(pattern=CONVERSATION_ID)
    to_officer_id: str | None = Field(default=None, max_length=128)
    # For the next officer only: kept in the conversation's history, never sent to the citizen.
    note: str | None = Field(default=None, min_length=1, max_length=MAX_NOTE, pattern=VISIBLE)

    _clean = field_validator("note")(clean_text)
