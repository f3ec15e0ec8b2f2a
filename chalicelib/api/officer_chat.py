"""Officer chat routes (Cognito JWT): queue, history, one conversation, colleagues, canned."""

from __future__ import annotations

from chalicelib.api.routes import Routes
from chalicelib.auth import OfficerIdentity
from chalicelib.chat import schemas
from chalicelib.errors import InvalidInput
from chalicelib.reports.schemas import DealReportIn

officer_chat = Routes(__name__, tag="officer", officer=True)


@officer_chat.get("/officer/queue", summary="File d'attente")
def officer_queue() -> schemas.QueueState:
    """The waiting queue as officers see it: counts, oldest wait, the first conversations."""
    from chalicelib.chat.queue import queue_summary

    return schemas.QueueState.model_validate(queue_summary())


@officer_chat.get("/officer/conversations", summary="Historique des conversations d'un jour")
def officer_history(query: schemas.HistoryQuery, officer: OfficerIdentity) -> schemas.HistoryPage:
    """Conversations created on a day (default today), newest first, paginated by key:
    all of them for supervisors, the ones they handled for other officers."""
    from chalicelib.chat import records

    reader = None if officer.is_supervisor else officer.officer_id
    page = records.conversations_of_day(query.day, query.limit, query.next, reader)
    return schemas.HistoryPage.model_validate(page)


@officer_chat.get(
    "/officer/conversations/{conversation_id}",
    summary="Une conversation et ses messages (pagination par numéro)",
    errors=("not_found",),
)
def officer_conversation(
    conversation_id: str, query: schemas.MessagesQuery, officer: OfficerIdentity
) -> schemas.ConversationDetail:
    """One conversation, its links, history and internal notes, and a page of its messages:
    any for supervisors, one they handled for other officers (404 otherwise)."""
    from chalicelib.chat import records

    reader = None if officer.is_supervisor else officer.officer_id
    found = records.conversation_file(conversation_id, query.after, query.limit, reader)
    return schemas.ConversationDetail.model_validate(found)


@officer_chat.post(
    "/officer/conversations/{conversation_id}/report",
    summary="Signaler un point de deal depuis une conversation sur les stupéfiants",
    status=201,
    errors=("not_found", "conflict"),
)
def report_from_conversation(
    conversation_id: str, body: DealReportIn, officer: OfficerIdentity
) -> schemas.ReportFromChat:
    """A point_de_deal report in the triage queue, linked both ways to the conversation
    (one per conversation; officers: a conversation they handled)."""
    from chalicelib.chat import records
    from chalicelib.reports.intake import file_for_officer

    records.check_reportable(conversation_id, officer)
    report_id = file_for_officer(body, conversation_id)
    records.mark_reported(conversation_id, officer.officer_id, report_id)
    return schemas.ReportFromChat(report_id=report_id, conversation_id=conversation_id)


@officer_chat.get("/officer/officers", summary="Policiers en ligne ou en pause (transfert)")
def officer_colleagues() -> schemas.OfficerList:
    """Officers online or away, with their load, to transfer a conversation to."""
    from chalicelib.chat import records

    return schemas.OfficerList.model_validate({"items": records.colleagues()})


@officer_chat.get("/officer/canned", summary="Réponses types")
def canned_list() -> schemas.CannedList:
    """Every canned response, by title."""
    from chalicelib.chat import canned

    return schemas.CannedList.model_validate({"items": canned.list_all()})


@officer_chat.post(
    "/officer/canned", summary="Créer une réponse type (superviseurs)", status=201, supervisor=True
)
def canned_create(body: schemas.CannedIn, officer: OfficerIdentity) -> schemas.CannedOut:
    """A new canned response."""
    return _save_canned(None, body, officer)


@officer_chat.put(
    "/officer/canned/{canned_id}",
    summary="Modifier une réponse type",
    errors=("not_found",),
    supervisor=True,
)
def canned_update(
    canned_id: str, body: schemas.CannedIn, officer: OfficerIdentity
) -> schemas.CannedOut:
    """Replace a canned response."""
    if len(canned_id) > 64:
        raise InvalidInput("Identifiant trop long.", field="canned_id")
    return _save_canned(canned_id, body, officer)


def _save_canned(
    canned_id: str | None, body: schemas.CannedIn, officer: OfficerIdentity
) -> schemas.CannedOut:
    from chalicelib.chat import canned

    link = body.link
    saved = canned.save(
        canned_id,
        body.title,
        body.text,
        link.label if link else None,
        link.url if link else None,
        officer.username,
    )
    return schemas.CannedOut.model_validate(saved)


@officer_chat.delete(
    "/officer/canned/{canned_id}",
    summary="Supprimer une réponse type",
    status=204,
    errors=("not_found",),
    supervisor=True,
)
def canned_delete(canned_id: str) -> None:
    """Delete a canned response."""
    from chalicelib.chat import canned

    canned.delete(canned_id)


@officer_chat.get(
    "/officer/stats/chat", summary="Tableau de bord du chat (superviseurs)", supervisor=True
)
def chat_stats(query: schemas.StatsQuery) -> schemas.ChatDashboard:
    """Per-day chat figures from the daily counters (one Query), supervisors only."""
    from chalicelib.stats.chat import dashboard

    return schemas.ChatDashboard.model_validate(dashboard(query.days))


@officer_chat.get(
    "/officer/stats/officers",
    summary="Policiers en service maintenant (superviseurs)",
    supervisor=True,
)
def officers_now() -> schemas.OfficersNow:
    """Each officer online or away: presence, load, longest wait for an answer."""
    from chalicelib.stats.chat import officers_now as read

    return schemas.OfficersNow.model_validate({"items": read()})
