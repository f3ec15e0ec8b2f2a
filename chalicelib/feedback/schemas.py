"""Pydantic models of the feedback routes: the two surveys, the sign-up, what supervisors read."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from chalicelib.fields import (
    Answer,
    Body,
    ContactText,
    Query,
    Text100,
    Text500,
    Text2000,
    Whole,
    distinct,
)
from chalicelib.vocabulary import (
    CHAT_QUESTIONS,
    NON_USER_QUESTIONS,
    HowFar,
    SurveyAnswer,
    WantedOnline,
)

QUESTIONS = {**CHAT_QUESTIONS, **NON_USER_QUESTIONS}


class ChatSurveyIn(Body):
    conversation_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    token: str = Field(
        min_length=1,
        max_length=256,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="Le jeton de reprise de la conversation, gardé par le navigateur.",
    )
    found_easily: SurveyAnswer = Field(description=QUESTIONS["found_easily"])
    understood: SurveyAnswer = Field(description=QUESTIONS["understood"])
    found_service: SurveyAnswer = Field(description=QUESTIONS["found_service"])
    rating: Whole = Field(ge=1, le=5, description="Note globale, de 1 à 5.")
    comment: Text2000 | None = None


class NonUserSurveyIn(Body):
    wanted_online: WantedOnline = Field(description=QUESTIONS["wanted_online"])
    how_far: list[HowFar] = Field(
        default_factory=list,
        max_length=6,
        description=QUESTIONS["how_far"],
        json_schema_extra={"uniqueItems": True},
    )
    comment: Text2000 | None = None

    _choices = field_validator("how_far")(distinct("Un même choix est coché deux fois."))


class VolunteerIn(Body):
    name: Text100
    reach: ContactText
    availability: Text500 = Field(description="Vos disponibilités, en quelques mots.")
    consent: Literal[True] = Field(
        description="Accord explicite pour que vos coordonnées soient gardées 90 jours."
    )

    @field_validator("consent", mode="before")
    @classmethod
    def _explicit_consent(cls, value: object) -> object:
        if value is not True:
            raise ValueError(
                "Votre accord est nécessaire pour que nous gardions vos coordonnées "
                "(cochez la case)."
            )
        return value


class Recorded(Answer):
    status: Literal["enregistre"]
    message: str


class VolunteerOut(Answer):
    volunteer_id: str
    name: str
    reach: str
    availability: str
    created_at: str
    expires_at: str


class VolunteerPage(Answer):
    items: list[VolunteerOut]
    next: str | None = None


class SummaryQuery(Query):
    days: int = Field(30, ge=1, le=366, description="Nombre de jours, jusqu'à aujourd'hui.")


class RatingSummary(Answer):
    average: float | None = None
    distribution: dict[str, int]


class ChatSummary(Answer):
    responses: int
    questions: dict[str, dict[str, int]]
    labels: dict[str, str]
    rating: RatingSummary


class NonUserSummary(Answer):
    responses: int
    wanted_online: dict[str, int]
    how_far: dict[str, int]
    labels: dict[str, str]


class ReportsSummary(Answer):
    received: int
    by_kind: dict[str, int]
    entered_status: dict[str, int]


class DaySummary(Answer):
    day: str
    reports_received: int
    chat_responses: int
    non_user_responses: int
    volunteers: int


class FeedbackSummary(Answer):
    first_day: str
    last_day: str
    chat: ChatSummary
    non_users: NonUserSummary
    volunteers: int
    reports: ReportsSummary
    daily: list[DaySummary]
