"""What a citizen can talk about, how an officer can close, and what counts as urgent."""

from __future__ import annotations

import re
import unicodedata

TOPICS: dict[str, str] = {
    "vol": "Vol / cambriolage",
    "escroquerie": "Escroquerie / arnaque en ligne",
    "violences": "Violences (conjugales, sexuelles)",
    "stupefiants": "Stupéfiants",
    "demarches": "Démarches administratives",
    "autre": "Autre",
}

# Orientation outcomes an officer closes a conversation with.
OUTCOMES: dict[str, str] = {
    "commissariat": "Se rendre au commissariat",
    "plainte_en_ligne": "Plainte ou pré-plainte en ligne",
    "perceval": "Perceval (fraude à la carte bancaire)",
    "thesee": "THESEE (escroquerie en ligne)",
    "pharos": "PHAROS (contenu illicite en ligne)",
    "cybermalveillance": "17Cyber / cybermalveillance.gouv.fr",
    "arretonslesviolences": "arretonslesviolences.gouv.fr",
    "urgence": "Urgence : 17 / 112",
    "information": "Information donnée",
    "autre": "Autre",
}

# Outcomes the system records itself.
SYSTEM_OUTCOMES: dict[str, str] = {
    "fin_citoyen": "Conversation terminée par la personne",
    "abandon": "Personne déconnectée",
}

URGENT_TOPICS = frozenset({"violences"})

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


def outcome_label(outcome: str) -> str:
    return OUTCOMES.get(outcome) or SYSTEM_OUTCOMES.get(outcome, outcome)
