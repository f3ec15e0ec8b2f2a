"""HTTP models of the chat routes (imported lazily by the views and the OpenAPI document)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DAY = r"^\d{4}-\d{2}-\d{2}$"


class PublicStatus(BaseModel):
    open: bool
    officers_online: int
    waiting: int
    estimated_wait_seconds: int


class HistoryQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: str | None = Field(default=None, pattern=DAY)
    cursor: str | None = Field(default=None, max_length=2000)
    limit: int = Field(default=25, ge=1, le=100)


class ConversationRow(BaseModel):
    conversation_id: str
    status: str
    topic: str
    urgent: bool
    created_at: float
    officer_id: str | None = None
    outcome: str | None = None
    closed_at: float | None = None
    messages: int = 0


class HistoryPage(BaseModel):
    day: str
    items: list[ConversationRow]
    next: str | None = None


class MessagesQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after: int = Field(default=0, ge=0, le=1_000_000)
    limit: int = Field(default=100, ge=1, le=500)


class MessageOut(BaseModel):
    seq: int
    kind: str
    sender: str
    text: str
    sent_at: float


class ConversationDetail(BaseModel):
    conversation_id: str
    status: str
    topic: str
    urgent: bool
    created_at: float
    officer_id: str | None = None
    outcome: str | None = None
    links: list[dict[str, str]] = Field(default_factory=list)
    history: list[dict[str, object]] = Field(default_factory=list)
    messages: list[MessageOut]
    next_after: int | None = None


class QueueItem(BaseModel):
    conversation_id: str
    topic: str
    urgent: bool
    waiting_seconds: int


class QueueState(BaseModel):
    waiting: int
    urgent: int
    oldest_wait_seconds: int
    items: list[QueueItem]


class OfficerPresence(BaseModel):
    officer_id: str
    username: str
    status: Literal["online", "away", "offline"]
    active_count: int
    capacity: int


class OfficerList(BaseModel):
    items: list[OfficerPresence]


class CannedLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=120)
    url: str = Field(max_length=500, pattern=r"^(https://[^\s<>\"']+|/[A-Za-z0-9/_#?=&.-]*)$")


class CannedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=120)
    text: str = Field(min_length=1, max_length=2000)
    link: CannedLink | None = None


class CannedOut(BaseModel):
    id: str
    title: str
    text: str
    updated_at: float
    link: CannedLink | None = None


class CannedList(BaseModel):
    items: list[CannedOut]


class StatsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int = Field(default=14, ge=1, le=92)


class Figures(BaseModel):
    """Chat counters over a period (one day, or the whole range)."""

    started: int
    started_urgent: int
    assigned: int
    closed: int
    abandoned: int
    cancelled: int
    requeued: int
    transferred: int
    messages_citizen: int
    messages_officer: int
    outcomes: dict[str, int]
    mean_wait_seconds: float | None = None
    mean_handle_seconds: float | None = None


class DayFigures(Figures):
    day: str


class Totals(Figures):
    abandonment_rate: float
    median_wait_seconds: float | None = None
    median_handle_seconds: float | None = None


class NowFigures(BaseModel):
    waiting: int
    officers_online: int


class ChatDashboard(BaseModel):
    days: list[DayFigures]
    totals: Totals
    now: NowFigures
