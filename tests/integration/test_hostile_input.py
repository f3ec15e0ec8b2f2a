"""No input produces a 500 (issue 15, findings 3, 7, 8, 9, 11): hostile bodies on every route
that takes one, hostile frames on every frame type; invisible and direction-flipping
characters; links; what the OpenAPI document publishes; ``ref`` on every refusal.

The shapes of ``HOSTILE`` are the ones the issue lists (and a few more of the same kind);
the e2e tests send them to the live platform too (tests/e2e/test_hostile_e2e.py).
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.websocket.routes import FRAMES
from tests.integration.chat_harness import (
    Client,
    install_recorder,
    officer_token,
    pin_moto_keys,
)
from tests.integration.reports_harness import Api, report_body

DEPTH = 2000
# Ten hostile shapes of a JSON body or frame, each refused with a 4xx or an error frame.
HOSTILE: dict[str, bytes] = {
    "nested arrays (4 KB)": b"[" * DEPTH + b"]" * DEPTH,
    "nested objects": b'{"a":' * DEPTH + b"1" + b"}" * DEPTH,
    "nested deep in a field": b'{"type":"join","topic":"vol","text":'
    + b"[" * 40
    + b"]" * 40
    + b"}",
    "integer of 5,000 digits": b'{"type":"read","seq":' + b"9" * 5000 + b"}",
    "infinite number": b'{"type":"read","seq":1e999999}',
    "NaN": b'{"type":"read","seq":NaN}',
    "NUL only": b'{"type":"join","topic":"vol","text":"\\u0000"}',
    "lone surrogate": b'{"type":"join","topic":"vol","text":"\\ud800","\\udfff":1}',
    "zero-width spaces only": b'{"type":"join","topic":"vol","text":"\\u200b\\u200b\\u200b"}',
    "not UTF-8": b'{"type":"join","topic":"\xff\xfe"}',
}


def body_routes() -> list[tuple[str, str]]:
    """(method, path) of every operation of the document that takes a JSON body."""
    import app  # noqa: F401 - every route declared
    from chalicelib.api.openapi import document

    return sorted(
        (method.upper(), path)
        for path, item in document()["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    )


def concrete(path: str) -> str:
    return re.sub(r"{\w+}", "0123456789ab", path)


def send_raw(api: Api, method: str, path: str, raw: bytes) -> Any:
    headers = {
        **api.as_officer("superviseur"),
        "Content-Type": "application/json",
        "Idempotency-Key": uuid.uuid4().hex,
        "X-Tracking-Code": "0123456789AB." + "a" * 43,
    }
    return api.call(method, concrete(path), headers=headers, raw=raw)


# -- HTTP: hostile bodies on every route that takes one ---------------------------------


@pytest.mark.parametrize(("method", "path"), body_routes())
def test_every_hostile_body_is_refused_with_a_4xx_on_every_body_route(
    api: Api, method: str, path: str
) -> None:
    for shape, raw in HOSTILE.items():
        reply = send_raw(api, method, path, raw)
        assert 400 <= reply.status < 500, (shape, reply.status, reply.text[:300])
        assert reply.body["error"]["code"] and reply.body["error"]["message"], shape


def test_deep_nesting_is_invalid_json_not_a_recursion_error(api: Api) -> None:
    reply = send_raw(api, "POST", "/reports", HOSTILE["nested arrays (4 KB)"])
    assert reply.status == 400
    assert reply.body["error"]["code"] == "invalid_json"
    assert "imbriqué" in reply.body["error"]["message"]


hostile_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(codec=None, categories=None), max_size=20)  # surrogates too
    | st.sampled_from(["\x00", "\u200b", "\u202e", "\ufeff", "https://a\\@evil.example/"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)


def _raw(value: Any, nesting: int) -> bytes:
    text = json.dumps(value, allow_nan=True)  # lone surrogates escaped as \\udxxx
    return ("[" * nesting + text + "]" * nesting).encode("ascii")


@pytest.mark.parametrize(("method", "path"), body_routes())
def test_no_body_makes_a_route_answer_5xx(api: Api, method: str, path: str) -> None:
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(value=hostile_values, nesting=st.sampled_from([0, 0, 0, 31, 33, 1500, 3000]))
    def never_5xx(value: Any, nesting: int) -> None:
        reply = send_raw(api, method, path, _raw(value, nesting))
        assert reply.status < 500, reply.text[:300]
        if reply.status >= 400:
            assert reply.body["error"]["code"] != "internal_error"

    never_5xx()


# -- WebSocket: hostile frames, and the ref of every refusal -----------------------------


@pytest.fixture
def sockets(aws: Any) -> dict[str, Client]:
    pin_moto_keys()
    recorder = install_recorder()
    officer = Client(recorder, {"role": "officer", "token": officer_token(aws, "superviseur")})
    return {"citizen": Client(recorder), "officer": officer}


def test_every_hostile_frame_gets_an_error_frame(sockets: dict[str, Client]) -> None:
    for who, client in sockets.items():
        for shape, raw in HOSTILE.items():
            answers = client.send(raw.decode("utf-8", "surrogateescape"))
            assert [f["type"] for f in answers] == ["error"], (who, shape, answers)
            assert answers[0]["code"] in ("invalid_json", "invalid_input", "unknown_type")


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(sorted(FRAMES)),
    fields=st.dictionaries(
        st.sampled_from(["text", "topic", "seq", "links", "ref", "x"]), hostile_values
    ),
    nesting=st.sampled_from([0, 0, 40, 2500]),
    who=st.sampled_from(["citizen", "officer"]),
)
def test_no_frame_makes_a_handler_fail(
    sockets: dict[str, Client], kind: str, fields: dict[str, Any], nesting: int, who: str
) -> None:
    client = sockets[who]
    frame = {**fields, "type": kind}
    if nesting:
        frame["text"] = json.loads("[" * min(nesting, 900) + "]" * min(nesting, 900))
    body = json.dumps(frame, allow_nan=True)
    if nesting > 900:
        body = "[" * nesting + body + "]" * nesting
    for answer in client.send(body):
        assert answer.get("code") != "internal_error", answer


def test_every_refusal_echoes_the_ref_whatever_stage_refused_it(
    sockets: dict[str, Client],
) -> None:
    citizen, officer = sockets["citizen"], sockets["officer"]
    refusals = {
        "unknown_type": citizen.send({"type": "teleport", "ref": "r-type"}),
        "invalid_input": citizen.send({"type": "join", "topic": "nope", "ref": "r-field"}),
        "blank": citizen.send({"type": "join", "topic": "vol", "text": "\u200b", "ref": "r-blank"}),
        "too_large": citizen.send(
            json.dumps({"type": "ping", "ref": "r-size", "pad": "x" * 40_000})
        ),
        "not_joined": citizen.send({"type": "send", "client_id": "c1", "text": "a", "ref": "r-h"}),
        "offline": officer.send({"type": "take_next", "ref": "r-take"}),
    }
    expected = {
        "unknown_type": ("unknown_type", "r-type"),
        "invalid_input": ("invalid_input", "r-field"),
        "blank": ("invalid_input", "r-blank"),
        "too_large": ("invalid_input", "r-size"),
        "not_joined": ("not_joined", "r-h"),
        "offline": ("officer_offline", "r-take"),
    }
    for name, answers in refusals.items():
        assert [(f["code"], f.get("ref")) for f in answers] == [expected[name]], name


def test_a_ref_that_cannot_be_echoed_is_left_out(sockets: dict[str, Client]) -> None:
    citizen = sockets["citizen"]
    for ref in ("x" * 65, 12, "\ud800"):
        answers = citizen.send(json.dumps({"type": "teleport", "ref": ref}))
        assert answers[0]["code"] == "unknown_type" and "ref" not in answers[0]


def test_take_next_while_offline_is_not_a_race_to_retry(sockets: dict[str, Client]) -> None:
    answer = sockets["officer"].send({"type": "take_next", "ref": "t"})[0]
    assert answer["code"] == "officer_offline" and answer["code"] != "busy"
    assert "en ligne" in answer["message"]


# -- texts: invisible and direction-flipping characters --------------------------------


INVISIBLE_ONLY = "\u200b\u200c\u200e\u2060\ufeff\u00ad"
RLO = "\u202e"


def test_a_description_of_only_invisible_characters_is_refused(api: Api) -> None:
    reply = api.submit(report_body(description=INVISIBLE_ONLY))
    assert reply.status == 422
    assert reply.body["error"]["field"] == "description"
    assert "visible" in reply.body["error"]["details"][0]["message"]


def test_direction_overrides_are_removed_from_what_officers_read(api: Api) -> None:
    filed = api.filed(report_body(description=f"Vente de {RLO}enicoc{RLO} au 12\u2066 rue"))
    detail = api.officer_get(f"/officer/reports/{filed['report_id']}").body
    assert detail["description"] == "Vente de enicoc au 12 rue"


def test_surveys_refuse_invisible_comments_and_keep_emoji_joiners(
    api: Api, with_settings: Any
) -> None:
    blank = api.call(
        "POST",
        "/feedback/non-users",
        {"wanted_online": "oui", "how_far": ["s_informer"], "comment": INVISIBLE_ONLY},
    )
    assert blank.status == 422 and blank.body["error"]["field"] == "comment"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    ok = api.call(
        "POST",
        "/feedback/non-users",
        {"wanted_online": "oui", "how_far": ["s_informer"], "comment": f"Merci {family}"},
    )
    assert ok.status == 201


def test_chat_messages_lose_their_invisible_characters_and_blank_ones_are_refused(
    sockets: dict[str, Client],
) -> None:
    citizen = sockets["citizen"]
    joined = citizen.send({"type": "join", "topic": "vol", "text": f"Mon {RLO}olév{RLO} volé"})
    history = next(f for f in joined if f["type"] == "history")
    assert history["messages"][0]["text"] == "Mon olév volé"
    blank = citizen.send({"type": "send", "client_id": "b1", "text": "\u2066\u2069\u200f"})
    assert blank[0]["code"] == "invalid_input" and blank[0]["field"] == "text"


# -- links -----------------------------------------------------------------------------

BAD_LINKS = [
    "https://[::1]x/",
    "https://a\\@evil.example/",
    "//evil.example/x",
    "https://user:pw@evil.example/",
    "https://evil.example:8443/",
    "http://www.service-public.fr/",
    "https://localhost/",
    "/fiches/../../etc/passwd",
    "/ailleurs/page",
    "javascript:alert(1)",
]


def test_closing_links_are_parsed_and_the_tricky_ones_refused(
    sockets: dict[str, Client], aws: Any
) -> None:
    citizen, officer = sockets["citizen"], sockets["officer"]
    officer.send({"type": "presence", "status": "online"})
    conversation_id = citizen.send({"type": "join", "topic": "vol"})[0]["conversation_id"]
    for url in BAD_LINKS:
        refused = officer.send(
            {
                "type": "close",
                "conversation_id": conversation_id,
                "outcome": "information",
                "links": [{"label": "Voir", "url": url}],
                "ref": "c",
            }
        )
        errors = [f for f in refused if f["type"] == "error"]
        assert [(f["code"], f["field"], f["ref"]) for f in errors] == [
            ("invalid_input", "links.0.url", "c")
        ], url
    good = [
        {
            "label": "Plainte en ligne",
            "url": "https://plainte-en-ligne.masecurite.interieur.gouv.fr/",
        },
        {"label": "Fiche", "url": "/fiches/vol/"},
    ]
    closed = officer.send(
        {
            "type": "close",
            "conversation_id": conversation_id,
            "outcome": "information",
            "links": good,
        }
    )
    assert any(f["type"] == "ok" for f in closed)


def test_canned_response_links_follow_the_same_rule(api: Api) -> None:
    for url in BAD_LINKS[:3]:
        reply = api.call(
            "POST",
            "/officer/canned",
            {"title": "Lien", "text": "Voir ce lien.", "link": {"label": "Voir", "url": url}},
            headers=api.as_officer("superviseur"),
        )
        assert reply.status == 422 and reply.body["error"]["field"] == "link.url", url


# -- the published contract ------------------------------------------------------------


def _walk(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_the_document_publishes_bounds_as_json_schema_keywords() -> None:
    import app  # noqa: F401
    from chalicelib.api.openapi import document

    doc = document()
    schemas = [node for node in _walk(doc) if node.get("type") == "integer"]
    assert not [n for n in _walk(doc) if {"ge", "le", "gt", "lt"} & set(n) and "type" in n]
    details = doc["components"]["schemas"]
    for model, field, high in (
        ("DealDetails", "people_count", 500),
        ("RodeoDetails", "vehicle_count", 200),
        ("AnimalDetails", "animal_count", 500),
    ):
        bounds = details[model]["properties"][field]["anyOf"][0]
        assert (bounds["minimum"], bounds["maximum"]) == (1, high), model
    assert schemas


def test_path_ids_are_declared_as_checked(api: Api) -> None:
    import app  # noqa: F401
    from chalicelib.api.openapi import document

    for path, item in document()["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "path":
                    continue
                assert parameter["schema"]["maxLength"] == 64, (path, parameter)
                url = path.replace("{" + parameter["name"] + "}", "a" * 65)
                url = concrete(url)
                reply = api.call(method.upper(), url, headers=api.as_officer("superviseur"))
                assert reply.status == 422, (method, url, reply.status)
                assert reply.body["error"]["field"] == parameter["name"]


def test_dates_the_pattern_accepts_are_refused_only_off_the_calendar(api: Api) -> None:
    import app  # noqa: F401
    from chalicelib.api.openapi import document

    since = document()["components"]["schemas"]["ObservedIn"]["properties"]["since"]
    pattern = since["anyOf"][0]["pattern"]
    assert not re.fullmatch(pattern, "0000-01-01")  # the finding: pattern-valid, then refused
    assert "calendrier" in since["anyOf"][0]["description"]
    for day, status in (("0000-01-01", 422), ("2026-02-31", 422), ("2024-02-29", 201)):
        observed = {"days": ["lundi"], "since": day}
        reply = api.submit(report_body(observed=observed))
        assert reply.status == status, day
