"""The team's canned responses (réponses types): read by every officer, managed by supervisors.

One partition per team (today one team): listing them is one Query.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import register

TEAM = "default"


@register("canned-responses")
class CannedResponse(Model):
    """A reply officers insert in one click, with an optional link for the citizen."""

    class Meta:
        table_name = "canned-responses"

    team = UnicodeAttribute(hash_key=True)
    canned_id = UnicodeAttribute(range_key=True)
    title = UnicodeAttribute()
    text = UnicodeAttribute()
    link_label = UnicodeAttribute(null=True)
    link_url = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute()
    updated_at = NumberAttribute()


def list_all() -> list[CannedResponse]:
    """Every canned response of the team (one Query)."""
    return list(CannedResponse.query(TEAM))


def get(canned_id: str) -> CannedResponse | None:
    """One canned response, or None."""
    try:
        return CannedResponse.get(TEAM, canned_id)
    except CannedResponse.DoesNotExist:
        return None


def save(
    canned_id: str,
    *,
    title: str,
    text: str,
    link_label: str | None,
    link_url: str | None,
    updated_by: str,
    updated_at: float,
) -> CannedResponse:
    """Create or replace a canned response."""
    item = CannedResponse(
        TEAM,
        canned_id,
        title=title,
        text=text,
        link_label=link_label,
        link_url=link_url,
        updated_by=updated_by,
        updated_at=updated_at,
    )
    item.save()
    return item


def delete(canned_id: str) -> bool:
    """Delete a canned response; False when it did not exist."""
    item = get(canned_id)
    if item is None:
        return False
    item.delete()
    return True
