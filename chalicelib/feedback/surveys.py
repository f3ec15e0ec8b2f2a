"""Surveys: after a chat (one per closed conversation), and for people who never used the
service; their answers are counted in the ``survey`` daily counters for the console.

The conversation belongs to the chat domain: whether a conversation is closed
and whether the token is its citizen's is answered by
``chalicelib.chat.access.closed_conversation_for_survey``. Were that module
missing, every post-chat survey would be refused as NotFound (fail closed).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.clock import iso_time, now
from chalicelib.config import settings
from chalicelib.errors import Conflict, NotFound
from chalicelib.models import ratelimit
from chalicelib.models.feedback import (
    SURVEY_SK,
    ChatSurvey,
    NonUserSurvey,
    chat_survey_pk,
    save_chat_survey,
    save_non_user_survey,
)
from chalicelib.stats.counters import daily, record
from chalicelib.vocabulary import (
    CHAT_QUESTIONS,
    HOW_FAR,
    NON_USER_QUESTIONS,
    REPORT_KINDS,
    REPORT_STATUSES,
    SURVEY_ANSWERS,
    WANTED_ONLINE,
)

if TYPE_CHECKING:
    from chalicelib.feedback.schemas import ChatSurveyIn, NonUserSurveyIn

TOO_MANY_ANSWERS = "Vous avez envoyé beaucoup de réponses en peu de temps. Réessayez plus tard."


def verify_closed_conversation(conversation_id: str, token: str) -> None:
    """The chat domain's verdict: NotFound (unknown, or not this citizen's token) or
    Conflict (not closed yet). Refuses everything if the chat module cannot be imported."""
    try:
        from chalicelib.chat.access import closed_conversation_for_survey
    except ImportError as error:
        raise NotFound("Conversation introuvable.") from error
    closed_conversation_for_survey(conversation_id, token)


def answer_chat_survey(survey: ChatSurveyIn) -> None:
    """Record the survey of a closed conversation, once; Conflict on a second answer."""
    verify_closed_conversation(survey.conversation_id, survey.token)
    at = now()
    stored = ChatSurvey(
        chat_survey_pk(survey.conversation_id),
        SURVEY_SK,
        conversation_id=survey.conversation_id,
        found_easily=survey.found_easily,
        understood=survey.understood,
        found_service=survey.found_service,
        rating=survey.rating,
        comment=survey.comment.strip() if survey.comment else None,
        created_at=iso_time(at),
        ttl=int(at) + settings().survey_retention_days * 86400,
    )
    if not save_chat_survey(stored):
        raise Conflict("Vous avez déjà répondu au questionnaire de cette conversation. Merci !")
    record(
        "survey",
        {
            "chat.responses": 1,
            f"chat.found_easily.{survey.found_easily}": 1,
            f"chat.understood.{survey.understood}": 1,
            f"chat.found_service.{survey.found_service}": 1,
            f"chat.rating.{survey.rating}": 1,
            "chat.rating_sum": survey.rating,
        },
    )


def limit_anonymous_client(client: str, message: str) -> None:
    """Count one anonymous write (non-user survey, volunteer sign-up) of ``client``; one
    limit covers both, so switching forms does not double the allowance."""
    conf = settings()
    ratelimit.enforce(
        "feedback-client",
        client,
        conf.feedback_per_client_per_window,
        conf.rate_window_seconds,
        message,
    )


def answer_non_user_survey(survey: NonUserSurveyIn, client: str) -> None:
    """Record one answer of someone who never used the service (rate-limited per client)."""
    limit_anonymous_client(client, TOO_MANY_ANSWERS)
    conf = settings()
    at = now()
    save_non_user_survey(
        NonUserSurvey(
            f"nonuser#{secrets.token_hex(12)}",
            SURVEY_SK,
            wanted_online=survey.wanted_online,
            how_far=list(survey.how_far),
            comment=survey.comment.strip() if survey.comment else None,
            created_at=iso_time(at),
            ttl=int(at) + conf.survey_retention_days * 86400,
        )
    )
    deltas: dict[str, int | float] = {
        "nonusers.responses": 1,
        f"nonusers.wanted.{survey.wanted_online}": 1,
    }
    deltas.update({f"nonusers.how_far.{choice}": 1 for choice in survey.how_far})
    record("survey", deltas)


def _int(values: dict[str, float], name: str) -> int:
    return int(values.get(name, 0))


def summary(days: int) -> dict[str, Any]:
    """Survey answers, volunteers and reports over the last ``days`` days, from the daily
    counters (two Queries: ``survey`` and ``reports``), shaped like FeedbackSummary."""
    survey_days = daily("survey", days)
    report_days = daily("reports", days)
    survey: dict[str, float] = {}
    reports: dict[str, float] = {}
    for values in survey_days.values():
        for name, value in values.items():
            survey[name] = survey.get(name, 0) + value
    for values in report_days.values():
        for name, value in values.items():
            reports[name] = reports.get(name, 0) + value
    responses = _int(survey, "chat.responses")
    rating_sum = survey.get("chat.rating_sum", 0)
    last = datetime.fromtimestamp(now(), tz=UTC).date()
    return {
        "first_day": (last - timedelta(days=days - 1)).isoformat(),
        "last_day": last.isoformat(),
        "chat": {
            "responses": responses,
            "questions": {
                question: {
                    answer: _int(survey, f"chat.{question}.{answer}") for answer in SURVEY_ANSWERS
                }
                for question in CHAT_QUESTIONS
            },
            "labels": dict(CHAT_QUESTIONS),
            "rating": {
                "average": round(rating_sum / responses, 2) if responses else None,
                "distribution": {str(n): _int(survey, f"chat.rating.{n}") for n in range(1, 6)},
            },
        },
        "non_users": {
            "responses": _int(survey, "nonusers.responses"),
            "wanted_online": {v: _int(survey, f"nonusers.wanted.{v}") for v in WANTED_ONLINE},
            "how_far": {v: _int(survey, f"nonusers.how_far.{v}") for v in HOW_FAR},
            "labels": {"wanted_online": NON_USER_QUESTIONS["wanted_online"], **HOW_FAR},
        },
        "volunteers": _int(survey, "volunteers.signups"),
        "reports": {
            "received": _int(reports, "received"),
            "by_kind": {kind: _int(reports, f"received.{kind}") for kind in REPORT_KINDS},
            "entered_status": {
                status: _int(reports, f"entered.{status}") for status in REPORT_STATUSES
            },
        },
        "daily": [
            {
                "day": day,
                "reports_received": _int(report_days.get(day, {}), "received"),
                "chat_responses": _int(values, "chat.responses"),
                "non_user_responses": _int(values, "nonusers.responses"),
                "volunteers": _int(values, "volunteers.signups"),
            }
            for day, values in survey_days.items()
        ],
    }
