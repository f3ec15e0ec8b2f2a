"""The local platform's moto answers Query as moto itself does, only faster
(local/moto_server.py: faster_queries): the same items, in the same order, the same pages —
on the app's own tables, with their indexes and projections, and on random data."""

from __future__ import annotations

import random
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local.aws import create_tables
from local.moto_costs import faster_queries, lighter_sqs, moto_own_queries

PREFIX = "parity"


def _random_items(rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Conversations (some waiting, some held, some urgent), officers and messages."""
    conversations, messages, officers = [], [], []
    for n in range(120):
        cid = f"{rng.getrandbits(64):016x}{n:016x}"
        at = 1_700_000_000 + rng.randrange(0, 5000) + rng.random()
        item: dict[str, Any] = {
            "conversation_id": {"S": cid},
            "status": {"S": rng.choice(["waiting", "active", "closed"])},
            "topic": {"S": rng.choice(["vol", "autre", "violences"])},
            "urgent": {"BOOL": rng.random() < 0.2},
            "enqueued_at": {"N": f"{at:.6f}"},
            "created_day": {"S": rng.choice(["2026-12-04", "2026-12-05"])},
            "created_at": {"N": f"{at:.6f}"},
            "citizen_conns": {"M": {f"c{n}=": {"S": "local|api"}}},
            "history": {"L": [{"M": {"event": {"S": "joined"}, "at": {"N": str(at)}}}]},
        }
        if item["status"]["S"] == "waiting":
            lane = 0 if item["urgent"]["BOOL"] else 1
            item["queue_pk"] = {"S": "waiting"}
            item["queue_sk"] = {"S": f"{lane}#{rng.choice([0, 1])}#{at:017.6f}#{cid}"}
        elif item["status"]["S"] == "active":
            item["active_officer"] = {"S": f"officer-{rng.randrange(4)}"}
            # Ties on the index's range key: the table's key orders them.
            item["assigned_at"] = {"N": str(rng.choice([10, 20, at]))}
        conversations.append(item)
        for seq in rng.sample(range(1, 40), rng.randrange(0, 8)):
            messages.append(
                {
                    "conversation_id": {"S": cid},
                    "seq": {"N": str(seq)},
                    "kind": {"S": "message"},
                    "text": {"S": "Bonjour " * rng.randrange(1, 4)},
                }
            )
    for n in range(12):
        officers.append(
            {
                "officer_id": {"S": f"officer-{n}"},
                "username": {"S": f"agent{n}"},
                "presence_pk": {"S": rng.choice(["online", "away"])},
                "avail_pk": {"S": "available"},
                "avail_sk": {"S": f"{rng.randrange(3)}#{rng.randrange(100):05d}"},
                "active_count": {"N": str(rng.randrange(3))},
                "capacity": {"N": "3"},
            }
        )
    return {
        f"{PREFIX}-conversations": conversations,
        f"{PREFIX}-messages": messages,
        f"{PREFIX}-officers": officers,
    }


def _pages(dynamodb: Any, request: dict[str, Any]) -> list[dict[str, Any]]:
    """Every page of a Query, as the client received it."""
    pages = []
    start: dict[str, Any] | None = None
    for _ in range(200):  # a page that leads back to itself would never end
        page = dynamodb.query(**request, **({"ExclusiveStartKey": start} if start else {}))
        page.pop("ResponseMetadata", None)
        pages.append(page)
        start = page.get("LastEvaluatedKey")
        if not start:
            return pages
    raise AssertionError(f"more than 200 pages: {request}")


def _queries(items: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    conversations = items[f"{PREFIX}-conversations"]
    some = [c["conversation_id"] for c in conversations[:4]]
    requests: list[dict[str, Any]] = []
    for limit in ({}, {"Limit": 1}, {"Limit": 7}):
        for forward in (True, False):
            common = {"ScanIndexForward": forward, **limit}
            requests.append(
                {
                    "TableName": f"{PREFIX}-conversations",
                    "IndexName": "queue",
                    "KeyConditionExpression": "queue_pk = :w",
                    "ExpressionAttributeValues": {":w": {"S": "waiting"}},
                    **common,
                }
            )
            requests.append(
                {
                    "TableName": f"{PREFIX}-conversations",
                    "IndexName": "queue",
                    "KeyConditionExpression": "queue_pk = :w AND begins_with(queue_sk, :lane)",
                    "FilterExpression": "topic <> :t",
                    "ExpressionAttributeValues": {
                        ":w": {"S": "waiting"},
                        ":lane": {"S": "1#"},
                        ":t": {"S": "vol"},
                    },
                    **common,
                }
            )
            requests.append(
                {
                    "TableName": f"{PREFIX}-conversations",
                    "IndexName": "by_officer",
                    "KeyConditionExpression": "active_officer = :o",
                    "ExpressionAttributeValues": {":o": {"S": "officer-1"}},
                    **common,
                }
            )
            requests.append(
                {
                    "TableName": f"{PREFIX}-officers",
                    "IndexName": "available",
                    "KeyConditionExpression": "avail_pk = :a",
                    "ExpressionAttributeValues": {":a": {"S": "available"}},
                    **common,
                }
            )
            requests.append(
                {
                    "TableName": f"{PREFIX}-officers",
                    "IndexName": "presence",
                    "KeyConditionExpression": "presence_pk = :p",
                    "ExpressionAttributeValues": {":p": {"S": "online"}},
                    **common,
                }
            )
            for cid in some:
                requests.append(
                    {
                        "TableName": f"{PREFIX}-messages",
                        "KeyConditionExpression": "conversation_id = :c AND seq > :s",
                        "ExpressionAttributeValues": {":c": cid, ":s": {"N": "3"}},
                        **common,
                    }
                )
                requests.append(
                    {
                        "TableName": f"{PREFIX}-conversations",
                        "KeyConditionExpression": "conversation_id = :c",
                        "ProjectionExpression": "conversation_id, citizen_conns, history[0]",
                        "ExpressionAttributeValues": {":c": cid},
                        **common,
                    }
                )
    requests.append(
        {
            "TableName": f"{PREFIX}-messages",
            "KeyConditionExpression": "conversation_id = :c",
            "ExpressionAttributeValues": {":c": {"S": "no-such-conversation"}},
        }
    )
    return requests


@pytest.mark.parametrize("seed", [1, 2])
def test_queries_answer_the_same_pages_as_moto_itself(seed: int) -> None:
    faster_queries()
    rng = random.Random(seed)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="eu-west-3")
        create_tables(dynamodb, PREFIX)
        items = _random_items(rng)
        for table, rows in items.items():
            for row in rows:
                dynamodb.put_item(TableName=table, Item=row)
        requests = _queries(items)
        faster = [_pages(dynamodb, request) for request in requests]
        with moto_own_queries():
            own = [_pages(dynamodb, request) for request in requests]
    assert sum(page["Count"] for pages in own for page in pages) > 200  # they read something
    assert any(len(pages) > 3 for pages in own)  # and paged
    for request, mine, theirs in zip(requests, faster, own, strict=True):
        assert mine == theirs, request


def test_a_query_on_a_table_key_reads_its_partition_only() -> None:
    """The point of it: a message history costs what it holds, not every message stored."""
    faster_queries()
    from moto.dynamodb.models.table import Table

    touched: list[int] = []

    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="eu-west-3")
        create_tables(dynamodb, PREFIX)
        for n in range(50):
            for seq in range(1, 4):
                dynamodb.put_item(
                    TableName=f"{PREFIX}-messages",
                    Item={"conversation_id": {"S": f"c{n}"}, "seq": {"N": str(seq)}},
                )
        all_items = Table.all_items

        def counted(self: Any) -> list[Any]:
            found: list[Any] = all_items(self)
            touched.append(len(found))
            return found

        Table.all_items = counted  # type: ignore[method-assign]
        try:
            page = dynamodb.query(
                TableName=f"{PREFIX}-messages",
                KeyConditionExpression="conversation_id = :c",
                ExpressionAttributeValues={":c": {"S": "c7"}},
            )
        finally:
            Table.all_items = all_items  # type: ignore[method-assign]
    assert [item["seq"]["N"] for item in page["Items"]] == ["1", "2", "3"]
    assert touched == [3]


def test_a_delete_batch_answers_each_handle_as_sqs_does() -> None:
    """One pass for the whole batch (local/moto_server.py: lighter_sqs), and still: deleted,
    deleted again (a success), or an invalid handle (a failure naming it)."""
    lighter_sqs()
    with mock_aws():
        sqs = boto3.client("sqs", region_name="eu-west-3")
        url = sqs.create_queue(QueueName="parity-events")["QueueUrl"]
        for n in range(30):
            sqs.send_message(QueueUrl=url, MessageBody=f"event {n}")
        received = []
        while len(received) < 12:
            received += sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60
            )["Messages"]
        first = [m["ReceiptHandle"] for m in received[:4]]
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": "old", "ReceiptHandle": first[0]}])
        answer = sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                *({"Id": f"m{n}", "ReceiptHandle": handle} for n, handle in enumerate(first)),
                {"Id": "bad", "ReceiptHandle": "not-a-handle"},
            ],
        )
        assert sorted(entry["Id"] for entry in answer["Successful"]) == ["m0", "m1", "m2", "m3"]
        assert [(entry["Id"], entry["Code"]) for entry in answer["Failed"]] == [
            ("bad", "ReceiptHandleIsInvalid")
        ]
        left = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        # 30 sent, 4 of those received deleted: the others received are in flight.
        in_flight, visible = len(received) - 4, 30 - len(received)
        assert (
            left["ApproximateNumberOfMessagesNotVisible"],
            left["ApproximateNumberOfMessages"],
        ) == (
            str(in_flight),
            str(visible),
        )
        bodies = set()
        while True:
            page = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not page:
                break
            bodies |= {m["Body"] for m in page}
        assert len(bodies) == visible
        assert not bodies & {m["Body"] for m in received}
