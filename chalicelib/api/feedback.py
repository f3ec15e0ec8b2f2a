"""HTTP routes of feedback: the two surveys, workshop sign-up, and what supervisors read."""

from __future__ import annotations

from chalice.app import Request

from chalicelib.api.http import client_address
from chalicelib.api.routes import Routes
from chalicelib.auth import OfficerIdentity
from chalicelib.feedback import schemas
from chalicelib.fields import PageQuery

# Citizens' forms: each answer is a new record (201).
feedback = Routes(__name__, tag="avis", status=201)
supervision = feedback.section(tag="policiers", officer=True)
THANKS = "Merci, votre réponse est enregistrée."
SIGNED_UP = "Merci ! Nous vous contacterons pour le prochain atelier."


def _recorded(message: str) -> schemas.Recorded:
    return schemas.Recorded(status="enregistre", message=message)


@feedback.post(
    "/feedback/chat",
    summary="Répondre au questionnaire après une conversation terminée",
    errors=("not_found", "conflict"),
)
def answer_chat_survey(body: schemas.ChatSurveyIn) -> schemas.Recorded:
    """One survey per closed conversation, proven by the citizen's resume token."""
    from chalicelib.feedback import surveys

    surveys.answer_chat_survey(body)
    return _recorded(THANKS)


@feedback.post(
    "/feedback/non-users",
    summary="Questionnaire pour les personnes qui n'ont jamais utilisé le service",
    errors=("rate_limited",),
)
def answer_non_user_survey(body: schemas.NonUserSurveyIn, request: Request) -> schemas.Recorded:
    """« Auriez-vous souhaité faire vos démarches en ligne ? Jusqu'où ? »"""
    from chalicelib.feedback import surveys

    surveys.answer_non_user_survey(body, client_address(request))
    return _recorded(THANKS)


@feedback.post(
    "/feedback/volunteers",
    summary="S'inscrire comme volontaire pour les ateliers",
    errors=("rate_limited",),
)
def sign_up_volunteer(body: schemas.VolunteerIn, request: Request) -> schemas.Recorded:
    """Name, contact, availability and explicit consent; kept 90 days."""
    from chalicelib.feedback import volunteers

    volunteers.sign_up(body, client_address(request))
    return _recorded(SIGNED_UP)


@supervision.get("/officer/volunteers", summary="Volontaires des ateliers (superviseurs)")
def list_volunteers(query: PageQuery, officer: OfficerIdentity) -> schemas.VolunteerPage:
    """Volunteers still within their 90 days, newest first; supervisors only (the domain
    says so with its own words)."""
    from chalicelib.feedback import volunteers

    items, next_cursor = volunteers.list_volunteers(officer, query.limit, query.next)
    return schemas.VolunteerPage.model_validate({"items": items, "next": next_cursor})


@supervision.get(
    "/officer/feedback/summary",
    summary="Résultats agrégés des questionnaires et des signalements (superviseurs)",
    supervisor=True,
)
def feedback_summary(query: schemas.SummaryQuery) -> schemas.FeedbackSummary:
    """Aggregates from the daily counters: survey answers, volunteers, reports by kind/status."""
    from chalicelib.feedback import surveys

    return schemas.FeedbackSummary.model_validate(surveys.summary(query.days))
