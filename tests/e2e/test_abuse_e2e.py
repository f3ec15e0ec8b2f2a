"""Abuse on the live platform, limits on (issue 15, findings 1 and 2): a flood of urgent joins
from one address over real sockets, and X-Forwarded-For claims through the gateway that plays
CloudFront. Clients connect from different loopback addresses (127.0.0.0/8)."""

from __future__ import annotations

import http.client
import json
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.ws_client import WsClient
from tests.integration.reports_harness import report_body
from tests.local_platform import Platform, start_platform, stop_platform

pytestmark = pytest.mark.e2e

ATTACKER, CITIZEN, SUPERVISOR = "127.0.0.3", "127.0.0.4", "127.0.0.5"


@pytest.fixture(scope="module")
def guarded() -> Iterator[Platform]:
    """A platform with the limits of dev and prod (the local defaults turn them off)."""
    started = start_platform(
        ["--no-seed"],
        env={
            "CHAT_WAITING_PER_SOURCE": "3",
            "CHAT_JOINS_PER_SOURCE_PER_WINDOW": "6",
            "CHAT_URGENT_BURST_PER_SOURCE": "3",
            "REPORTS_PER_CLIENT_PER_WINDOW": "3",
        },
    )
    yield started
    stop_platform(started)


def test_forty_urgent_joins_from_one_address_put_three_ahead_of_a_citizen(
    guarded: Platform,
) -> None:
    token = guarded.token("superviseur")
    supervisor = WsClient(f"{guarded.ws_url}?role=officer&token={token}", "sup", SUPERVISOR)
    supervisor.request({"type": "presence", "status": "away"}, "officer_state")
    flood = [WsClient(guarded.ws_url, f"flood{n}", ATTACKER) for n in range(40)]
    answers = [
        client.request({"type": "join", "topic": "violences", "text": f"au secours {n}"}, "joined")
        for n, client in enumerate(flood)
    ]
    refused = [a for a in answers if a["type"] == "error"]
    assert sum(a["type"] == "joined" for a in answers) == 3
    assert {a["code"] for a in refused} == {"too_many_conversations"}
    assert all(n in refused[0]["message"] for n in ("17", "112", "114", "3919"))

    citizen = WsClient(guarded.ws_url, "citizen", CITIZEN)
    assert citizen.request({"type": "join", "topic": "vol"}, "joined")["type"] == "joined"
    queue = citizen.wait_for(lambda f: f["type"] == "queue")
    assert queue["position"] == 4
    _, body = guarded.get("/api/status")
    assert body["waiting"] == 4

    alert = supervisor.wait_for(lambda f: f["type"] == "alert")
    assert alert["kind"] == "urgent_burst" and ATTACKER not in json.dumps(alert)
    for client in [*flood, citizen, supervisor]:
        client.close()


def post_report(platform: Platform, source: str, forwarded: str) -> int:
    """POST /api/reports from a loopback ``source`` address, claiming ``forwarded``."""
    parts = urlsplit(platform.url)
    connection = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port, timeout=15, source_address=(source, 0)
    )
    body = json.dumps(report_body()).encode()
    headers: dict[str, Any] = {
        "Content-Type": "application/json",
        "Idempotency-Key": uuid.uuid4().hex,
        "X-Forwarded-For": forwarded,
        "X-Origin-Verify": "a guess",  # replaced by the gateway, as CloudFront replaces it
    }
    connection.request("POST", "/api/reports", body=body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def test_claimed_addresses_do_not_split_one_client_and_real_ones_do(guarded: Platform) -> None:
    claims = [post_report(guarded, "127.0.0.6", f"192.0.2.{n}") for n in range(8)]
    assert claims == [201, 201, 201, 429, 429, 429, 429, 429]
    assert post_report(guarded, "127.0.0.7", "192.0.2.1") == 201  # another citizen
