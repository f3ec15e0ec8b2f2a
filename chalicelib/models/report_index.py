"""The secondary indexes of the reports table, and one page of one of them.

Officers filter reports by any combination of kind, status and département
(plus a period on the creation date). Each combination has its own index,
whose partition key joins the filter values, so that *any* filtered page is
exactly one Query — no FilterExpression that would return short or empty
pages, no Scan. Every index sorts on ``gsi_sk`` = ``<ISO time>#<id>``.

Spot items use the four indexes without status (a spot has no status), with
partition values prefixed ``spot#`` instead of ``report#``.

Projection: ``dept`` projects everything (the CSV export reads whole reports
from it, page by page); the others carry only the display ``row`` (JSON), the
``ttl`` and the spot's ``report_count`` — DynamoDB allows 100 projected
attributes per table in total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.clock import now
from chalicelib.models.cursor import CursorError, KeyType, decode_cursor, encode_cursor
from chalicelib.models.report import ReportItem

# The filters, in the order they appear in index names and partition values.
FILTERS = ("kind", "status", "dept")
SORT_KEY = "gsi_sk"
# Every combination of filters → its index; plus the reports of one spot.
REPORT_INDEXES = (
    "all",
    "kind",
    "status",
    "dept",
    "kind_status",
    "kind_dept",
    "status_dept",
    "kind_status_dept",
)
SPOT_INDEXES = ("all", "kind", "dept", "kind_dept")
SPOT_MEMBERS_INDEX = "spot"
ALL_INDEXES = (*REPORT_INDEXES, SPOT_MEMBERS_INDEX)
FULL_PROJECTION_INDEXES = frozenset({"dept"})
PROJECTED_ATTRIBUTES = ("row", "ttl", "report_count")


def hash_attribute(index: str) -> str:
    """The partition key attribute of an index (``kind_status_pk``…)."""
    return f"{index}_pk"


def index_for(filters: Mapping[str, str | None]) -> str:
    """The index serving a set of filters (the ones whose value is not None)."""
    used = [name for name in FILTERS if filters.get(name)]
    return "_".join(used) or "all"


def partition_value(entity: str, filters: Mapping[str, str | None]) -> str:
    """The partition key value for ``entity`` (``report``/``spot``) and filter values."""
    return "#".join([entity, *(str(filters[name]) for name in FILTERS if filters.get(name))])


def index_keys(
    entity: str, values: Mapping[str, str], sort_key: str, indexes: tuple[str, ...]
) -> dict[str, str]:
    """Every index attribute of one item: each index's partition value, and the sort key."""
    keys = {SORT_KEY: sort_key}
    for index in indexes:
        names = [] if index == "all" else index.split("_")
        keys[hash_attribute(index)] = partition_value(
            entity, {name: values[name] for name in names}
        )
    return keys


@dataclass(frozen=True)
class Page:
    """One page of an index: the raw items, and the cursor of the next page (if any)."""

    items: list[dict[str, Any]]
    next: str | None


def sort_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """Bounds on ``gsi_sk`` for a period of days (``YYYY-MM-DD``, both included)."""
    # '~' sorts after every character of an ISO time and an id.
    return since, (f"{until}~" if until else None)


def query_page(
    index: str,
    partition: str,
    *,
    since: str | None = None,
    until: str | None = None,
    limit: int,
    cursor: str | None = None,
    newest_first: bool = True,
) -> Page:
    """One page of ``index`` for ``partition``: exactly one Query, unexpired items only.

    ``cursor`` is the opaque ``next`` of the previous page; a cursor that does
    not belong to this index, partition and period raises :class:`CursorError`.
    """
    lower, upper = sort_range(since, until)
    attributes: dict[str, KeyType] = {
        hash_attribute(index): "S",
        SORT_KEY: "S",
        "pk": "S",
        "sk": "S",
    }
    scope = f"{index}|{partition}"
    request: dict[str, Any] = {
        "TableName": ReportItem.Meta.table_name,
        "IndexName": index,
        "Limit": limit,
        "ScanIndexForward": not newest_first,
        "ExpressionAttributeNames": {"#p": hash_attribute(index), "#ttl": "ttl"},
        "ExpressionAttributeValues": {":p": {"S": partition}, ":now": {"N": str(int(now()))}},
        # moto never expires items, DynamoDB only within days: readers skip them.
        "FilterExpression": "#ttl > :now",
    }
    condition = "#p = :p"
    if lower or upper:
        request["ExpressionAttributeNames"]["#s"] = SORT_KEY
    if lower and upper:
        condition += " AND #s BETWEEN :lo AND :hi"
    elif lower:
        condition += " AND #s >= :lo"
    elif upper:
        condition += " AND #s <= :hi"
    if lower:
        request["ExpressionAttributeValues"][":lo"] = {"S": lower}
    if upper:
        request["ExpressionAttributeValues"][":hi"] = {"S": upper}
    request["KeyConditionExpression"] = condition
    if cursor:
        start = decode_cursor(
            cursor, scope=scope, attributes=attributes, fixed={hash_attribute(index): partition}
        )
        position = start[SORT_KEY]["S"]
        if (lower and position < lower) or (upper and position > upper):
            raise CursorError()
        request["ExclusiveStartKey"] = start
    try:
        response = ReportItem._get_connection().connection.client.query(**request)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code")
        if cursor and code == "ValidationException":
            raise CursorError() from error
        raise
    last = response.get("LastEvaluatedKey")
    return Page(
        items=list(response.get("Items", [])),
        next=encode_cursor(last, scope=scope) if last else None,
    )
