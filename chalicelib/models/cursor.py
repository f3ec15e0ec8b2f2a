"""Opaque page cursors: a DynamoDB ``LastEvaluatedKey`` the client hands back unchanged.

The one codec of every paginated listing (reports, spots, volunteers, the
officers' conversation history). A cursor is base64url (unpadded) of the JSON
``{"s": <scope tag>, "k": {<attribute>: <value as text>}}``:

- ``s`` binds it to the listing it came from (``scope``: table or index and
  partition, hashed), so a cursor of one listing is refused by another;
- ``k`` holds the key attributes only, each as the text of its DynamoDB value;
  the listing declares each attribute's type (``S`` string or ``N`` number),
  which is how the value goes back to DynamoDB.

Every attribute is checked before the key reaches DynamoDB — the exact set of
names, bounded non-empty text, numbers that are numbers, the values the listing
fixes (its partition) — so a forged or stale cursor is a clear 422 naming the
``next`` parameter, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, Literal

from chalicelib.errors import InvalidInput

KeyType = Literal["S", "N"]
MAX_VALUE_CHARS = 1024
# What DynamoDB (and PynamoDB's NumberAttribute) writes for a number.
_NUMBER = re.compile(r"-?[0-9]{1,38}(?:\.[0-9]{1,38})?(?:[eE][+-]?[0-9]{1,3})?")
PARAMETER = "next"


class CursorError(InvalidInput):
    """The ``next`` cursor does not belong to this listing."""

    default_message = "Le curseur de page est invalide ou périmé : reprenez la liste au début."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, field=PARAMETER)


def _scope_tag(scope: str) -> str:
    return hashlib.sha256(scope.encode("utf-8")).hexdigest()[:12]


def encode_cursor(key: Mapping[str, Mapping[str, Any]], scope: str) -> str:
    """The cursor of a ``LastEvaluatedKey`` (string and number attributes) for one listing."""
    plain = {name: str(next(iter(value.values()))) for name, value in sorted(key.items())}
    raw = json.dumps({"s": _scope_tag(scope), "k": plain}, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(
    token: str,
    scope: str,
    attributes: Mapping[str, KeyType],
    fixed: Mapping[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """The ``ExclusiveStartKey`` a cursor stands for, or :class:`CursorError`.

    ``attributes`` names every key attribute of the listing with its type;
    ``fixed`` gives the values the listing already knows (its partition key).
    """
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeError) as error:
        raise CursorError() from error
    if not isinstance(data, dict) or data.get("s") != _scope_tag(scope):
        raise CursorError()
    key = data.get("k")
    if not isinstance(key, dict) or set(key) != set(attributes):
        raise CursorError()
    start: dict[str, dict[str, str]] = {}
    for name, kind in attributes.items():
        value = key[name]
        if not isinstance(value, str) or not value or len(value) > MAX_VALUE_CHARS:
            raise CursorError()
        if kind == "N" and not _NUMBER.fullmatch(value):
            raise CursorError()
        start[name] = {kind: value}
    for name, expected in (fixed or {}).items():
        if key.get(name) != expected:
            raise CursorError()
    return start
