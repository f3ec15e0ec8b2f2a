"""What a citizen's resume token (or short code) opens outside the socket: the transcript and
the survey.

The transcript is meant to be brought to a commissariat: every moment in Paris time with its
date, links absolute (a site path is written on ``SITE_URL``), a reference an officer can find
the conversation by, the orientation given and who answered (a label, never a name). The
widget renders it as a printable page (print CSS: the browser's « Enregistrer au format PDF »
makes the PDF); the same record is offered as a text file.
"""

from __future__ import annotations

from typing import Any

from chalicelib.chat import codes
from chalicelib.chat.lifecycle import authenticate
from chalicelib.clock import display_time, local_iso, local_time, moment_text
from chalicelib.config import settings
from chalicelib.errors import Conflict
from chalicelib.models import conversation as conversations
from chalicelib.models.conversation import Conversation
from chalicelib.vocabulary import TOPICS, label, outcome_label

OFFICER_LABEL = "Policier"  # as in the `assigned` frame: a label, never a name
SPEAKERS = {"citizen": "Vous", "officer": OFFICER_LABEL, "system": "Information"}
SERVICE = "moncommissariat — le commissariat en ligne"
EMERGENCY = "En cas d'urgence : 17 ou 112 — par SMS : 114."
STATUS_TEXT = {
    "waiting": "en attente d'un policier",
    "active": "en cours",
    "closed": "terminée",
    "cancelled": "annulée",
    "abandoned": "terminée après une déconnexion",
}


class SurveyNotOpen(Conflict):
    code = "conversation_not_closed"
    default_message = "Le questionnaire s'ouvre à la fin de la conversation."


def closed_conversation_for_survey(conversation_id: str, token: str) -> Conversation:
    """The closed conversation a survey answers (token checked), or an error without hint."""
    conversation = authenticate(conversation_id, token)
    if conversation.status not in ("closed", "abandoned", "cancelled"):
        raise SurveyNotOpen()
    return conversation


def opened(conversation_id: str, token: str, code: str, client: str) -> Conversation:
    """The conversation a resume token, or a short code (counted per ``client``), opens; the
    same ConversationNotFound for anything wrong."""
    if not token and code:
        opened_id, token = codes.open_with(code, client)
        if opened_id != conversation_id:
            token = ""  # another conversation's code: refused below, like a wrong token
    return authenticate(conversation_id, token)


def reference(conversation: Conversation) -> str:
    """What an officer finds the conversation by: « MC-20251224-3F2A9C »: its day (Paris
    time) and the start of its id."""
    day = local_time(float(conversation.created_at)).strftime("%Y%m%d")
    return f"MC-{day}-{conversation.conversation_id[:6].upper()}"


def absolute(url: str) -> str:
    """A site path written on the site's address (``SITE_URL``), any other URL as it is."""
    base = settings().site_url.rstrip("/")
    if base and url.startswith("/") and not url.startswith("//"):
        return base + url
    return url


def record(conversation: Conversation) -> dict[str, Any]:
    """The transcript as data: what the printable page and the text file both show."""
    messages: list[dict[str, Any]] = []
    after = 0
    while True:
        page, more = conversations.message_page(conversation.conversation_id, after, 200)
        for message in page:
            after = int(message.seq)
            if message.kind == "void":
                continue
            at = float(message.sent_at)
            messages.append(
                {
                    "seq": int(message.seq),
                    "sender": message.sender,
                    "speaker": SPEAKERS.get(message.sender, SPEAKERS["system"]),
                    "at": local_iso(at),
                    "time": display_time(at),
                    "text": message.text or "",
                }
            )
        if not more:
            break
    closed_at = float(conversation.closed_at) if conversation.closed_at else None
    return {
        "service": SERVICE,
        "reference": reference(conversation),
        "topic": label(TOPICS, conversation.topic),
        "status": STATUS_TEXT.get(conversation.status, conversation.status),
        "started": moment_text(float(conversation.created_at), year=True),
        "ended": moment_text(closed_at, year=True) if closed_at else None,
        "time_zone": "heure de Paris",
        "officer": OFFICER_LABEL if conversation.first_assigned_at else None,
        "outcome": conversation.outcome,
        "outcome_label": outcome_label(conversation.outcome) if conversation.outcome else None,
        "links": [
            {"label": str(link.get("label", "")), "url": absolute(str(link.get("url", "")))}
            for link in conversation.link_list()
        ],
        "messages": messages,
        "emergency": EMERGENCY,
    }


def text(data: dict[str, Any]) -> str:
    """The transcript record as a plain-text file (links absolute, Paris time)."""
    lines = [
        f"{data['service']} — transcription de votre conversation",
        f"Référence : {data['reference']}",
        f"Sujet : {data['topic']}",
        f"Commencée le {data['started']} ({data['time_zone']})",
    ]
    if data["ended"]:
        lines.append(f"Terminée le {data['ended']}")
    if data["officer"]:
        lines.append(f"Réponses : {data['officer']} du commissariat en ligne")
    lines.append("")
    for message in data["messages"]:
        lines.append(f"[{message['time']}] {message['speaker']} : {message['text']}")
    if data["outcome_label"]:
        lines += ["", f"Orientation : {data['outcome_label']}"]
    for link in data["links"]:
        lines.append(f"- {link['label']} : {link['url']}")
    lines += ["", f"Heures indiquées : {data['time_zone']}.", data["emergency"]]
    return "\n".join(lines) + "\n"


def transcript(conversation_id: str, token: str, code: str = "", client: str = "") -> str:
    """The plain-text transcript a citizen may download while retention lasts."""
    return text(record(opened(conversation_id, token, code, client)))


def transcript_record(
    conversation_id: str, token: str, code: str = "", client: str = ""
) -> dict[str, Any]:
    """The transcript as data, for the printable page."""
    return record(opened(conversation_id, token, code, client))
