"""Workshop volunteers: sign-up with explicit consent, kept 90 days, read by supervisors only."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from chalicelib.auth import OfficerIdentity
from chalicelib.clock import iso_time, now
from chalicelib.config import settings
from chalicelib.errors import Forbidden
from chalicelib.feedback.surveys import limit_anonymous_client
from chalicelib.models.feedback import VOLUNTEERS_PK, Volunteer, save_volunteer, volunteers_page
from chalicelib.stats.counters import record

if TYPE_CHECKING:
    from chalicelib.feedback.schemas import VolunteerIn

TOO_MANY_SIGNUPS = "Vous avez envoyé beaucoup d'inscriptions en peu de temps. Réessayez plus tard."


def sign_up(volunteer: VolunteerIn, client: str) -> str:
    """Store a volunteer (consent was checked at the edge); returns their id."""
    limit_anonymous_client(client, TOO_MANY_SIGNUPS)
    conf = settings()
    at = now()
    created_at = iso_time(at)
    volunteer_id = secrets.token_hex(8)
    save_volunteer(
        Volunteer(
            VOLUNTEERS_PK,
            f"{created_at}#{volunteer_id}",
            volunteer_id=volunteer_id,
            name=volunteer.name.strip(),
            reach=volunteer.reach.strip(),
            availability=volunteer.availability.strip(),
            consent_at=created_at,
            created_at=created_at,
            ttl=int(at) + conf.personal_data_retention_days * 86400,
        )
    )
    record("survey", {"volunteers.signups": 1})
    return volunteer_id


def list_volunteers(
    officer: OfficerIdentity, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of volunteers still within their retention, for a supervisor only."""
    if not officer.is_supervisor:
        raise Forbidden("La liste des volontaires est réservée aux superviseurs.")
    items, next_cursor = volunteers_page(max(1, min(limit, settings().page_size_max)), cursor)
    return [
        {
            "volunteer_id": item.volunteer_id,
            "name": item.name,
            "reach": item.reach,
            "availability": item.availability,
            "created_at": item.created_at,
            "expires_at": iso_time(item.ttl),
        }
        for item in items
    ], next_cursor
