"""What counts as urgent: an urgent topic, or words that say someone is in danger now."""

from __future__ import annotations

import re
import unicodedata

from chalicelib.vocabulary import URGENT_TOPICS

# Words that mean someone may be in danger now (matched without accents, as whole words).
_EMERGENCY = [
    r"danger",
    r"urgence",
    r"urgent",
    r"au secours",
    r"a l ?aide",
    r"aidez[- ]moi",
    r"il me frappe",
    r"elle me frappe",
    r"me frapp\w*",
    r"me tuer",
    r"va me tuer",
    r"menace de mort",
    r"suicid\w*",
    r"me suicider",
    r"arme",
    r"couteau",
    r"viol\w*",
    r"enferme\w*",
    r"sequestr\w*",
    r"il est chez moi",
    r"battu\w*",
    r"bless\w*",
]
_EMERGENCY_RE = re.compile(r"\b(" + "|".join(_EMERGENCY) + r")\b")

EMERGENCY_MESSAGE = (
    "Si vous êtes en danger maintenant, appelez le 17 (police secours) ou le 112. "
    "Si vous ne pouvez pas parler, envoyez un SMS au 114. "
    "Violences conjugales : 3919 (gratuit, anonyme, 24 h/24). "
    "Un policier va vous répondre en priorité."
)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("'", " ")


def has_emergency_words(text: str | None) -> bool:
    """True when a message suggests someone is in danger now."""
    return bool(text) and bool(_EMERGENCY_RE.search(_plain(text or "")))


def is_urgent(topic: str, first_message: str | None) -> bool:
    """Urgent conversations go ahead of the others in the queue."""
    return topic in URGENT_TOPICS or has_emergency_words(first_message)
