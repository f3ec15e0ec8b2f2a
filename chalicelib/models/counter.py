"""Daily counters: pre-aggregated figures for dashboards, updated with atomic ADD.

Key: ``scope`` (``chat``, ``reports``, ``survey``…) + ``day`` (``YYYY-MM-DD``, UTC).
A dashboard reads a date range of one scope with one Query, never raw items.
"""

from __future__ import annotations

import re
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import register

_NAME = re.compile(r"^[a-z0-9_.:#-]{1,80}$")


@register("counters")
class DailyCounter(Model):
    """One scope's counters for one day; every other attribute is a number."""

    class Meta:
        table_name = "counters"

    scope = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)


def _client() -> Any:
    return DailyCounter._get_connection().connection.client


def increment(scope: str, day: str, deltas: dict[str, int | float]) -> None:
    """Add each delta to its counter in one UpdateItem (ADD is atomic, creates at 0)."""
    deltas = {name: value for name, value in deltas.items() if value}
    if not deltas:
        return
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    parts = []
    for index, (name, value) in enumerate(sorted(deltas.items())):
        if not _NAME.match(name):
            raise ValueError(f"bad counter name: {name!r}")
        names[f"#c{index}"] = name
        values[f":v{index}"] = {"N": repr(value) if isinstance(value, float) else str(value)}
        parts.append(f"#c{index} :v{index}")
    _client().update_item(
        TableName=DailyCounter.Meta.table_name,
        Key={"scope": {"S": scope}, "day": {"S": day}},
        UpdateExpression="ADD " + ", ".join(parts),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )


def read_range(scope: str, first_day: str, last_day: str) -> dict[str, dict[str, float]]:
    """``{day: {counter: value}}`` for the days in ``[first_day, last_day]`` (one Query)."""
    out: dict[str, dict[str, float]] = {}
    kwargs: dict[str, Any] = {
        "TableName": DailyCounter.Meta.table_name,
        "KeyConditionExpression": "#s = :s AND #d BETWEEN :a AND :b",
        "ExpressionAttributeNames": {"#s": "scope", "#d": "day"},
        "ExpressionAttributeValues": {
            ":s": {"S": scope},
            ":a": {"S": first_day},
            ":b": {"S": last_day},
        },
    }
    while True:
        page = _client().query(**kwargs)
        for item in page.get("Items", []):
            day = item["day"]["S"]
            out[day] = {key: float(value["N"]) for key, value in item.items() if "N" in value}
        if "LastEvaluatedKey" not in page:
            return out
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
