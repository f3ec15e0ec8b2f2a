"""What officers do with reports: list and filter, group by spot, read one, move its status.

Every list is one Query on the index matching its filters (see
models/report_index.py); a status change is one conditional transaction, so
two officers cannot overwrite each other's decision.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.auth import OfficerIdentity
from chalicelib.clock import iso_time, now
from chalicelib.config import settings
from chalicelib.errors import Conflict, NotFound
from chalicelib.models import report as store
from chalicelib.models.report import EVENT_PREFIX, ReportEvent, ReportFile, report_pk
from chalicelib.models.report_index import (
    REPORT_INDEXES,
    SORT_KEY,
    SPOT_MEMBERS_INDEX,
    index_for,
    index_keys,
    partition_value,
    query_page,
)
from chalicelib.reports import photos
from chalicelib.stats.counters import record
from chalicelib.vocabulary import REPORT_KINDS, REPORT_STATUSES, label

if TYPE_CHECKING:
    from chalicelib.reports.schemas import ReportListQuery, SpotListQuery

NO_SUCH_REPORT = "Ce signalement n'existe pas ou n'est plus conservé."
NO_SUCH_SPOT = "Ce lieu n'existe pas ou n'est plus conservé."


@dataclass(frozen=True)
class Listing:
    """One page of rows (plain dicts shaped like the answer models) and the next cursor."""

    items: list[dict[str, Any]]
    next: str | None


def _page_size(limit: int) -> int:
    return max(1, min(limit, settings().page_size_max))


def report_row(row: dict[str, Any]) -> dict[str, Any]:
    """A list row as officers read it (French labels added)."""
    return {
        **row,
        "kind_label": label(REPORT_KINDS, str(row["kind"])),
        "status_label": label(REPORT_STATUSES, str(row["status"])),
    }


def _decode(raw: dict[str, Any]) -> dict[str, Any]:
    """The display row of an index item (stored as JSON)."""
    row: dict[str, Any] = json.loads(raw["row"]["S"])
    return row


def _page(
    entity: str, filters: dict[str, str | None], query: SpotListQuery
) -> tuple[list[dict[str, Any]], str | None]:
    """One page (one Query) of the index serving ``filters`` over the query's period:
    raw items and the next cursor."""
    page = query_page(
        index_for(filters),
        partition_value(entity, filters),
        since=query.from_,
        until=query.to,
        limit=_page_size(query.limit),
        cursor=query.next,
    )
    return page.items, page.next


def list_reports(query: ReportListQuery) -> Listing:
    """Reports matching the filters (kind, status, département, period), newest first,
    one page (one Query)."""
    filters = {"kind": query.kind, "status": query.status, "dept": query.dept}
    items, next_cursor = _page("report", filters, query)
    return Listing([report_row(_decode(raw)) for raw in items], next_cursor)


def spot_row(raw: dict[str, Any]) -> dict[str, Any]:
    """A spot as officers read it: its place, its count, first and last report."""
    row = _decode(raw)
    return {
        **{key: value for key, value in row.items() if value is not None},
        "kind_label": label(REPORT_KINDS, str(row["kind"])),
        "report_count": int(raw.get("report_count", {}).get("N", "0")),
        "last_at": raw[SORT_KEY]["S"].split("#", 1)[0],
    }


def list_spots(query: SpotListQuery) -> Listing:
    """Spots matching the filters, most recently reported first, one page (one Query).
    A spot has no status; the period applies to the date of its last report."""
    items, next_cursor = _page("spot", {"kind": query.kind, "dept": query.dept}, query)
    return Listing([spot_row(raw) for raw in items], next_cursor)


def spot_reports(spot_id: str, limit: int, cursor: str | None) -> tuple[dict[str, Any], Listing]:
    """One spot and a page of its reports, newest first (GetItem + one Query)."""
    spot = store.get_spot(spot_id)
    if spot is None:
        raise NotFound(NO_SUCH_SPOT)
    raw = spot.serialize()
    page = query_page(SPOT_MEMBERS_INDEX, spot_id, limit=_page_size(limit), cursor=cursor)
    return spot_row(raw), Listing([report_row(_decode(item)) for item in page.items], page.next)


def report_file(report_id: str) -> ReportFile:
    """Everything about one report (one Query on its partition), or NotFound."""
    found = store.read_report_file(report_id)
    if found is None:
        raise NotFound(NO_SUCH_REPORT)
    return found


def report_detail(report_id: str) -> dict[str, Any]:
    """Everything an officer reads of one report, shaped like ReportDetail: its row,
    place, facts, cleaned photos (short-lived links), history, and contact if left."""
    found = report_file(report_id)
    report = found.report
    detail: dict[str, Any] = {
        **report_row(report.row),
        "updated_at": report.updated_at,
        "location": {
            "address": report.address,
            "postcode": report.postcode,
            "commune": report.commune,
            "dept": report.dept,
            "lat": report.lat,
            "lon": report.lon,
        },
        "observed": report.observed,
        "description": report.description,
        "details": report.details,
        "photos": [view for view in map(photos.officer_view, found.photos) if view is not None],
        "history": [history_entry(event) for event in found.events],
        "conversation_id": report.conversation_id,
    }
    if found.contact is not None:
        detail["contact"] = {
            "name": found.contact.name,
            "reach": found.contact.reach,
            "expires_at": iso_time(found.contact.ttl),
        }
    return detail


def history_entry(event: ReportEvent) -> dict[str, Any]:
    """One status change as officers read it."""
    return {
        "at": event.at,
        "officer": event.officer,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "note": event.note,
    }


def change_status(
    report_id: str, officer: OfficerIdentity, expected: str, to: str, note: str
) -> tuple[store.ReportItem, ReportEvent]:
    """Move a report from the status the officer saw (``expected``) to ``to``, with a note.

    Conflict when the report is not (or no longer) in ``expected`` — another
    officer decided first — or already in ``to``. The event (who, when, from,
    to, note) is written in the same transaction as the status.
    """
    report = store.get_report(report_id)
    if report is None:
        raise NotFound(NO_SUCH_REPORT)
    if report.status == to:
        raise Conflict(f"Ce signalement est déjà « {label(REPORT_STATUSES, to)} ».", field="to")
    if report.status != expected:
        raise _moved_meanwhile(report.status)
    at = iso_time(now())
    row = {**report.row, "status": to}
    keys = index_keys(
        "report",
        {"kind": report.kind, "status": to, "dept": report.dept},
        report.gsi_sk or "",
        REPORT_INDEXES,
    )
    keys.pop(SORT_KEY)
    event = ReportEvent(
        report_pk(report_id),
        f"{EVENT_PREFIX}{at}#{secrets.token_hex(4)}",
        at=at,
        officer_id=officer.officer_id,
        officer=officer.username or officer.officer_id,
        from_status=expected,
        to_status=to,
        note=note.strip(),
        ttl=int(report.ttl),
    )
    if not store.change_status(report_id, expected, to, at, row, keys, event):
        current = store.get_report(report_id)
        if current is None:
            raise NotFound(NO_SUCH_REPORT)
        raise _moved_meanwhile(current.status)
    record("reports", {f"entered.{to}": 1})
    report.status = to
    report.updated_at = at
    report.row = row
    return report, event


def _moved_meanwhile(current: str) -> Conflict:
    return Conflict(
        "Un autre policier a changé le statut entre-temps : il est maintenant "
        f"« {label(REPORT_STATUSES, current)} ». Rechargez le signalement avant de décider.",
        field="expected",
    )
