"""Public chat routes: live status for the site, transcript download with the resume token."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.http import guarded, json_response
from chalicelib.api.openapi import operation
from chalicelib.errors import InvalidInput

chat_api = Blueprint(__name__)

TOKEN_HEADER = "x-resume-token"  # noqa: S105 - a header name, not a secret

operation(
    "GET",
    "/status",
    summary="Disponibilité du chat (policiers en ligne, attente)",
    tag="chat",
    response="chalicelib.chat.schemas:PublicStatus",
)


@chat_api.route("/status", methods=["GET"], cors=True)
@guarded
def public_status() -> Response:
    """Officers online, people waiting and the estimated wait, for the site's home page."""
    from chalicelib.chat.queue import estimate_seconds, mean_handle_seconds
    from chalicelib.models import conversation as conversations
    from chalicelib.models import officer as officers

    online = officers.online_count()
    waiting = conversations.waiting_count()
    return json_response(
        {
            "open": online > 0,
            "officers_online": online,
            "waiting": waiting,
            "estimated_wait_seconds": estimate_seconds(waiting, online, mean_handle_seconds()),
        },
        headers={"Cache-Control": "max-age=10"},
    )


operation(
    "GET",
    "/conversations/{conversation_id}/transcript",
    summary="Transcription en texte brut (jeton de reprise dans X-Resume-Token)",
    tag="chat",
    content_type="text/plain",
    errors=("not_found",),
    headers=(("X-Resume-Token", "jeton de reprise de la conversation"),),
)


@chat_api.route("/conversations/{conversation_id}/transcript", methods=["GET"])
@guarded
def transcript(conversation_id: str) -> Response:
    """The plain-text transcript; the token travels in a header, never in the URL."""
    from chalicelib.chat.access import transcript as build

    request = chat_api.current_request
    token = str(request.headers.get(TOKEN_HEADER) or "")
    if len(conversation_id) > 64:
        raise InvalidInput("Identifiant trop long.", field="conversation_id")
    text = build(conversation_id, token)
    return Response(
        body=text,
        status_code=200,
        headers={
            "Content-Type": "text/plain; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Disposition": 'attachment; filename="conversation.txt"',
        },
    )
