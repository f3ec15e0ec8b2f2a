"""Canned responses (réponses types): read by every officer, managed by supervisors."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.clock import now
from chalicelib.errors import NotFound
from chalicelib.models import canned as store
from chalicelib.models.canned import CannedResponse


class CannedNotFound(NotFound):
    code = "not_found"
    default_message = "Réponse type introuvable."


def as_dict(item: CannedResponse) -> dict[str, Any]:
    """A canned response as the console reads it (the link only when it has one)."""
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
        (as_dict(item) for item in store.list_all()),
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
    """Create (no id) or replace a canned response; CannedNotFound for an unknown id."""
    if canned_id is not None and store.get(canned_id) is None:
        raise CannedNotFound()
    item = store.save(
        canned_id or uuid.uuid4().hex[:12],
        title=title,
        text=text,
        link_label=link_label,
        link_url=link_url,
        updated_by=by,
        updated_at=now(),
    )
    return as_dict(item)


def delete(canned_id: str) -> None:
    """Delete a canned response; CannedNotFound when there is none."""
    if not store.delete(canned_id):
        raise CannedNotFound()
