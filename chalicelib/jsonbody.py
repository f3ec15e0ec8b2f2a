"""The one JSON reader of HTTP bodies and WebSocket frames.

Whatever the bytes, the answer is the parsed value or :class:`InvalidJson`: malformed or
non-UTF-8 text, a number Python refuses to convert (over 4,300 digits), nesting deep enough
to exhaust the parser's recursion (``RecursionError``, 2,000 nested arrays in 4 KB) or
merely deeper than :data:`MAX_DEPTH` — never a 500.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.errors import InvalidJson

# No body or frame of the app nests anywhere near this deep (a report: 4 levels).
MAX_DEPTH = 32
TOO_DEEP = "Le JSON envoyé est trop imbriqué."


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (a scalar: 0), without recursion."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        current, level = pending.pop()
        children = (
            current.values()
            if isinstance(current, dict)
            else current
            if isinstance(current, list)
            else None
        )
        if children is None:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        pending.extend((child, level + 1) for child in children)
    return deepest


def decode(raw: bytes | str, unreadable: str | None = None) -> Any:
    """The JSON value of ``raw``, or InvalidJson (``unreadable`` as its message)."""
    try:
        value = json.loads(raw)
    except RecursionError as error:
        raise InvalidJson(TOO_DEEP) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidJson(unreadable) from error
    if depth(value) > MAX_DEPTH:
        raise InvalidJson(TOO_DEEP)
    return value
