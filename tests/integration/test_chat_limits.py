"""Per-source limits on starting conversations (issue 15, finding 1): one anonymous source
cannot fill the queue, with urgent requests or any other; supervisors hear of bursts.

The stage's defaults apply (``STAGE=test``: 3 waiting at once, 6 started an hour, a burst
at 3 urgent requests): the limits are on here, as in dev and prod.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.chat_harness import (
    Client,
    RecordingSender,
    install_recorder,
    officer_token,
    pin_moto_keys,
)
from tests.integration.moto_world import MotoAws

ATTACKER = "203.0.113.66"
EMERGENCY_NUMBERS = ("17", "112", "114", "3919")


@pytest.fixture
def chat(aws: MotoAws) -> RecordingSender:
    pin_moto_keys()
    return install_recorder()


def join(
    chat: RecordingSender, topic: str = "vol", text: str | None = None, source_ip: str | None = None
) -> tuple[Client, dict[str, Any]]:
    """A new socket from ``source_ip`` sends ``join``; returns it and its answer."""
    client = Client(chat, source_ip=source_ip)
    frame: dict[str, Any] = {"type": "join", "topic": topic, "ref": "j1"}
    if text:
        frame["text"] = text
    answers = client.send(frame)
    answer = next(f for f in answers if f["type"] in ("joined", "error"))
    return client, answer


def position(client: Client) -> int:
    return int(client.of_type("queue")[-1]["position"])


def test_a_flood_of_urgent_joins_from_one_source_leaves_a_citizen_behind_three_at_most(
    chat: RecordingSender,
) -> None:
    answers = [join(chat, "violences", f"au secours {n}", source_ip=ATTACKER)[1] for n in range(40)]
    accepted = [a for a in answers if a["type"] == "joined"]
    refused = [a for a in answers if a["type"] == "error"]
    assert len(accepted) == 3  # CHAT_WAITING_PER_SOURCE
    assert len(refused) == 37
    for error in refused:
        assert error["code"] == "too_many_conversations"
        assert error["ref"] == "j1"
        assert error["retry_after"] >= 1
        assert all(number in error["message"] for number in EMERGENCY_NUMBERS)

    citizen, joined = join(chat, "vol", "On m'a volé mon vélo", source_ip="198.51.100.23")
    assert joined["type"] == "joined"
    assert position(citizen) == 4  # behind the 3 urgent ones the allowance lets in, no more


def test_the_refusal_is_the_same_for_urgent_and_ordinary_joins(chat: RecordingSender) -> None:
    for _ in range(3):
        assert join(chat, source_ip=ATTACKER)[1]["type"] == "joined"
    _, urgent = join(chat, "vol", "il me frappe, aidez-moi", source_ip=ATTACKER)
    _, ordinary = join(chat, "demarches", source_ip=ATTACKER)
    assert urgent["code"] == ordinary["code"] == "too_many_conversations"
    assert "3919" in urgent["message"] and "112" in ordinary["message"]


def test_a_slot_is_free_again_once_its_conversation_left_the_queue(
    chat: RecordingSender, aws: MotoAws
) -> None:
    waiting = [join(chat, source_ip=ATTACKER)[0] for _ in range(3)]
    assert join(chat, source_ip=ATTACKER)[1]["code"] == "too_many_conversations"
    waiting[0].send({"type": "end"})  # cancelled
    agent = Client(chat, {"role": "officer", "token": officer_token(aws, "officier1")})
    agent.send({"type": "presence", "status": "online", "capacity": 1})  # assigned: not waiting
    _, again = join(chat, source_ip=ATTACKER)
    assert again["type"] == "joined"
    _, more = join(chat, source_ip=ATTACKER)
    assert more["type"] == "joined"
    _, over = join(chat, source_ip=ATTACKER)
    assert over["code"] == "too_many_conversations"


def test_a_source_starts_at_most_six_conversations_an_hour(
    chat: RecordingSender, aws: MotoAws
) -> None:
    started = 0
    for _ in range(8):
        client, answer = join(chat, source_ip=ATTACKER)
        if answer["type"] == "joined":
            started += 1
            client.send({"type": "end"})  # out of the queue at once: only the hourly cap counts
        else:
            assert answer["code"] == "too_many_conversations"
            assert answer["retry_after"] > 60  # the rest of the hour, not a minute
    assert started == 6


def test_other_sources_are_not_limited_by_one_that_is(chat: RecordingSender) -> None:
    for _ in range(5):
        join(chat, source_ip=ATTACKER)
    for n in range(5):
        assert join(chat, source_ip=f"198.51.100.{n + 1}")[1]["type"] == "joined"


def test_a_burst_of_urgent_requests_is_told_to_supervisors_once(
    chat: RecordingSender, aws: MotoAws
) -> None:
    supervisor = Client(chat, {"role": "officer", "token": officer_token(aws, "superviseur")})
    supervisor.send({"type": "presence", "status": "away"})
    officer = Client(chat, {"role": "officer", "token": officer_token(aws, "officier2")})
    officer.send({"type": "presence", "status": "away"})
    for n in range(10):
        join(chat, "violences", f"au secours {n}", source_ip=ATTACKER)
    alerts = supervisor.of_type("alert")
    assert len(alerts) == 1
    assert alerts[0]["kind"] == "urgent_burst" and alerts[0]["count"] == 3
    assert ATTACKER not in json.dumps(alerts[0])
    assert officer.of_type("alert") == []  # supervisors only


def test_the_source_is_stored_as_a_keyed_digest_never_the_address(
    chat: RecordingSender, aws: MotoAws
) -> None:
    import hashlib
    import hmac

    join(chat, source_ip=ATTACKER)
    dynamodb = aws.client("dynamodb")
    stored = json.dumps(
        [
            dynamodb.scan(TableName=f"{aws.prefix}-{t}")["Items"]
            for t in ("connections", "ratelimits")
        ]
    )
    assert ATTACKER not in stored
    key = aws.secret_value("CLIENT_KEY_SECRET_ID").encode()
    digest = hmac.new(key, f"chat-source:{ATTACKER}".encode(), hashlib.sha256).hexdigest()[:32]
    assert digest in stored  # the connection's source: HMAC under the stage's key
    assert hashlib.sha256(f"chat-source:{ATTACKER}".encode()).hexdigest()[:32] not in stored


def test_a_forwarded_header_at_connect_is_not_a_way_to_change_source(
    chat: RecordingSender,
) -> None:
    # The WebSocket API is reached directly: X-Forwarded-For at $connect is the client's claim.
    answers = []
    for n in range(6):
        client = Client(chat, source_ip=ATTACKER, headers={"X-Forwarded-For": f"192.0.2.{n}"})
        answers.append(client.send({"type": "join", "topic": "vol"})[0])
    assert [a["type"] for a in answers].count("joined") == 3


def test_behind_a_declared_proxy_the_source_is_the_address_it_appended(
    chat: RecordingSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.config import reload_settings
    from chalicelib.models import bind_models

    monkeypatch.setenv("WEBSOCKET_TRUSTED_PROXY_HOPS", "1")
    bind_models(reload_settings())
    proxy = "10.9.9.9"
    for n in range(5):  # five citizens behind one proxy: five sources
        client = Client(chat, source_ip=proxy, headers={"X-Forwarded-For": f"198.51.100.{n}"})
        assert client.send({"type": "join", "topic": "vol"})[0]["type"] == "joined"
    spoofed = [
        Client(
            chat, source_ip=proxy, headers={"X-Forwarded-For": f"192.0.2.{n}, 203.0.113.9"}
        ).send({"type": "join", "topic": "vol"})[0]["type"]
        for n in range(5)
    ]
    assert spoofed.count("joined") == 3  # claims left of the proxy's entry change nothing
    monkeypatch.delenv("WEBSOCKET_TRUSTED_PROXY_HOPS")
    bind_models(reload_settings())
