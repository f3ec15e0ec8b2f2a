"""HTTP models of the chat routes: query strings, bodies and answers."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from chalicelib.fields import Answer, Body, Link, PageQuery, Query, Text120, Text2000
from chalicelib.vocabulary import PresenceStatus

DAY = r"^\d{4}-\d{2}-\d{2}$"


class PublicStatus(Answer):
    keep_nulls = True

    open: bool = Field(description="Un policier peut répondre maintenant (heures et présence).")
    within_hours: bool = Field(description="Dans les heures de service.")
    next_opening: str | None = Field(
        None, description="Prochaine ouverture, ISO 8601 heure de Paris (null si ouvert)."
    )
    hours: list[str] = Field(description="Les heures de service, en phrases.")
    messages: bool = Field(description="« Laisser un message » est proposé hors des heures.")
    officers_online: int
    officers_on_duty: int = Field(description="Policiers en ligne ou en pause.")
    waiting: int
    estimated_wait_seconds: int


class TranscriptLink(Answer):
    label: str
    url: str


class TranscriptMessage(Answer):
    seq: int
    sender: str
    speaker: str = Field(description="Vous, Policier ou Information.")
    at: str = Field(description="ISO 8601, heure de Paris.")
    time: str = Field(description="« 24/12/2025 23:22 », heure de Paris.")
    text: str


class Transcript(Answer):
    """A conversation as a citizen can print it and bring it to a commissariat."""

    keep_nulls = True

    service: str
    reference: str = Field(description="« MC-20251224-3F2A9C » : le jour et le début de l'id.")
    topic: str
    status: str
    started: str = Field(description="« mercredi 24 décembre 2025 à 23 h 22 ».")
    ended: str | None = None
    time_zone: str
    officer: str | None = Field(None, description="Qui a répondu : un libellé, jamais un nom.")
    outcome: str | None = None
    outcome_label: str | None = None
    links: list[TranscriptLink]
    messages: list[TranscriptMessage]
    emergency: str


class HistoryQuery(PageQuery):
    """A day of conversations (default today), page by page."""

    model_config = ConfigDict(extra="forbid")

    day: str | None = Field(default=None, pattern=DAY)


class ConversationFacts(Answer):
    """What a list row and the full view of a conversation both show."""

    conversation_id: str
    status: str = Field(description="waiting, active, closed, cancelled ou abandoned.")
    topic: str
    urgent: bool = Field(description="Sujet prioritaire : passe en tête de la file.")
    created_at: float = Field(description="Début de la demande, en secondes Unix (UTC).")
    officer_id: str | None = Field(None, description="Le policier qui a la conversation.")
    officer_name: str | None = Field(
        None, description="Son nom affiché (attribut Cognito `name`), sinon son identifiant."
    )
    outcome: str | None = Field(None, description="L'orientation donnée à la clôture.")


class ConversationRow(ConversationFacts):
    closed_at: float | None = Field(None, description="Clôture, en secondes Unix (UTC).")
    messages: int = Field(0, description="Nombre de messages échangés.")


class HistoryPage(Answer):
    keep_nulls = True

    day: str
    items: list[ConversationRow]
    next: str | None = None


class MessagesQuery(Query):
    model_config = ConfigDict(extra="forbid")

    after: int = Field(default=0, ge=0, le=1_000_000)
    limit: int = Field(default=100, ge=1, le=500)


class MessageOut(Answer):
    seq: int
    kind: str
    sender: str
    text: str
    sent_at: float


class ConversationDetail(ConversationFacts):
    keep_nulls = True

    links: list[dict[str, str]] = Field(default_factory=list)
    history: list[dict[str, object]] = Field(default_factory=list)
    messages: list[MessageOut]
    next_after: int | None = None


class QueueItem(Answer):
    conversation_id: str
    topic: str
    urgent: bool
    waiting_seconds: int
    preview: str | None = Field(None, description="Les premiers mots du premier message.")


class QueueState(Answer):
    waiting: int
    urgent: int
    oldest_wait_seconds: int
    items: list[QueueItem]
    version: int


class OfficerPresence(Answer):
    officer_id: str
    username: str
    name: str = Field(description="Le nom affiché (attribut Cognito `name`), sinon l'identifiant.")
    status: PresenceStatus
    active_count: int
    capacity: int


class OfficerList(Answer):
    items: list[OfficerPresence]


class CannedIn(Body):
    title: Text120
    text: Text2000
    link: Link | None = None


class CannedOut(Answer):
    id: str
    title: str
    text: str
    updated_at: float
    link: Link | None = None


class CannedList(Answer):
    items: list[CannedOut]


class StatsQuery(Query):
    model_config = ConfigDict(extra="forbid")

    days: int = Field(default=14, ge=1, le=92)


class Figures(Answer):
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


class NowFigures(Answer):
    waiting: int
    officers_online: int


class HourSeries(Answer):
    started: list[float] = Field(description="24 valeurs, de 0 h à 23 h (heure de Paris).")
    assigned: list[float] = Field(description="Conversations prises par un policier, par heure.")


class HourFigures(Answer):
    day: str = Field(description="Le jour de l'unité (heure de Paris), YYYY-MM-DD.")
    today: HourSeries
    four_weeks: HourSeries = Field(description="Moyenne par jour des 28 jours précédents.")


class ChatDashboard(Answer):
    keep_nulls = True

    days: list[DayFigures]
    totals: Totals
    now: NowFigures
    hours: HourFigures


class OfficerNow(Answer):
    keep_nulls = True

    officer_id: str
    name: str
    status: PresenceStatus
    connected: bool = Field(description="Au moins une console ouverte.")
    active_count: int
    capacity: int
    longest_reply_wait_seconds: int | None = Field(
        None, description="La plus longue attente d'une réponse parmi ses conversations."
    )


class OfficersNow(Answer):
    keep_nulls = True

    items: list[OfficerNow]


class ReportFromChat(Answer):
    report_id: str
    conversation_id: str
