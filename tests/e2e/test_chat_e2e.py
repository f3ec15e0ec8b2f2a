"""The whole conversation lifecycle on the local platform, with real WebSocket clients.

3 officers (capacity 2), 8 citizens: priority-ordered assignment, announced positions,
messages both ways, a citizen who drops and resumes, an officer who drops (conversations
re-queued at the head and re-assigned), every conversation closed with an orientation,
and daily counters that match what happened.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib import vocabulary
from tests.e2e.ws_client import WsClient
from tests.local_platform import Platform, start_platform, stop_platform

pytestmark = pytest.mark.e2e

# Every orientation an officer can close with, taken in turn.
OUTCOMES = list(vocabulary.OUTCOMES)


@pytest.fixture(scope="module")
def platform() -> Iterator[Platform]:
    # A minute of schedule is 2 s here, and the grace periods are short.
    started = start_platform(
        ["--schedule-speed", "30", "--no-seed"],
        env={"CITIZEN_GRACE_SECONDS": "600", "OFFICER_GRACE_SECONDS": "2"},
    )
    yield started
    stop_platform(started)


def counters_today(platform: Platform) -> dict[str, float]:
    day = time.strftime("%Y-%m-%d", time.gmtime())
    item = (
        platform.aws_client("dynamodb")
        .get_item(
            TableName="moncommissariat-local-counters",
            Key={"scope": {"S": "chat"}, "day": {"S": day}},
            ConsistentRead=True,
        )
        .get("Item", {})
    )
    return {k: float(v["N"]) for k, v in item.items() if "N" in v}


def officer_client(platform: Platform, username: str) -> WsClient:
    token = platform.token(username)
    client = WsClient(f"{platform.ws_url}?role=officer&token={token}", username)
    state = client.request({"type": "hello"}, "officer_state")
    assert state["type"] == "officer_state"
    return client


def assigned_ids(officer: WsClient) -> list[str]:
    return [f["conversation"]["conversation_id"] for f in officer.all("conversation_assigned")]


def test_three_officers_and_eight_citizens(platform: Platform) -> None:
    before = counters_today(platform)
    officers = {
        name: officer_client(platform, name) for name in ("officier1", "officier2", "officier3")
    }
    for officer in officers.values():
        state = officer.request(
            {"type": "presence", "status": "away", "capacity": 2}, "officer_state"
        )
        assert state["capacity"] == 2

    # Eight citizens join; numbers 3 and 6 are urgent (violences / emergency words).
    citizens: list[dict[str, Any]] = []
    for n in range(8):
        client = WsClient(platform.ws_url, f"citoyen{n}")
        join: dict[str, Any] = {
            "type": "join",
            "topic": "vol",
            "text": f"Bonjour, je suis {n}",
            "client_id": f"c{n}-0",
        }
        if n == 3:
            join["topic"] = "violences"
        if n == 6:
            join["text"] = "Au secours, il me frappe"
        joined = client.request(join, "joined")
        assert joined["status"] == "waiting", joined
        citizens.append(
            {"client": client, "id": joined["conversation_id"], "token": joined["token"], "n": n}
        )
        time.sleep(0.01)
    by_id = {c["id"]: c for c in citizens}

    # Positions were announced: urgent ones at the front, the others in arrival order.
    expected_order = [citizens[3], citizens[6]] + [c for c in citizens if c["n"] not in (3, 6)]
    for position, citizen in enumerate(expected_order, start=1):
        citizen["client"].wait_for(
            lambda f, p=position: f["type"] == "queue" and f["position"] == p
        )

    # Officers come online one after the other: each takes the two heads of the queue.
    order: list[str] = []
    for name in ("officier1", "officier2", "officier3"):
        officers[name].request({"type": "presence", "status": "online"}, "officer_state")
        officers[name].wait_for(lambda f: f["type"] == "conversation_assigned")
        deadline = time.time() + 10
        while len(assigned_ids(officers[name])) < 2 and time.time() < deadline:
            time.sleep(0.05)
        order += assigned_ids(officers[name])
    assert order == [c["id"] for c in expected_order[:6]]
    waiting = expected_order[6:]
    for position, citizen in enumerate(waiting, start=1):
        citizen["client"].wait_for(
            lambda f, p=position: f["type"] == "queue" and f["position"] == p
        )
    holder = {cid: name for name in officers for cid in assigned_ids(officers[name])}

    # Messages flow both ways.
    for cid, name in holder.items():
        citizen = by_id[cid]["client"]
        ack = citizen.request(
            {"type": "send", "client_id": f"{cid}-1", "text": "Ma question"}, "ack"
        )
        assert ack["type"] == "ack"
        officers[name].wait_for(
            lambda f, c=cid: (
                f["type"] == "message" and f["conversation_id"] == c and f["text"] == "Ma question"
            )
        )
        officers[name].request(
            {
                "type": "send",
                "conversation_id": cid,
                "client_id": f"{cid}-o1",
                "text": "Voici la réponse",
            },
            "ack",
        )
        citizen.wait_for(lambda f: f["type"] == "message" and f["text"] == "Voici la réponse")

    # A citizen drops; the officer writes meanwhile; the citizen resumes: nothing lost or doubled.
    dropped_id = order[2]
    dropped = by_id[dropped_id]
    seen = max(m["seq"] for m in dropped["client"].messages())
    dropped["client"].drop()
    time.sleep(0.3)
    name = holder[dropped_id]
    for k in range(3):
        officers[name].request(
            {
                "type": "send",
                "conversation_id": dropped_id,
                "client_id": f"missed-{k}",
                "text": f"Pendant l'absence {k}",
            },
            "ack",
        )
    dropped["client"].reconnect()
    resumed = dropped["client"].request(
        {
            "type": "resume",
            "conversation_id": dropped_id,
            "token": dropped["token"],
            "last_seq": seen,
        },
        "resumed",
    )
    assert resumed["status"] == "active"
    dropped["client"].wait_for(lambda f: f["type"] == "history")
    texts = [m["text"] for m in dropped["client"].messages() if m["kind"] == "message"]
    assert texts[-3:] == ["Pendant l'absence 0", "Pendant l'absence 1", "Pendant l'absence 2"]
    seqs = [m["seq"] for m in dropped["client"].messages()]
    assert len(seqs) == len(set(seqs)), "a message arrived twice"
    assert seqs == sorted(seqs)

    # Officer 3 vanishes: after the grace period their conversations go back to the head.
    gone_name = "officier3"
    gone_ids = assigned_ids(officers[gone_name])
    officers[gone_name].drop()
    for cid in gone_ids:
        by_id[cid]["client"].wait_for(
            lambda f: (
                f["type"] == "message"
                and f["kind"] == "system"
                and "passe à un ou une collègue" in f["text"]
            ),
            timeout=30,
        )

    # Officers close conversations with orientations; freed slots take the queue's head.
    closed: set[str] = set()
    outcome_count: dict[str, int] = {}
    deadline = time.time() + 90
    while len(closed) < 8 and time.time() < deadline:
        progressed = False
        for name in ("officier1", "officier2"):
            for cid in assigned_ids(officers[name]):
                if cid in closed:
                    continue
                outcome = OUTCOMES[len(closed) % len(OUTCOMES)]
                answer = officers[name].request(
                    {
                        "type": "close",
                        "conversation_id": cid,
                        "outcome": outcome,
                        "links": [{"label": "Fiche", "url": "/fiches/porter-plainte/"}],
                    },
                    ("ok", "error"),
                )
                if answer["type"] == "ok":
                    closed.add(cid)
                    outcome_count[outcome] = outcome_count.get(outcome, 0) + 1
                    progressed = True
        if not progressed:
            time.sleep(0.2)
    assert closed == set(by_id)
    # The two requeued conversations went to officers 1 and 2, not back to the gone officer.
    for cid in gone_ids:
        assert any(cid in assigned_ids(officers[n]) for n in ("officier1", "officier2"))
    for citizen in citizens:
        frame = citizen["client"].wait_for(lambda f: f["type"] == "closed")
        assert frame["survey"] is True
        assert frame["links"] == [{"label": "Fiche", "url": "/fiches/porter-plainte/"}]

    # The daily counters match what happened.
    after = counters_today(platform)

    def delta(name: str) -> float:
        return after.get(name, 0) - before.get(name, 0)

    assert delta("started") == 8
    assert delta("started_urgent") == 2
    assert delta("assigned") == 8 + len(gone_ids)
    assert delta("requeued") == len(gone_ids)
    assert delta("closed") == 8
    assert delta("abandoned") == 0
    for outcome, count in outcome_count.items():
        assert delta(f"closed.{outcome}") == count
    assert delta("wait_count") == 8 + len(gone_ids)
    assert delta("handle_count") == 8

    for client in [c["client"] for c in citizens] + list(officers.values()):
        client.close()


def test_a_waiting_citizen_can_cancel_and_is_counted(platform: Platform) -> None:
    # The previous test's officers left: wait until the sweeper has taken them offline.
    deadline = time.time() + 30
    while platform.get("/api/status")[1]["officers_online"] and time.time() < deadline:
        time.sleep(0.2)
    before = counters_today(platform)
    client = WsClient(platform.ws_url, "annule")
    client.request({"type": "join", "topic": "autre"}, "joined")
    client.send({"type": "end"})
    closed = client.wait_for(lambda f: f["type"] == "closed")
    assert closed["outcome"] == "annule"
    assert counters_today(platform).get("cancelled", 0) - before.get("cancelled", 0) == 1
    client.close()
