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
        "open": False,
        "officers_online": 0,
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
    headers = auth(aws, "superviseur")
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
            f"/officer/conversations/{joined['conversation_id']}", headers=auth(aws, "superviseur")
        )
    )
    assert [m["text"] for m in detail["messages"]] == ["Première question"]
    missing = http.http.get("/officer/conversations/" + "f" * 32, headers=auth(aws, "superviseur"))
    assert missing.status_code == 404


def test_officers_read_the_conversations_they_handled_and_supervisors_all(
    http: HttpClient, aws: MotoAws
) -> None:
    from chalicelib.websocket.push import sender

    officer = Client(sender(), {"role": "officer", "token": officer_token(aws, "officier1")})  # type: ignore[arg-type]
    officer.send({"type": "presence", "status": "online"})
    _, mine = start_conversation("Pour officier1")
    officer.send({"type": "presence", "status": "offline"})
    _, nobodys = start_conversation("Encore en attente")
    ids = (mine["conversation_id"], nobodys["conversation_id"])

    def listed(username: str) -> set[str]:
        page = body(http.http.get("/officer/conversations", headers=auth(aws, username)))
        return {row["conversation_id"] for row in page["items"]}

    assert listed("officier1") == {ids[0]}
    assert listed("officier2") == set()
    assert listed("superviseur") == set(ids)
    read = http.http.get(f"/officer/conversations/{ids[0]}", headers=auth(aws, "officier1"))
    assert read.status_code == 200
    for username, cid in (("officier2", ids[0]), ("officier1", ids[1])):
        refused = http.http.get(f"/officer/conversations/{cid}", headers=auth(aws, username))
        assert refused.status_code == 404
        assert body(refused)["error"]["code"] == "conversation_not_found"


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


def test_the_dashboard_counts_conversations_by_hour_of_the_unit_s_day(
    http: HttpClient, aws: MotoAws
) -> None:
    from chalicelib.clock import now, unit_hour

    start_conversation()
    start_conversation()
    stats = body(http.http.get("/officer/stats/chat?days=7", headers=auth(aws, "superviseur")))
    today = stats["hours"]["today"]
    assert len(today["started"]) == 24 and len(stats["hours"]["four_weeks"]["started"]) == 24
    assert today["started"][unit_hour(now())] == 2 and sum(today["started"]) == 2
    assert sum(stats["hours"]["four_weeks"]["started"]) == 0  # today is not in the profile
    assert len(stats["days"]) == 7


def test_supervisors_see_each_officer_s_load_and_longest_wait_for_an_answer(
    http: HttpClient, aws: MotoAws
) -> None:
    from chalicelib.websocket.push import sender

    officer = Client(sender(), {"role": "officer", "token": officer_token(aws, "officier1")})  # type: ignore[arg-type]
    officer.send({"type": "presence", "status": "online"})
    _, joined = start_conversation("Allô ?")
    cid = joined["conversation_id"]

    def row() -> dict[str, Any]:
        page = body(http.http.get("/officer/stats/officers", headers=auth(aws, "superviseur")))
        return next(item for item in page["items"] if item["name"] == "Agent Camille Martin")

    waiting = row()
    assert (waiting["status"], waiting["active_count"], waiting["connected"]) == ("online", 1, True)
    assert waiting["longest_reply_wait_seconds"] is not None
    officer.send({"type": "send", "conversation_id": cid, "client_id": "r1", "text": "Bonjour"})
    assert row()["longest_reply_wait_seconds"] is None
    refused = http.http.get("/officer/stats/officers", headers=auth(aws, "officier1"))
    assert refused.status_code == 403


def test_a_drug_spot_is_reported_from_a_chat_into_the_triage_queue_linked_both_ways(
    http: HttpClient, aws: MotoAws
) -> None:
    from chalicelib.websocket.push import sender

    officer = Client(sender(), {"role": "officer", "token": officer_token(aws, "officier1")})  # type: ignore[arg-type]
    officer.send({"type": "presence", "status": "online"})
    citizen = Client(sender())  # type: ignore[arg-type]
    frames = citizen.send({"type": "join", "topic": "stupefiants", "text": "Ça deale en bas"})
    cid = next(f for f in frames if f["type"] == "joined")["conversation_id"]
    report = {
        "kind": "point_de_deal",
        "location": {"address": "12 rue des Lilas", "postcode": "75019", "commune": "Paris"},
        "observed": {"days": ["vendredi", "samedi"]},
        "description": "D'après l'usager : ça deale en bas de son immeuble le soir.",
    }
    url = f"/officer/conversations/{cid}/report"

    def post(username: str, path: str = url) -> Any:
        return http.http.post(
            path,
            body=json.dumps(report),
            headers={**auth(aws, username), "Content-Type": "application/json"},
        )

    assert post("officier2").status_code == 404  # not theirs: no hint it exists
    created = post("officier1")
    assert created.status_code == 201, created.body
    report_id = body(created)["report_id"]
    detail = body(http.http.get(f"/officer/reports/{report_id}", headers=auth(aws, "officier1")))
    assert (detail["status"], detail["kind"], detail["conversation_id"]) == (
        "recu",
        "point_de_deal",
        cid,
    )
    listed = body(http.http.get("/officer/reports?status=recu", headers=auth(aws, "officier1")))
    assert report_id in [row["report_id"] for row in listed["items"]]
    history = body(http.http.get(f"/officer/conversations/{cid}", headers=auth(aws, "officier1")))
    reported = [e for e in history["history"] if e["event"] == "reported"]
    assert [e["report_id"] for e in reported] == [report_id]
    again = post("officier1")
    assert (again.status_code, body(again)["error"]["code"]) == (409, "already_reported")
    _, other = start_conversation("Pas de drogue ici")
    refused = post("superviseur", f"/officer/conversations/{other['conversation_id']}/report")
    assert (refused.status_code, body(refused)["error"]["code"]) == (409, "not_about_drugs")
