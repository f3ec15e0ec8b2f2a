"""Opaque page cursors: a DynamoDB ``LastEvaluatedKey`` the client hands back unchanged.

A cursor is bound to the listing it came from (``scope``: index and
partition), holds string key attributes only, and is checked attribute by
attribute before it reaches DynamoDB, so a forged or stale cursor is a clear
422, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from chalicelib.errors import InvalidInput

MAX_VALUE_CHARS = 1024


class CursorError(InvalidInput):
    """The ``next`` cursor does not belong to this listing."""

    default_message = "Le curseur de page est invalide ou périmé : reprenez la liste au début."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, field="next")


def _scope_tag(scope: str) -> str:
    return hashlib.sha256(scope.encode("utf-8")).hexdigest()[:12]


def encode_cursor(key: dict[str, dict[str, Any]], scope: str) -> str:
    """The cursor of a ``LastEvaluatedKey`` (string attributes) for one listing."""
    plain = {name: value["S"] for name, value in sorted(key.items())}
    raw = json.dumps({"s": _scope_tag(scope), "k": plain}, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(token: str, scope: str, attributes: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """The ``ExclusiveStartKey`` a cursor stands for, or :class:`CursorError`."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise CursorError() from error
    if not isinstance(data, dict) or data.get("s") != _scope_tag(scope):
        raise CursorError()
    key = data.get("k")
    if not isinstance(key, dict) or set(key) != set(attributes):
        raise CursorError()
    for value in key.values():
        if not isinstance(value, str) or not value or len(value) > MAX_VALUE_CHARS:
            raise CursorError()
    return {name: {"S": value} for name, value in key.items()}
