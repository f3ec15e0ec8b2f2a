"""CSV export of one département's reports over a period, for the local services.

Read from the ``dept`` index (it projects whole reports) page by page, oldest
first — Queries on one partition, never a Scan. The file opens in a French
spreadsheet as is: UTF-8 with a byte-order mark, ``;`` between cells, RFC 4180
quoting. Cells a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) are prefixed with ``'``. The
citizen's contact details are personal data and are not exported.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from chalicelib.config import settings
from chalicelib.errors import InvalidInput
from chalicelib.models.report import ReportItem
from chalicelib.models.report_index import partition_value, query_page
from chalicelib.vocabulary import REPORT_DETAILS, REPORT_KINDS, REPORT_STATUSES, label

COLUMNS = (
    ("report_id", "Identifiant"),
    ("created_at", "Reçu le (UTC)"),
    ("kind", "Type"),
    ("status", "Statut"),
    ("updated_at", "Mis à jour le (UTC)"),
    ("address", "Adresse"),
    ("postcode", "Code postal"),
    ("commune", "Commune"),
    ("lat", "Latitude"),
    ("lon", "Longitude"),
    ("days", "Jours"),
    ("hours", "Horaires"),
    ("since", "Depuis"),
    ("description", "Description"),
    ("details", "Précisions"),
    ("photos", "Photos"),
    ("spot_id", "Lieu (regroupement)"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PAGE = 200


def safe_cell(value: str) -> str:
    """A text cell a spreadsheet will show, never evaluate."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")


def _details(details: dict[str, Any]) -> str:
    parts = []
    for key, value in sorted(details.items()):
        if isinstance(value, bool):
            shown = "oui" if value else "non"
        elif isinstance(value, list):
            shown = ", ".join(str(item).replace("_", " ") for item in value)
        else:
            shown = str(value).replace("_", " ") if key.endswith("_type") else str(value)
        parts.append(f"{label(REPORT_DETAILS, key)} : {shown}")
    return " ; ".join(parts)


def report_cells(report: ReportItem) -> list[str]:
    """One CSV line of a report, every text cell neutralised."""
    observed = report.observed or {}
    hours = ", ".join(
        f"{item.get('start', '')}-{item.get('end', '')}" for item in observed.get("time_ranges", [])
    )
    texts = {
        "report_id": report.report_id,
        "created_at": report.created_at,
        "kind": label(REPORT_KINDS, report.kind),
        "status": label(REPORT_STATUSES, report.status),
        "updated_at": report.updated_at,
        "address": report.address,
        "postcode": report.postcode,
        "commune": report.commune,
        "days": ", ".join(observed.get("days", [])),
        "hours": hours,
        "since": str(observed.get("since") or ""),
        "description": report.description,
        "details": _details(report.details or {}),
        "photos": str(int(report.photo_slots or 0)),
        "spot_id": report.spot_id,
    }
    numbers = {"lat": _number(report.lat), "lon": _number(report.lon)}
    return [
        numbers[name] if name in numbers else safe_cell(texts[name]) for name, _title in COLUMNS
    ]


def export_csv(dept: str, since: str, until: str) -> str:
    """The CSV text of every report of ``dept`` received between ``since`` and ``until``.

    Refused (InvalidInput on ``from``) beyond ``EXPORT_MAX_ROWS`` reports: the
    answer of one Lambda must stay well under API Gateway's limits.
    """
    max_rows = settings().export_max_rows
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([title for _name, title in COLUMNS])
    partition = partition_value("report", {"dept": dept})
    written = 0
    cursor: str | None = None
    while True:
        page = query_page(
            "dept",
            partition,
            since=since,
            until=until,
            limit=PAGE,
            cursor=cursor,
            newest_first=False,
        )
        for raw in page.items:
            written += 1
            if written > max_rows:
                raise InvalidInput(
                    f"Plus de {max_rows} signalements sur cette période : "
                    "réduisez la période de l'export.",
                    field="from",
                )
            writer.writerow(report_cells(ReportItem.from_raw_data(raw)))
        if page.next is None:
            return out.getvalue()
        cursor = page.next
