"""HTTP routes of feedback: the two surveys, workshop sign-up, and what supervisors read."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.authorizer import officer_auth
from chalicelib.api.http import (
    current_officer,
    guarded,
    json_response,
    read_body,
    read_query,
    require_supervisor,
)
from chalicelib.api.openapi import operation
from chalicelib.api.reports import client_address

feedback = Blueprint(__name__)

_S = "chalicelib.feedback.schemas:"
THANKS = "Merci, votre réponse est enregistrée."

operation(
    "POST",
    "/feedback/chat",
    summary="Répondre au questionnaire après une conversation terminée",
    tag="avis",
    request=_S + "ChatSurveyIn",
    response=_S + "Recorded",
    status=201,
    errors=("not_found", "conflict"),
)


@feedback.route("/feedback/chat", methods=["POST"])
@guarded
def answer_chat_survey() -> Response:
    """One survey per closed conversation, proven by the citizen's resume token."""
    from chalicelib.feedback import surveys
    from chalicelib.feedback.schemas import ChatSurveyIn, Recorded

    surveys.answer_chat_survey(read_body(feedback.current_request, ChatSurveyIn))
    return json_response(Recorded(status="enregistre", message=THANKS), 201)


operation(
    "POST",
    "/feedback/non-users",
    summary="Questionnaire pour les personnes qui n'ont jamais utilisé le service",
    tag="avis",
    request=_S + "NonUserSurveyIn",
    response=_S + "Recorded",
    status=201,
    errors=("rate_limited",),
)


@feedback.route("/feedback/non-users", methods=["POST"])
@guarded
def answer_non_user_survey() -> Response:
    """« Auriez-vous souhaité faire vos démarches en ligne ? Jusqu'où ? »"""
    from chalicelib.feedback import surveys
    from chalicelib.feedback.schemas import NonUserSurveyIn, Recorded

    request = feedback.current_request
    surveys.answer_non_user_survey(read_body(request, NonUserSurveyIn), client_address(request))
    return json_response(Recorded(status="enregistre", message=THANKS), 201)


operation(
    "POST",
    "/feedback/volunteers",
    summary="S'inscrire comme volontaire pour les ateliers",
    tag="avis",
    request=_S + "VolunteerIn",
    response=_S + "Recorded",
    status=201,
    errors=("rate_limited",),
)


@feedback.route("/feedback/volunteers", methods=["POST"])
@guarded
def sign_up_volunteer() -> Response:
    """Name, contact, availability and explicit consent; kept 90 days."""
    from chalicelib.feedback import volunteers
    from chalicelib.feedback.schemas import Recorded, VolunteerIn

    request = feedback.current_request
    volunteers.sign_up(read_body(request, VolunteerIn), client_address(request))
    return json_response(
        Recorded(
            status="enregistre",
            message="Merci ! Nous vous contacterons pour le prochain atelier.",
        ),
        201,
    )


operation(
    "GET",
    "/officer/volunteers",
    summary="Volontaires des ateliers (superviseurs)",
    tag="policiers",
    query=_S + "PageQuery",
    response=_S + "VolunteerPage",
    auth=True,
)


@feedback.route("/officer/volunteers", methods=["GET"], authorizer=officer_auth)
@guarded
def list_volunteers() -> Response:
    """Volunteers still within their 90 days, newest first; supervisors only."""
    from chalicelib.feedback import volunteers
    from chalicelib.feedback.schemas import PageQuery, VolunteerPage

    request = feedback.current_request
    officer = current_officer(request)
    query = read_query(request, PageQuery)
    items, next_cursor = volunteers.list_volunteers(officer, query.limit, query.next)
    return json_response(VolunteerPage.model_validate({"items": items, "next": next_cursor}))


operation(
    "GET",
    "/officer/feedback/summary",
    summary="Résultats agrégés des questionnaires et des signalements (superviseurs)",
    tag="policiers",
    query=_S + "SummaryQuery",
    response=_S + "FeedbackSummary",
    auth=True,
)


@feedback.route("/officer/feedback/summary", methods=["GET"], authorizer=officer_auth)
@guarded
def feedback_summary() -> Response:
    """Aggregates from the daily counters: survey answers, volunteers, reports by kind/status."""
    from chalicelib.feedback import surveys
    from chalicelib.feedback.schemas import FeedbackSummary, SummaryQuery

    request = feedback.current_request
    require_supervisor(current_officer(request))
    query = read_query(request, SummaryQuery)
    return json_response(FeedbackSummary.model_validate(surveys.summary(query.days)))
