"""The one page cursor codec: bound to its listing, string and number keys, forgeries refused."""

from __future__ import annotations

import base64
import json

import pytest

from chalicelib.models.cursor import CursorError, decode_cursor, encode_cursor

SCOPE = "conversations.by_day|2026-03-14"
ATTRIBUTES = {"conversation_id": "S", "created_day": "S", "created_at": "N"}
KEY = {
    "conversation_id": {"S": "0123456789abcdef0123456789abcdef"},
    "created_day": {"S": "2026-03-14"},
    "created_at": {"N": "1773446400.123456"},
}


def forge(data: object) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_cursor_gives_back_the_key_it_was_made_of_numbers_included() -> None:
    cursor = encode_cursor(KEY, SCOPE)
    assert "=" not in cursor
    assert decode_cursor(cursor, SCOPE, ATTRIBUTES, fixed={"created_day": "2026-03-14"}) == KEY


def test_a_cursor_of_another_listing_is_refused_on_next() -> None:
    cursor = encode_cursor(KEY, SCOPE)
    with pytest.raises(CursorError) as refused:
        decode_cursor(cursor, "conversations.by_day|2026-03-15", ATTRIBUTES)
    assert refused.value.field == "next"
    assert refused.value.status == 422


@pytest.mark.parametrize(
    "token",
    [
        "%%%garbage",
        "é",
        forge([1, 2]),
        forge({"s": "x", "k": {}}),
    ],
)
def test_garbage_is_a_cursor_error(token: str) -> None:
    with pytest.raises(CursorError):
        decode_cursor(token, SCOPE, ATTRIBUTES)


def tampered(**changes: object) -> str:
    cursor = encode_cursor(KEY, SCOPE)
    data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    data["k"].update(changes)
    return forge(data)


@pytest.mark.parametrize(
    "changes",
    [
        {"created_at": "soon"},  # a number attribute that is not a number
        {"created_at": 12},  # values travel as text
        {"created_day": "2026-03-15"},  # another partition than the listing's
        {"conversation_id": ""},
        {"conversation_id": "x" * 2000},
        {"extra": "x"},
    ],
)
def test_a_tampered_key_never_reaches_dynamodb(changes: dict[str, object]) -> None:
    with pytest.raises(CursorError):
        decode_cursor(tampered(**changes), SCOPE, ATTRIBUTES, fixed={"created_day": "2026-03-14"})
