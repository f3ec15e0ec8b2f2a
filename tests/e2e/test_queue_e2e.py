"""The waiting queue on the local platform, with real WebSocket clients: lanes and who is told
what, coalesced position updates, and ``joined`` always first.

Positions come from the fan-out (the SQS event source the platform emulates), within its
window: the tests wait for the frames they expect, and assert counts and order, never times.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.ws_client import WsClient
from tests.local_platform import Platform, start_platform, stop_platform

pytestmark = pytest.mark.e2e

QUEUE_TABLE = "moncommissariat-local-queue"
CONVERSATIONS = "moncommissariat-local-conversations"


@pytest.fixture(scope="module")
def platform() -> Iterator[Platform]:
    started = start_platform(["--no-seed"])
    yield started
    stop_platform(started)


def officer(platform: Platform, username: str, status: str, capacity: int = 2) -> WsClient:
    client = WsClient(f"{platform.ws_url}?role=officer&token={platform.token(username)}", username)
    state = client.request(
        {"type": "presence", "status": status, "capacity": capacity}, "officer_state"
    )
    assert state["status"] == status
    return client


CONVERSATION_OF: dict[str, str] = {}  # client name -> its conversation


def join(platform: Platform, name: str, topic: str = "vol", text: str = "Bonjour") -> WsClient:
    client = WsClient(platform.ws_url, name)
    joined = client.request({"type": "join", "topic": topic, "text": text}, "joined")
    assert joined["type"] == "joined", joined
    CONVERSATION_OF[name] = joined["conversation_id"]
    return client


def cid(client: WsClient) -> str:
    return CONVERSATION_OF[client.name]


def latest_position(client: WsClient) -> int | None:
    """The position of the newest ``queue`` frame (highest version), as the widget applies."""
    frames = client.all("queue")
    return max(frames, key=lambda f: f["version"])["position"] if frames else None


def wait_positions(expected: dict[WsClient, int], timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if all(latest_position(client) == position for client, position in expected.items()):
            return
        time.sleep(0.1)
    seen = {client.name: latest_position(client) for client in expected}
    wanted = {client.name: position for client, position in expected.items()}
    raise AssertionError(f"positions {seen}, expected {wanted}")


def queue_order(platform: Platform) -> list[str]:
    """The waiting conversations in queue order, read from the index itself."""
    dynamodb = platform.aws_client("dynamodb")
    query: dict[str, Any] = {
        "TableName": CONVERSATIONS,
        "IndexName": "queue",
        "KeyConditionExpression": "queue_pk = :w",
        "ExpressionAttributeValues": {":w": {"S": "waiting"}},
    }
    order: list[str] = []
    while True:
        page = dynamodb.query(**query)
        order += [item["conversation_id"]["S"] for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return order
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def fan_out_version(platform: Platform) -> int:
    item = (
        platform.aws_client("dynamodb")
        .get_item(TableName=QUEUE_TABLE, Key={"name": {"S": "waiting"}}, ConsistentRead=True)
        .get("Item", {})
    )
    return int(item.get("version", {"N": "0"})["N"])


def end_all(clients: list[WsClient]) -> None:
    """Leave the shared platform's queue empty: each waiting citizen cancels."""
    for client in clients:
        client.send({"type": "end"})
    for client in clients:
        client.wait_for(lambda f: f["type"] == "closed")
        client.close()


def test_an_urgent_citizen_goes_first_and_everyone_pushed_back_is_told(
    platform: Platform,
) -> None:
    agent = officer(platform, "officier1", "away", capacity=1)  # takes by hand only
    requeued = join(platform, "requeued", text="Ma question d'abord")
    taken = agent.request({"type": "take_next"}, "taken")
    assert taken["conversation_id"] == cid(requeued)
    normal = [join(platform, f"normal{n}") for n in range(5)]
    wait_positions({citizen: n for n, citizen in enumerate(normal, start=1)})

    # Back to the queue: at the head of its own lane, ahead of the normal ones.
    agent.request({"type": "transfer", "conversation_id": cid(requeued)}, "ok")
    requeued.wait_for(lambda f: f["type"] == "message" and (f.get("data") or {}).get("requeued"))
    wait_positions({requeued: 1, **{c: n for n, c in enumerate(normal, start=2)}})

    # An urgent citizen goes ahead of everyone, the requeued conversation included, and
    # every citizen pushed back is told.
    urgent = join(platform, "urgent", topic="violences", text="Il me menace")
    wait_positions({urgent: 1, requeued: 2, **{c: n for n, c in enumerate(normal, start=3)}})
    assert queue_order(platform) == [cid(c) for c in [urgent, requeued, *normal]]
    end_all([urgent, requeued, *normal])
    agent.close()


def test_fifty_changes_in_a_second_make_a_handful_of_fan_outs_and_exact_positions(
    platform: Platform,
) -> None:
    citizens = [WsClient(platform.ws_url, f"citizen{n}") for n in range(50)]
    before = fan_out_version(platform)
    start = threading.Barrier(len(citizens))

    def send_join(client: WsClient) -> None:
        start.wait()
        client.send({"type": "join", "topic": "demarches", "ref": "join"})

    threads = [threading.Thread(target=send_join, args=(c,)) for c in citizens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        for client in citizens:
            joined = client.wait_for(lambda f: f["type"] == "joined", timeout=60)
            CONVERSATION_OF[client.name] = joined["conversation_id"]

        # `joined` is answered before the conversation enters the queue (joined first): the
        # last ones may still be on their way in when the last `joined` arrives.
        order = queue_order(platform)
        deadline = time.time() + 30
        while len(order) < 50 and time.time() < deadline:
            time.sleep(0.1)
            order = queue_order(platform)
        assert len(order) == 50
        position = {conversation: n for n, conversation in enumerate(order, start=1)}
        wait_positions({c: position[cid(c)] for c in citizens}, timeout=60)
        fan_outs = fan_out_version(platform) - before
        assert 1 <= fan_outs <= 5, f"{fan_outs} fan-outs for 50 joins"
    finally:
        end_all(citizens)  # even after a failure: the next test needs an empty queue


def test_joined_is_the_first_frame_even_when_officers_go_online_meanwhile(
    platform: Platform,
) -> None:
    officers = [officer(platform, name, "away", capacity=8) for name in ("officier2", "officier3")]
    citizens = [WsClient(platform.ws_url, f"joiner{n}") for n in range(30)]
    start = threading.Barrier(len(citizens) + len(officers))

    def send_join(client: WsClient) -> None:
        start.wait()
        client.send({"type": "join", "topic": "vol", "text": "Bonjour"})

    def go_online(agent: WsClient) -> None:
        start.wait()
        agent.send({"type": "presence", "status": "online", "capacity": 8})

    threads = [threading.Thread(target=send_join, args=(c,)) for c in citizens]
    threads += [threading.Thread(target=go_online, args=(o,)) for o in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def assigned() -> int:
        return sum(1 for client in citizens if client.all("assigned"))

    deadline = time.time() + 60
    while assigned() < 16 and time.time() < deadline:
        time.sleep(0.1)
    assert assigned() == 16  # both officers filled up, whatever the interleaving
    for client in citizens:  # every join answered (a loaded machine answers some late)
        client.wait_for(lambda f: f["type"] in ("joined", "error"), timeout=60)
    for client in citizens:
        frames = [f for f in client.all() if f["type"] != "pong"]
        assert frames[0]["type"] == "joined", [f["type"] for f in frames]
    for agent in officers:
        agent.send({"type": "presence", "status": "offline"})
        agent.close()
    for client in citizens:
        client.send({"type": "end"})
        client.close()
