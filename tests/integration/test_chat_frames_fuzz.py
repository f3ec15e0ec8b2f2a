"""Property tests: whatever a client sends, a handler answers with frames, never an exception."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.websocket import edge
from chalicelib.websocket.routes import FRAMES
from tests.integration.chat_harness import (
    Client,
    event,
    install_recorder,
    officer_token,
    pin_moto_keys,
)
from tests.integration.moto_world import MotoAws

TYPES = [
    "join",
    "resume",
    "send",
    "typing",
    "read",
    "end",
    "ping",
    "hello",
    "presence",
    "take_next",
    "close",
    "transfer",
    "teleport",
    "",
]
FIELDS = [
    "topic",
    "text",
    "client_id",
    "conversation_id",
    "token",
    "last_seq",
    "seq",
    "status",
    "capacity",
    "outcome",
    "links",
    "to_officer_id",
    "ref",
    "extra",
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=60)
    | st.sampled_from(["vol", "violences", "online", "thesee", "0" * 32, "a" * 40]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
frames = st.fixed_dictionaries(
    {"type": st.sampled_from(TYPES)},
    optional={name: json_values for name in FIELDS},
)
raw_bodies = st.one_of(
    frames.map(json.dumps),
    st.text(max_size=200),
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
    st.just("null"),
    st.just("[]"),
    st.just('{"type": null}'),
)


@pytest.fixture
def sockets(aws: MotoAws) -> dict[str, Any]:
    pin_moto_keys()
    recorder = install_recorder()
    citizen = Client(recorder)
    joined = Client(recorder)
    joined.send({"type": "join", "topic": "vol"})
    officer = Client(recorder, {"role": "officer", "token": officer_token(aws, "officier1")})
    return {"recorder": recorder, "clients": [citizen, joined, officer]}


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=raw_bodies, who=st.integers(0, 2))
def test_no_exception_escapes_a_handler(sockets: dict[str, Any], body: str, who: int) -> None:
    client = sockets["clients"][who]
    before = len(sockets["recorder"].frames[client.connection_id])
    result = edge.on_message(event("$default", client.connection_id, body), FRAMES)
    assert result == {"statusCode": 200}
    answers = sockets["recorder"].frames[client.connection_id][before:]
    for frame in answers:
        assert isinstance(frame.get("type"), str)
        assert frame.get("code") != "internal_error", frame
        if frame["type"] == "error":
            assert frame["message"] and frame["code"]


@settings(max_examples=200, deadline=None)
@given(body=raw_bodies)
def test_parsing_either_validates_or_raises_a_domain_error(body: str) -> None:
    from chalicelib.errors import DomainError

    try:
        parsed, handler = edge.parse_frame(body, FRAMES)
    except DomainError as error:
        assert error.code in {"invalid_json", "unknown_type", "invalid_input"}
        return
    assert callable(handler)
    assert parsed.type in TYPES
