"""Count AWS calls by operation while a block runs (call-count tests and `make bench`).

``with counting() as tally:`` counts every call any botocore client makes in the block, in
every thread, whether the client was made before the block or inside it (boto3, PynamoDB and
powertools clients alike): botocore's one entry point for a call is wrapped while at least one
block is open, and put back when the last one closes. Nothing is hooked outside a block.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.client import BaseClient

_lock = threading.Lock()
_open_blocks = 0
_calls: Counter[str] = Counter()
_items_read: Counter[str] = Counter()
_original_make_api_call = BaseClient._make_api_call


def _read_count(parsed: Any) -> int | None:
    """Items a DynamoDB call returned (Scan/Query ``Count``, GetItem 1): what it had to read."""
    if not isinstance(parsed, dict):
        return None
    if "ScannedCount" in parsed:
        return int(parsed["ScannedCount"])
    if "Count" in parsed:
        return int(parsed["Count"])
    if "Item" in parsed:
        return 1
    if "Responses" in parsed and isinstance(parsed["Responses"], dict):
        return sum(len(items) for items in parsed["Responses"].values())
    return None


def _counted_make_api_call(client: Any, operation_name: str, api_params: Any) -> Any:
    service = client.meta.service_model.service_name
    with _lock:
        _calls[f"{service}.{operation_name}"] += 1
    parsed = _original_make_api_call(client, operation_name, api_params)
    if service == "dynamodb":
        count = _read_count(parsed)
        if count is not None:
            with _lock:
                _items_read[operation_name] += count
    return parsed


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
        """Frames pushed to WebSocket connections (API Gateway's management API)."""
        return self.calls.get("apigatewaymanagementapi.PostToConnection", 0)

    def total_items_read(self) -> int:
        return sum(self.items_read.values())


@contextmanager
def counting() -> Iterator[Tally]:
    """Count every AWS call made while the block runs (all threads, every client)."""
    global _open_blocks
    with _lock:
        if _open_blocks == 0:
            BaseClient._make_api_call = _counted_make_api_call
        _open_blocks += 1
        calls_before = Counter(_calls)
        items_before = Counter(_items_read)
    tally = Tally()
    try:
        yield tally
    finally:
        with _lock:
            tally.calls = _calls - calls_before
            tally.items_read = _items_read - items_before
            _open_blocks -= 1
            if _open_blocks == 0:
                BaseClient._make_api_call = _original_make_api_call
