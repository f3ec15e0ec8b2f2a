"""Public chat routes: live status for the site, transcript download with the resume token."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib.api.http import attachment
from chalicelib.api.routes import Header, Routes
from chalicelib.chat.schemas import PublicStatus

chat_api = Routes(__name__, tag="chat")

RESUME_TOKEN = Header("X-Resume-Token", "jeton de reprise de la conversation")


@chat_api.get(
    "/status",
    summary="Disponibilité du chat (policiers en ligne, attente)",
    cors=True,
    cache_control="max-age=10",
)
def public_status() -> PublicStatus:
    """Officers online, people waiting and the estimated wait, for the site's home page."""
    from chalicelib.chat import records

    return PublicStatus.model_validate(records.public_status())


@chat_api.get(
    "/conversations/{conversation_id}/transcript",
    summary="Transcription en texte brut (jeton de reprise dans X-Resume-Token)",
    content_type="text/plain",
    errors=("not_found",),
    headers=(RESUME_TOKEN,),
)
def transcript(conversation_id: str, request: Request) -> Response:
    """The plain-text transcript; the token travels in a header, never in the URL."""
    from chalicelib.chat.access import transcript as build

    text = build(conversation_id, RESUME_TOKEN.read(request))
    return attachment(text, "text/plain", "conversation.txt")
