"""Officer chat routes (Cognito JWT): queue, history, one conversation, colleagues, canned."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api import cursor
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
from chalicelib.errors import InvalidInput

officer_chat = Blueprint(__name__)
S = "chalicelib.chat.schemas"

operation(
    "GET",
    "/officer/queue",
    summary="File d'attente",
    tag="officer",
    auth=True,
    response=f"{S}:QueueState",
)


@officer_chat.route("/officer/queue", methods=["GET"], authorizer=officer_auth)
@guarded
def officer_queue() -> Response:
    from chalicelib.chat.queue import queue_summary

    summary: dict[str, object] = dict(queue_summary())
    summary.pop("type")
    return json_response(summary)


operation(
    "GET",
    "/officer/conversations",
    summary="Historique des conversations d'un jour",
    tag="officer",
    auth=True,
    query=f"{S}:HistoryQuery",
    response=f"{S}:HistoryPage",
)


@officer_chat.route("/officer/conversations", methods=["GET"], authorizer=officer_auth)
@guarded
def officer_history() -> Response:
    """Conversations created on a day (default today), newest first, paginated by key."""
    from chalicelib.chat.schemas import HistoryQuery
    from chalicelib.clock import day_of
    from chalicelib.models import conversation as conversations

    request = officer_chat.current_request
    current_officer(request)
    query = read_query(request, HistoryQuery)
    day = query.day or day_of()
    items, last = conversations.created_on(day, query.limit, cursor.decode(query.cursor))
    rows = [
        {
            "conversation_id": c.conversation_id,
            "status": c.status,
            "topic": c.topic,
            "urgent": bool(c.urgent),
            "created_at": float(c.created_at),
            "officer_id": c.officer_id,
            "outcome": c.outcome,
            "closed_at": float(c.closed_at) if c.closed_at else None,
            "messages": int(c.last_seq or 0),
        }
        for c in items
    ]
    return json_response({"day": day, "items": rows, "next": cursor.encode(last)})


operation(
    "GET",
    "/officer/conversations/{conversation_id}",
    summary="Une conversation et ses messages (pagination par numéro)",
    tag="officer",
    auth=True,
    query=f"{S}:MessagesQuery",
    response=f"{S}:ConversationDetail",
    errors=("not_found",),
)


@officer_chat.route(
    "/officer/conversations/{conversation_id}", methods=["GET"], authorizer=officer_auth
)
@guarded
def officer_conversation(conversation_id: str) -> Response:
    from chalicelib.chat.errors import ConversationNotFound
    from chalicelib.chat.schemas import MessagesQuery
    from chalicelib.models import conversation as conversations

    request = officer_chat.current_request
    current_officer(request)
    query = read_query(request, MessagesQuery)
    conversation = conversations.get(conversation_id) if len(conversation_id) <= 64 else None
    if conversation is None:
        raise ConversationNotFound()
    page, more = conversations.message_page(conversation_id, query.after, query.limit)
    messages = [
        {
            "seq": int(m.seq),
            "kind": m.kind,
            "sender": m.sender,
            "text": m.text or "",
            "sent_at": float(m.sent_at),
        }
        for m in page
        if m.kind != "void"
    ]
    links: Any = conversation.links or []
    history: Any = conversation.history or []
    return json_response(
        {
            "conversation_id": conversation_id,
            "status": conversation.status,
            "topic": conversation.topic,
            "urgent": bool(conversation.urgent),
            "created_at": float(conversation.created_at),
            "officer_id": conversation.officer_id,
            "outcome": conversation.outcome,
            "links": [_plain(link) for link in links],
            "history": [_plain(event) for event in history],
            "messages": messages,
            "next_after": int(page[-1].seq) if more and page else None,
        }
    )


def _plain(value: Any) -> dict[str, Any]:
    return dict(value.as_dict() if hasattr(value, "as_dict") else value)


operation(
    "GET",
    "/officer/officers",
    summary="Policiers en ligne ou en pause (transfert)",
    tag="officer",
    auth=True,
    response=f"{S}:OfficerList",
)


@officer_chat.route("/officer/officers", methods=["GET"], authorizer=officer_auth)
@guarded
def officer_colleagues() -> Response:
    from chalicelib.models import officer as officers

    current_officer(officer_chat.current_request)
    items = []
    for officer_id in officers.with_presence():
        officer = officers.get(officer_id)
        if officer is not None:
            items.append(
                {
                    "officer_id": officer.officer_id,
                    "username": officer.username,
                    "status": officer.status,
                    "active_count": int(officer.active_count),
                    "capacity": int(officer.capacity),
                }
            )
    return json_response({"items": items})


operation(
    "GET",
    "/officer/canned",
    summary="Réponses types",
    tag="officer",
    auth=True,
    response=f"{S}:CannedList",
)


@officer_chat.route("/officer/canned", methods=["GET"], authorizer=officer_auth)
@guarded
def canned_list() -> Response:
    from chalicelib.chat import canned

    current_officer(officer_chat.current_request)
    return json_response({"items": canned.list_all()})


operation(
    "POST",
    "/officer/canned",
    summary="Créer une réponse type (superviseurs)",
    tag="officer",
    auth=True,
    request=f"{S}:CannedIn",
    response=f"{S}:CannedOut",
    status=201,
)


@officer_chat.route("/officer/canned", methods=["POST"], authorizer=officer_auth)
@guarded
def canned_create() -> Response:
    return _save_canned(None)


operation(
    "PUT",
    "/officer/canned/{canned_id}",
    summary="Modifier une réponse type",
    tag="officer",
    auth=True,
    request=f"{S}:CannedIn",
    response=f"{S}:CannedOut",
    errors=("not_found",),
)


@officer_chat.route("/officer/canned/{canned_id}", methods=["PUT"], authorizer=officer_auth)
@guarded
def canned_update(canned_id: str) -> Response:
    return _save_canned(canned_id)


def _save_canned(canned_id: str | None) -> Response:
    from chalicelib.chat import canned
    from chalicelib.chat.schemas import CannedIn

    request = officer_chat.current_request
    officer = current_officer(request)
    require_supervisor(officer)
    if canned_id is not None and len(canned_id) > 64:
        raise InvalidInput("Identifiant trop long.", field="canned_id")
    body = read_body(request, CannedIn)
    saved = canned.save(
        canned_id,
        body.title,
        body.text,
        body.link.label if body.link else None,
        body.link.url if body.link else None,
        officer.username,
    )
    return json_response(saved, 201 if canned_id is None else 200)


operation(
    "DELETE",
    "/officer/canned/{canned_id}",
    summary="Supprimer une réponse type",
    tag="officer",
    auth=True,
    status=204,
    errors=("not_found",),
)


@officer_chat.route("/officer/canned/{canned_id}", methods=["DELETE"], authorizer=officer_auth)
@guarded
def canned_delete(canned_id: str) -> Response:
    from chalicelib.chat import canned

    officer = current_officer(officer_chat.current_request)
    require_supervisor(officer)
    canned.delete(canned_id)
    return Response(body="", status_code=204)


operation(
    "GET",
    "/officer/stats/chat",
    summary="Tableau de bord du chat (superviseurs)",
    tag="officer",
    auth=True,
    query=f"{S}:StatsQuery",
    response=f"{S}:ChatDashboard",
)


@officer_chat.route("/officer/stats/chat", methods=["GET"], authorizer=officer_auth)
@guarded
def chat_stats() -> Response:
    """Per-day chat figures from the daily counters (one Query), supervisors only."""
    from chalicelib.chat.schemas import StatsQuery
    from chalicelib.stats.chat import dashboard

    request = officer_chat.current_request
    require_supervisor(current_officer(request))
    query = read_query(request, StatsQuery)
    return json_response(dashboard(query.days))
