"""Public chat routes: live status for the site, transcript download with the resume token."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib.api.http import attachment, client_address
from chalicelib.api.routes import Header, Routes
from chalicelib.chat.schemas import PublicStatus, Transcript
from chalicelib.errors import InvalidInput

chat_api = Routes(__name__, tag="chat")

RESUME_TOKEN = Header("X-Resume-Token", "jeton de reprise de la conversation")
RESUME_CODE = Header(
    "X-Resume-Code",
    "ou le code court de la conversation (« K7MQ2-XH9PD ») ; essais limités par client",
)


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


def _conversation_id(value: str) -> str:
    if len(value) > 64:
        raise InvalidInput("Identifiant trop long.", field="conversation_id")
    return value


@chat_api.get(
    "/conversations/{conversation_id}/transcript",
    summary="Transcription en texte brut (jeton de reprise dans X-Resume-Token, ou code court)",
    content_type="text/plain",
    errors=("not_found", "rate_limited"),
    headers=(RESUME_TOKEN, RESUME_CODE),
)
def transcript(conversation_id: str, request: Request) -> Response:
    """The plain-text transcript (Paris time, absolute links); the token or code travels in a
    header, never in the URL."""
    from chalicelib.chat.access import transcript as build

    text = build(
        _conversation_id(conversation_id),
        RESUME_TOKEN.read(request),
        RESUME_CODE.read(request),
        client_address(request),
    )
    return attachment(text, "text/plain", "conversation.txt")


@chat_api.get(
    "/conversations/{conversation_id}/transcript.json",
    summary="Transcription en données, pour la page imprimable (jeton ou code court)",
    errors=("not_found", "rate_limited"),
    headers=(RESUME_TOKEN, RESUME_CODE),
)
def transcript_record(conversation_id: str, request: Request) -> Transcript:
    """The transcript as data: reference, Paris times, orientation, absolute links."""
    from chalicelib.chat.access import transcript_record as build

    return Transcript.model_validate(
        build(
            _conversation_id(conversation_id),
            RESUME_TOKEN.read(request),
            RESUME_CODE.read(request),
            client_address(request),
        )
    )
