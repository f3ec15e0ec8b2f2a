"""What a citizen's resume token opens, outside the socket: transcript and survey."""

from __future__ import annotations

from chalicelib.chat.lifecycle import authenticate
from chalicelib.clock import display_time
from chalicelib.errors import Conflict
from chalicelib.models import conversation as conversations
from chalicelib.models.conversation import Conversation
from chalicelib.vocabulary import TOPICS, label, outcome_label

SPEAKERS = {"citizen": "Vous", "officer": "Policier", "system": "Information"}


class SurveyNotOpen(Conflict):
    code = "conversation_not_closed"
    default_message = "Le questionnaire s'ouvre à la fin de la conversation."


def closed_conversation_for_survey(conversation_id: str, token: str) -> Conversation:
    """The closed conversation a survey answers (token checked), or an error without hint."""
    conversation = authenticate(conversation_id, token)
    if conversation.status not in ("closed", "abandoned", "cancelled"):
        raise SurveyNotOpen()
    return conversation


def transcript(conversation_id: str, token: str) -> str:
    """The plain-text transcript a citizen may download while retention lasts (times UTC)."""
    conversation = authenticate(conversation_id, token)
    lines = [
        "moncommissariat — transcription de votre conversation",
        f"Sujet : {label(TOPICS, conversation.topic)}",
        f"Commencée le {display_time(float(conversation.created_at))} (heure UTC)",
        "",
    ]
    after = 0
    while True:
        page, more = conversations.message_page(conversation_id, after, 200)
        for message in page:
            after = int(message.seq)
            if message.kind == "void":
                continue
            speaker = SPEAKERS.get(message.sender, message.sender)
            lines.append(f"[{display_time(float(message.sent_at))}] {speaker} : {message.text}")
        if not more:
            break
    if conversation.outcome:
        lines += ["", f"Orientation : {outcome_label(conversation.outcome)}"]
        for link in conversation.link_list():
            lines.append(f"- {link.get('label', '')} : {link.get('url', '')}")
    lines += ["", "En cas d'urgence : 17 ou 112 — par SMS : 114."]
    return "\n".join(lines) + "\n"
