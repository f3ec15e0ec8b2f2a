"""The chat's HTTP routes: public status, transcript by token, officer history, canned, stats."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client as HttpClient

import app
from tests.integration.chat_harness import Client, install_recorder, officer_token, pin_moto_keys
from tests.integration.moto_world import MotoAws


@pytest.fixture
def http(aws: MotoAws) -> Iterator[HttpClient]:
    """The app's HTTP routes, called as CloudFront calls them (with the origin secret)."""
    pin_moto_keys()
    install_recorder()
    with HttpClient(app.app) as client:
        request = client.http.request
        origin = aws.secret_value("ORIGIN_SECRET_ID")

        def through_cdn(method: str, path: str, headers: Any = None, body: bytes = b"") -> Any:
            return request(
                method, path, headers={"X-Origin-Verify": origin, **(headers or {})}, body=body
            )

        client.http.request = through_cdn  # type: ignore[method-assign]
        yield client


def auth(aws: MotoAws, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {officer_token(aws, username)}"}


def body(response: Any) -> Any:
    return json.loads(response.body)


def start_conversation(text: str = "Bonjour") -> tuple[Client, dict[str, Any]]:
    from chalicelib.websocket.push import sender

    client = Client(sender())  # type: ignore[arg-type]
    frames = client.send({"type": "join", "topic": "vol", "text": text, "client_id": "a1"})
    return client, next(f for f in frames if f["type"] == "joined")


def test_public_status_counts_waiting_people(http: HttpClient) -> None:
    start_conversation()
    start_conversation()
    status = body(http.http.get("/status"))
    assert status == {
        "open": False,  # open 24/7 by default, but nobody is on duty
        "within_hours": True,
        "next_opening": None,
        "hours": ["Tous les jours, 24 h sur 24, jours fériés compris."],
        "messages": False,
        "officers_online": 0,
        "officers_on_duty": 0,
        "waiting": 2,
        "estimated_wait_seconds": status["estimated_wait_seconds"],
    }
    assert status["estimated_wait_seconds"] > 0


def test_transcript_needs_the_conversation_s_own_token(http: HttpClient) -> None:
    _, mine = start_conversation("Mon vélo a été volé <b>hier</b>")
    _, other = start_conversation("Autre chose")
    url = f"/conversations/{mine['conversation_id']}/transcript"
    ok = http.http.get(url, headers={"X-Resume-Token": mine["token"]})
    assert ok.status_code == 200
    assert ok.headers["Content-Type"].startswith("text/plain")
    text = ok.body.decode() if isinstance(ok.body, bytes) else ok.body
    assert "Vous : Mon vélo a été volé <b>hier</b>" in text
    for headers in ({"X-Resume-Token": other["token"]}, {"X-Resume-Token": "x" * 43}, {}):
        refused = http.http.get(url, headers=headers)
        assert refused.status_code == 404
        assert body(refused)["error"]["code"] == "conversation_not_found"
    unknown = http.http.get(
        "/conversations/0123456789abcdef0123456789abcdef/transcript",
        headers={"X-Resume-Token": mine["token"]},
    )
    assert unknown.status_code == 404


def test_officer_routes_refuse_requests_without_a_valid_token(http: HttpClient) -> None:
    for path in (
        "/officer/queue",
        "/officer/conversations",
        "/officer/canned",
        "/officer/officers",
        "/officer/stats/chat",
    ):
        assert http.http.get(path).status_code in (401, 403), path
        forged = http.http.get(path, headers={"Authorization": "Bearer a.b.c"})
        assert forged.status_code in (401, 403), path


def test_history_is_paginated_by_key(http: HttpClient, aws: MotoAws) -> None:
    created = {start_conversation()[1]["conversation_id"] for _ in range(5)}
    headers = auth(aws, "officier1")
    seen: list[str] = []
    url = "/officer/conversations?limit=2"
    pages = 0
    while url and pages < 10:
        page = body(http.http.get(url, headers=headers))
        seen += [row["conversation_id"] for row in page["items"]]
        url = f"/officer/conversations?limit=2&next={page['next']}" if page["next"] else ""
        pages += 1
    assert set(seen) == created and len(seen) == 5
    assert pages == 3
    bad = http.http.get("/officer/conversations?next=%%%garbage", headers=headers)
    assert bad.status_code == 422
    assert body(bad)["error"]["field"] == "next"


def test_one_conversation_shows_its_messages(http: HttpClient, aws: MotoAws) -> None:
    _, joined = start_conversation("Première question")
    detail = body(
        http.http.get(
            f"/officer/conversations/{joined['conversation_id']}", headers=auth(aws, "officier2")
        )
    )
    assert [m["text"] for m in detail["messages"]] == ["Première question"]
    missing = http.http.get("/officer/conversations/" + "f" * 32, headers=auth(aws, "officier2"))
    assert missing.status_code == 404


def test_canned_responses_are_managed_by_supervisors_only(http: HttpClient, aws: MotoAws) -> None:
    officer, supervisor = auth(aws, "officier1"), auth(aws, "superviseur")
    payload = {
        "title": "Plainte en ligne",
        "text": "Vous pouvez porter plainte en ligne.",
        "link": {"label": "Plainte en ligne", "url": "/fiches/plainte-en-ligne/"},
    }
    refused = http.http.post(
        "/officer/canned",
        body=json.dumps(payload),
        headers={**officer, "Content-Type": "application/json"},
    )
    assert refused.status_code == 403
    created = http.http.post(
        "/officer/canned",
        body=json.dumps(payload),
        headers={**supervisor, "Content-Type": "application/json"},
    )
    assert created.status_code == 201
    canned_id = body(created)["id"]
    listed = body(http.http.get("/officer/canned", headers=officer))["items"]
    assert [item["title"] for item in listed] == ["Plainte en ligne"]
    updated = http.http.put(
        f"/officer/canned/{canned_id}",
        body=json.dumps({**payload, "title": "Plainte en ligne (2024)"}),
        headers={**supervisor, "Content-Type": "application/json"},
    )
    assert body(updated)["title"] == "Plainte en ligne (2024)"
    bad = http.http.post(
        "/officer/canned",
        body=json.dumps({"title": "", "text": "x"}),
        headers={**supervisor, "Content-Type": "application/json"},
    )
    assert bad.status_code == 422 and body(bad)["error"]["field"] == "title"
    garbage = http.http.post(
        "/officer/canned", body="{nope", headers={**supervisor, "Content-Type": "application/json"}
    )
    assert garbage.status_code == 400 and body(garbage)["error"]["code"] == "invalid_json"
    assert http.http.delete(f"/officer/canned/{canned_id}", headers=supervisor).status_code == 204
    assert http.http.delete(f"/officer/canned/{canned_id}", headers=supervisor).status_code == 404


def test_stats_are_for_supervisors_and_follow_the_counters(http: HttpClient, aws: MotoAws) -> None:
    start_conversation()
    assert http.http.get("/officer/stats/chat", headers=auth(aws, "officier1")).status_code == 403
    stats = body(http.http.get("/officer/stats/chat?days=3", headers=auth(aws, "superviseur")))
    assert len(stats["days"]) == 3
    assert stats["days"][-1]["started"] == 1
    assert stats["now"]["waiting"] == 1
    assert stats["totals"]["median_wait_seconds"] is None


def test_the_median_handle_time_shows_on_the_dashboard_after_closes(
    http: HttpClient, aws: MotoAws
) -> None:
    """Closing records the handle-time histogram the supervisors' KPI reads."""
    from chalicelib.clock import FrozenClock, SystemClock, use_clock
    from chalicelib.websocket.push import sender

    clock = FrozenClock(start=time.time())
    use_clock(clock)
    try:
        agent = Client(sender(), {"role": "officer", "token": officer_token(aws, "officier1")})  # type: ignore[arg-type]
        agent.send({"type": "presence", "status": "online"})
        for handle_seconds in (90, 200, 400):
            _, joined = start_conversation()
            clock.advance(handle_seconds)
            answer = agent.send(
                {
                    "type": "close",
                    "conversation_id": joined["conversation_id"],
                    "outcome": "information",
                }
            )
            assert any(f["type"] == "ok" for f in answer), answer
        stats = body(http.http.get("/officer/stats/chat?days=1", headers=auth(aws, "superviseur")))
    finally:
        use_clock(SystemClock())
    assert stats["totals"]["closed"] == 3
    # One close per bucket (≤ 120 s, ≤ 300 s, ≤ 600 s): the median lies halfway into ≤ 300 s.
    assert stats["totals"]["median_handle_seconds"] == 210.0
    assert stats["totals"]["mean_handle_seconds"] == 230.0
