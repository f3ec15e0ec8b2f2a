"""Count AWS calls by operation with botocore event hooks (benchmarks and call-count tests).

Import this module before any boto3/PynamoDB client is created: it hooks
client creation so that every new client gets a ``before-call`` handler.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.client import ClientCreator

_lock = threading.Lock()
_calls: Counter[str] = Counter()
_items_read: Counter[str] = Counter()
_original_create_client = ClientCreator.create_client


def _on_call(model: Any, params: Any, **_: Any) -> None:
    service = model.service_model.service_name if hasattr(model, "service_model") else "?"
    with _lock:
        _calls[f"{service}.{model.name}"] += 1


def _after_call(http_response: Any, parsed: Any, model: Any, **_: Any) -> None:
    """Items a call returned (Scan/Query ``Count``, GetItem 1): what it had to read."""
    if not isinstance(parsed, dict):
        return
    if "ScannedCount" in parsed:
        count = int(parsed["ScannedCount"])
    elif "Count" in parsed:
        count = int(parsed["Count"])
    elif "Item" in parsed:
        count = 1
    elif "Responses" in parsed and isinstance(parsed["Responses"], dict):
        count = sum(len(items) for items in parsed["Responses"].values())
    else:
        return
    with _lock:
        _items_read[model.name] += count


def _create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
    client = _original_create_client(self, *args, **kwargs)
    client.meta.events.register("before-call.dynamodb", _on_call)
    client.meta.events.register("after-call.dynamodb", _after_call)
    client.meta.events.register("before-call.apigatewaymanagementapi", _on_call)
    return client


ClientCreator.create_client = _create_client  # type: ignore[method-assign]


class Tally:
    """What happened inside one ``counting()`` block."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.items_read: Counter[str] = Counter()

    def ddb(self, operation: str | None = None) -> int:
        """DynamoDB calls, all or of one operation (``Scan``, ``Query``…)."""
        if operation:
            return self.calls.get(f"dynamodb.{operation}", 0)
        return sum(n for key, n in self.calls.items() if key.startswith("dynamodb."))

    def posts(self) -> int:
        return self.calls.get("apigatewaymanagementapi.PostToConnection", 0)

    def total_items_read(self) -> int:
        return sum(self.items_read.values())


@contextmanager
def counting() -> Iterator[Tally]:
    """Count every AWS call made while the block runs (all threads)."""
    with _lock:
        calls_before = Counter(_calls)
        items_before = Counter(_items_read)
    tally = Tally()
    try:
        yield tally
    finally:
        with _lock:
            tally.calls = _calls - calls_before
            tally.items_read = _items_read - items_before
