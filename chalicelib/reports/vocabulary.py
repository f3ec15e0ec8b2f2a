"""The words of a report: its kinds, its statuses and the moves between them.

Plain constants (no pydantic), so the data layer and the domain can use them
without paying for the edge models at import.
"""

from __future__ import annotations

import time
from typing import Literal

Kind = Literal["point_de_deal", "rodeo_urbain", "maltraitance_animale", "autre_nuisance"]
Status = Literal["recu", "en_analyse", "transmis", "cloture"]
# An officer moves a report to one of these; ``recu`` is only ever the first status.
TargetStatus = Literal["en_analyse", "transmis", "cloture"]

KINDS: tuple[Kind, ...] = (
    "point_de_deal",
    "rodeo_urbain",
    "maltraitance_animale",
    "autre_nuisance",
)
STATUSES: tuple[Status, ...] = ("recu", "en_analyse", "transmis", "cloture")
INITIAL_STATUS: Status = "recu"

KIND_LABELS: dict[str, str] = {
    "point_de_deal": "Point de deal",
    "rodeo_urbain": "Rodéo urbain",
    "maltraitance_animale": "Maltraitance animale",
    "autre_nuisance": "Autre nuisance",
}

STATUS_LABELS: dict[str, str] = {
    "recu": "Reçu",
    "en_analyse": "En cours d'analyse",
    "transmis": "Transmis au service local",
    "cloture": "Clôturé",
}

# Kind-specific fields, as the export and the console name them.
DETAIL_LABELS: dict[str, str] = {
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

# Photos can be added while the report is still being looked at.
PHOTOS_OPEN_STATUSES: frozenset[str] = frozenset({"recu", "en_analyse"})


def kind_label(kind: str) -> str:
    """The French name of a kind."""
    return KIND_LABELS.get(kind, kind)


def status_label(status: str) -> str:
    """The French name of a status, as a citizen and an officer read it."""
    return STATUS_LABELS.get(status, status)


def iso_time(at: float) -> str:
    """A moment as stored and shown: ISO 8601, UTC, to the second (``2026-05-01T08:30:00Z``)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
