"""Canned responses (réponses types): read by every officer, managed by supervisors."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.clock import now
from chalicelib.errors import NotFound
from chalicelib.models import officer as officers
from chalicelib.models.officer import TEAM, CannedResponse


class CannedNotFound(NotFound):
    code = "not_found"
    default_message = "Réponse type introuvable."


def as_dict(item: CannedResponse) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": item.canned_id,
        "title": item.title,
        "text": item.text,
        "updated_at": float(item.updated_at),
    }
    if item.link_url:
        body["link"] = {"label": item.link_label or item.title, "url": item.link_url}
    return body


def list_all() -> list[dict[str, Any]]:
    """Every canned response, sorted by title."""
    return sorted(
        (as_dict(item) for item in officers.canned_list()),
        key=lambda item: str(item["title"]).lower(),
    )


def save(
    canned_id: str | None,
    title: str,
    text: str,
    link_label: str | None,
    link_url: str | None,
    by: str,
) -> dict[str, Any]:
    """Create (no id) or replace a canned response."""
    if canned_id is not None and officers.canned_get(canned_id) is None:
        raise CannedNotFound()
    item = CannedResponse(
        TEAM,
        canned_id or uuid.uuid4().hex[:12],
        title=title,
        text=text,
        link_label=link_label,
        link_url=link_url,
        updated_by=by,
        updated_at=now(),
    )
    item.save()
    return as_dict(item)


def delete(canned_id: str) -> None:
    item = officers.canned_get(canned_id)
    if item is None:
        raise CannedNotFound()
    item.delete()
