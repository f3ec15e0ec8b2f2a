"""The product's words, defined once: chat topics and outcomes, officer presence, report kinds
and statuses, survey questions and answers.

Each vocabulary is an ordered ``value -> French label`` mapping; the pydantic ``Literal``
types that validate frames and bodies are built from the same mappings, and the site build
(``static-site/sitegen/vocabulary.py``) generates what the templates and both JS apps read
from :func:`export`. Plain Python, no pydantic: the data layer and cold starts can use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

# -- chat ---------------------------------------------------------------------------------

TOPICS: dict[str, str] = {
    "vol": "Vol / cambriolage",
    "escroquerie": "Escroquerie / arnaque en ligne",
    "violences": "Violences (conjugales, sexuelles)",
    "stupefiants": "Stupéfiants",
    "demarches": "Démarches administratives",
    "autre": "Autre",
}

# A conversation on one of these topics goes ahead of the others in the queue.
URGENT_TOPICS: frozenset[str] = frozenset({"violences"})

# Orientation outcomes an officer closes a conversation with, in display order.
OUTCOMES: dict[str, str] = {
    "commissariat": "Se rendre au commissariat",
    "plainte_en_ligne": "Plainte en ligne ou Visioplainte",
    "perceval": "Perceval (fraude à la carte bancaire)",
    "thesee": "THESEE (escroquerie en ligne)",
    "pharos": "PHAROS (contenu illicite en ligne)",
    "cybermalveillance": "17Cyber / cybermalveillance.gouv.fr",
    "arretonslesviolences": "arretonslesviolences.gouv.fr",
    "urgence": "Urgence : 17 / 112",
    "information": "Information donnée",
    "autre": "Autre",
}

# Outcomes the system records itself (never chosen by an officer).
SYSTEM_OUTCOMES: dict[str, str] = {
    "fin_citoyen": "Conversation terminée par l'usager",
    "abandon": "Abandon : l'usager a quitté la conversation",
    "annule": "Demande annulée",
}

# An officer's presence in the console.
PRESENCE: dict[str, str] = {
    "online": "En ligne",
    "away": "En pause",
    "offline": "Hors ligne",
}

# -- reports ------------------------------------------------------------------------------

REPORT_KINDS: dict[str, str] = {
    "point_de_deal": "Point de deal",
    "rodeo_urbain": "Rodéo urbain",
    "maltraitance_animale": "Maltraitance animale",
    "autre_nuisance": "Autre nuisance",
}

REPORT_STATUSES: dict[str, str] = {
    "recu": "Reçu",
    "en_analyse": "En cours d'analyse",
    "transmis": "Transmis au service local",
    "cloture": "Clôturé",
}
# Every report starts here; an officer moves it to one of the others.
INITIAL_STATUS = "recu"
TARGET_STATUSES: tuple[str, ...] = tuple(s for s in REPORT_STATUSES if s != INITIAL_STATUS)
# Photos can be added while the report is still being looked at.
PHOTOS_OPEN_STATUSES: frozenset[str] = frozenset({"recu", "en_analyse"})

# Kind-specific fields of a report, as the export and the console name them.
REPORT_DETAILS: dict[str, str] = {
    "people_count": "Nombre de personnes",
    "lookouts": "Guetteurs",
    "vehicles": "Véhicules",
    "place_type": "Type de lieu",
    "vehicle_count": "Nombre de véhicules",
    "vehicle_types": "Types de véhicules",
    "at_night": "La nuit",
    "animal_type": "Animal",
    "animal_count": "Nombre d'animaux",
    "immediate_danger": "Danger immédiat",
    "nuisance": "Nuisance",
}

# -- surveys ------------------------------------------------------------------------------

# After a chat: three questions, each answered with SURVEY_ANSWERS.
CHAT_QUESTIONS: dict[str, str] = {
    "found_easily": "Nous avez-vous trouvé facilement ?",
    "understood": "Avez-vous compris nos réponses ?",
    "found_service": "Avez-vous trouvé le service que vous cherchiez ?",
}
SURVEY_ANSWERS: dict[str, str] = {"oui": "Oui", "en_partie": "En partie", "non": "Non"}

# People who never used the service.
NON_USER_QUESTIONS: dict[str, str] = {
    "wanted_online": "Auriez-vous souhaité faire vos démarches en ligne ?",
    "how_far": "Jusqu'où ?",
}
WANTED_ONLINE: dict[str, str] = {"oui": "Oui", "non": "Non", "ne_sait_pas": "Je ne sais pas"}
HOW_FAR: dict[str, str] = {
    "s_informer": "M'informer sur la démarche",
    "echanger_avec_un_policier": "Échanger avec un policier",
    "prendre_rendez_vous": "Prendre rendez-vous au commissariat",
    "deposer_plainte": "Déposer plainte (au commissariat ou en ligne)",
    "suivre_son_dossier": "Suivre mon dossier",
    "toute_la_demarche": "Faire toute la démarche en ligne",
}

# -- validation types, built from the mappings above ----------------------------------------

if TYPE_CHECKING:  # mypy sees plain strings; pydantic sees the closed sets
    Topic = str
    Outcome = str
    PresenceStatus = str
    ReportKind = str
    ReportStatus = str
    TargetStatus = str
    SurveyAnswer = str
    WantedOnline = str
    HowFar = str
else:
    Topic = Literal[tuple(TOPICS)]
    Outcome = Literal[tuple(OUTCOMES)]
    PresenceStatus = Literal[tuple(PRESENCE)]
    ReportKind = Literal[tuple(REPORT_KINDS)]
    ReportStatus = Literal[tuple(REPORT_STATUSES)]
    TargetStatus = Literal[TARGET_STATUSES]
    SurveyAnswer = Literal[tuple(SURVEY_ANSWERS)]
    WantedOnline = Literal[tuple(WANTED_ONLINE)]
    HowFar = Literal[tuple(HOW_FAR)]


def label(vocabulary: dict[str, str], value: str) -> str:
    """The French label of ``value``, or the value itself when it has none."""
    return vocabulary.get(value, value)


def outcome_label(outcome: str) -> str:
    """The label of an officer's or the system's closing outcome."""
    return OUTCOMES.get(outcome) or SYSTEM_OUTCOMES.get(outcome, outcome)


def export() -> dict[str, Any]:
    """Every vocabulary as JSON-ready data: what the site build hands to templates and JS."""
    return {
        "topics": TOPICS,
        "urgentTopics": sorted(URGENT_TOPICS),
        "outcomes": OUTCOMES,
        "systemOutcomes": SYSTEM_OUTCOMES,
        "presence": PRESENCE,
        "reportKinds": REPORT_KINDS,
        "reportStatuses": REPORT_STATUSES,
        "targetStatuses": list(TARGET_STATUSES),
        "reportDetails": REPORT_DETAILS,
        "chatQuestions": CHAT_QUESTIONS,
        "surveyAnswers": SURVEY_ANSWERS,
        "nonUserQuestions": NON_USER_QUESTIONS,
        "wantedOnline": WANTED_ONLINE,
        "howFar": HOW_FAR,
    }
