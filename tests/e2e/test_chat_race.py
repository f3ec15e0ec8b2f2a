"""Concurrency against a real DynamoDB endpoint (moto server in a thread, not the in-process
mock: an e2e test, out of `make test-fast`): claims are exclusive and
capacity-safe whatever the interleaving."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest

from local.aws import create_queues, create_tables, fake_credentials, start_moto
from tests.app_settings import configure_app
from tests.integration.chat_harness import install_recorder

PREFIX = "moncommissariat-race"


@pytest.fixture
def moto_server() -> Iterator[str]:
    fake_credentials()
    server, endpoint = start_moto()
    import boto3

    create_tables(boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-3"), PREFIX)
    create_queues(boto3.client("sqs", endpoint_url=endpoint, region_name="eu-west-3"), PREFIX)
    configure_app(
        {
            "TABLE_PREFIX": PREFIX,
            "DYNAMODB_ENDPOINT": endpoint,
            "SQS_ENDPOINT": endpoint,
            "WEBSOCKET_ENDPOINT": "",
            "USER_POOL_ID": "x",
            "USER_POOL_CLIENT_ID": "y",
        }
    )
    install_recorder()
    yield endpoint
    server.stop()
    configure_app({"DYNAMODB_ENDPOINT": "", "SQS_ENDPOINT": ""})


def test_ten_officers_taking_from_two_hundred_waiting_never_collide(moto_server: str) -> None:
    from chalicelib.chat import lifecycle, queue
    from chalicelib.chat.errors import Busy, OfficerAtCapacity, QueueEmpty
    from chalicelib.clock import now
    from chalicelib.models import conversation as conversations
    from chalicelib.models import officer as officers
    from chalicelib.models.conversation import Conversation

    for n in range(200):
        joined = lifecycle.join(f"citizen{n}=", "test|api", "vol", None, None)
        assert lifecycle.queue_up(joined.conversation)
    capacity = 3
    ids = [f"officer-{k}" for k in range(10)]
    for officer_id in ids:
        officers.attach_socket(
            officer_id, officer_id, f"{officer_id}-socket", "test|api", capacity, now()
        )
        officer = officers.get(officer_id)
        assert officer is not None
        officers.set_status(officer, "away", now())  # manual "take next" only

    taken: dict[str, list[str]] = {officer_id: [] for officer_id in ids}
    errors: list[BaseException] = []
    start = threading.Barrier(len(ids))

    def work(officer_id: str) -> None:
        start.wait()
        try:
            while True:
                try:
                    taken[officer_id].append(queue.take_next(officer_id))
                except (OfficerAtCapacity, QueueEmpty):
                    return
                except Busy:
                    continue
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(officer_id,)) for officer_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors

    claims = Counter(cid for cids in taken.values() for cid in cids)
    double = [cid for cid, n in claims.items() if n > 1]
    assert double == [], "a conversation was given to two officers"
    assert sum(claims.values()) == 10 * capacity
    for officer_id in ids:
        officer = officers.get(officer_id)
        assert officer is not None
        held = conversations.active_of(officer_id)
        assert int(officer.active_count) == len(held) == len(taken[officer_id]) <= capacity
        for conversation in held:
            stored = Conversation.get(conversation.conversation_id, consistent_read=True)
            assert stored.officer_id == officer_id
            assigned = [e for e in stored.history if e["event"] == "assigned"]
            assert len(assigned) == 1
    assert len(conversations.waiting()) == 200 - 10 * capacity
