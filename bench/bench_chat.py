"""DynamoDB calls per chat operation at 10 and 10,000 existing conversations (moto in-process),
the items read to relay one message, against the well-known sample's Scan-and-post, and every
queue operation's DynamoDB calls, items read and pushes on its request path at 10 and 1,000
waiting citizens."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench.environment import PREFIX, use_bench_environment
from local import aws_calls

OPERATIONS = ("join", "assign", "send", "resume", "close")


def _conversation_item(cid: str, status: str, at: float, now: float) -> dict[str, Any]:
    """A conversation as the app stores it (DynamoDB JSON), created at ``at``."""
    return {
        "conversation_id": {"S": cid},
        "status": {"S": status},
        "topic": {"S": "vol"},
        "urgent": {"BOOL": False},
        "token_hash": {"S": "0" * 64},
        "created_at": {"N": str(at)},
        "created_day": {"S": time.strftime("%Y-%m-%d", time.gmtime(at))},
        "enqueued_at": {"N": str(at)},
        "ttl": {"N": str(int(now) + 86400)},
    }


def _write_all(dynamodb: Any, table: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 25):
        dynamodb.batch_write_item(
            RequestItems={
                table: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            }
        )


def _seed(dynamodb: Any, existing: int) -> None:
    """``existing`` closed conversations with 4 messages each, and as many old connections."""
    now = time.time()
    conversations, messages, connections = [], [], []
    for n in range(existing):
        cid = f"{n:032x}"
        conversations.append(
            {
                **_conversation_item(cid, "closed", now - n, now),
                "last_seq": {"N": "4"},
                "citizen_conns": {"M": {}},
                "outcome": {"S": "information"},
            }
        )
        for seq in range(1, 5):
            messages.append(
                {
                    "conversation_id": {"S": cid},
                    "seq": {"N": str(seq)},
                    "kind": {"S": "message"},
                    "sender": {"S": "citizen"},
                    "text": {"S": "Bonjour"},
                    "sent_at": {"N": str(now)},
                    "ttl": {"N": str(int(now) + 86400)},
                }
            )
        connections.append(
            {
                "connection_id": {"S": f"old{n}="},
                "kind": {"S": "citizen"},
                "domain_name": {"S": "bench"},
                "stage": {"S": "api"},
                "connected_at": {"N": str(int(now))},
                "ttl": {"N": str(int(now) + 3600)},
            }
        )
    _write_all(dynamodb, f"{PREFIX}-conversations", conversations)
    _write_all(dynamodb, f"{PREFIX}-messages", messages)
    _write_all(dynamodb, f"{PREFIX}-connections", connections)


def _measure(existing: int) -> dict[str, Any]:
    import boto3
    from moto import mock_aws

    from local.aws import create_queues, create_secrets, create_tables

    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="eu-west-3")
        create_tables(dynamodb, PREFIX)
        create_queues(boto3.client("sqs", region_name="eu-west-3"), PREFIX)
        secrets = create_secrets(boto3.client("secretsmanager", region_name="eu-west-3"), PREFIX)
        from tests.app_settings import configure_app

        # Request paths only: the fan-out its queue events call for is not run here.
        configure_app({"CLIENT_KEY_SECRET_ID": secrets["CLIENT_KEY_SECRET_ID"], "SQS_ENDPOINT": ""})
        _seed(dynamodb, existing)
        from chalicelib.chat import queue
        from chalicelib.clock import now
        from chalicelib.models import officer as officers
        from tests.integration.chat_harness import Client, install_recorder

        recorder = install_recorder()
        officers.attach_socket("bench-officer", "agent", "officer-socket=", "bench|api", 4, now())
        from chalicelib.models.connection import save_connection

        save_connection("officer-socket=", "officer", "bench", "api", officer_id="bench-officer")
        calls: dict[str, int] = {}
        scans = 0
        citizen = Client(recorder, deliver=False)
        with aws_calls.counting() as tally:
            frames = citizen.send(
                {"type": "join", "topic": "vol", "text": "Bonjour", "client_id": "j1"}
            )
        joined = next(f for f in frames if f["type"] == "joined")
        calls["join"], scans = tally.ddb(), scans + tally.ddb("Scan")
        officer = officers.get("bench-officer")
        assert officer is not None
        officers.set_status(officer, "online", now())
        with aws_calls.counting() as tally:
            assigned = queue.dispatch().assigned
        assert len(assigned) == 1
        calls["assign"], scans = tally.ddb(), scans + tally.ddb("Scan")
        with aws_calls.counting() as tally:
            citizen.send({"type": "send", "client_id": "m1", "text": "Ma question"})
        calls["send"], scans = tally.ddb(), scans + tally.ddb("Scan")
        items_read = tally.total_items_read()
        pushes = tally.posts()
        again = Client(recorder, deliver=False)
        with aws_calls.counting() as tally:
            again.send(
                {
                    "type": "resume",
                    "conversation_id": joined["conversation_id"],
                    "token": joined["token"],
                    "last_seq": 1,
                }
            )
        calls["resume"], scans = tally.ddb(), scans + tally.ddb("Scan")
        from chalicelib.websocket.edge import on_message
        from chalicelib.websocket.push import use_sender
        from chalicelib.websocket.routes import FRAMES
        from tests.integration.chat_harness import event

        with aws_calls.counting() as tally:
            on_message(
                event(
                    "$default",
                    "officer-socket=",
                    {
                        "type": "close",
                        "conversation_id": joined["conversation_id"],
                        "outcome": "information",
                    },
                ),
                FRAMES,
            )
        calls["close"], scans = tally.ddb(), scans + tally.ddb("Scan")
        closed = [f for f in recorder.frames["officer-socket="] if f["type"] == "ok"]
        assert closed, recorder.frames["officer-socket="][-3:]

        # The well-known serverless chat sample: Scan every connection, post to each.
        baseline_items = 0
        if existing >= 10_000:
            management = boto3.client(
                "apigatewaymanagementapi",
                region_name="eu-west-3",
                endpoint_url="https://bench01.execute-api.eu-west-3.amazonaws.com/api",
            )
            with aws_calls.counting() as tally:
                pages = dynamodb.get_paginator("scan").paginate(
                    TableName=f"{PREFIX}-connections", ProjectionExpression="connection_id"
                )
                for page in pages:
                    for item in page["Items"]:
                        management.post_to_connection(
                            ConnectionId=item["connection_id"]["S"], Data=b"{}"
                        )
            baseline_items = tally.total_items_read()
        use_sender(None)
        return {
            "calls": calls,
            "scans": scans,
            "items_read": items_read,
            "pushes": pushes,
            "baseline_items": baseline_items,
        }


def run() -> dict[str, float]:
    use_bench_environment()
    small = _measure(10)
    large = _measure(10_000)
    figures: dict[str, float] = {}
    for op in OPERATIONS:
        figures[f"chat.ddb_calls.{op}@10"] = small["calls"][op]
        figures[f"chat.ddb_calls.{op}@10000"] = large["calls"][op]
    figures["chat.scan_calls"] = small["scans"] + large["scans"]
    figures["chat.items_read_per_message"] = large["items_read"]
    figures["chat.baseline_items_read_per_message"] = large["baseline_items"]
    figures.update(queue_figures())
    figures.update(conversation_figures())
    return figures


# -- every queue operation at 10 and 1,000 waiting citizens -----------------------------------

QUEUE_OPERATIONS = (
    "join",
    "take_next",
    "transfer",
    "close",
    "cancel",
    "officer_ping",
    "officer_hello",
)


def _seed_waiting(dynamodb: Any, count: int) -> None:
    """``count`` conversations waiting in the queue (normal lane, arrival order)."""
    now = time.time()
    items = []
    for n in range(count):
        cid = f"{n:032x}"
        at = now - 3600 + n
        items.append(
            {
                **_conversation_item(cid, "waiting", at, now),
                "queue_pk": {"S": "waiting"},
                "queue_sk": {"S": f"1#1#{at:017.6f}#{cid}"},
                "citizen_conns": {"M": {f"waiting{n}=": {"S": "bench|api"}}},
                "last_seq": {"N": "0"},
                "history": {"L": []},
                "read_citizen": {"N": "0"},
                "read_officer": {"N": "0"},
            }
        )
    _write_all(dynamodb, f"{PREFIX}-conversations", items)


@contextmanager
def _queue_world() -> Iterator[Any]:
    """In-process moto with the app's tables, queues and secrets, the app pointed at them and
    the fan-out run by the caller (no settling delay); yields the DynamoDB client."""
    import boto3
    from moto import mock_aws

    from local.aws import create_queues, create_secrets, create_tables

    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="eu-west-3")
        create_tables(dynamodb, PREFIX)
        create_queues(boto3.client("sqs", region_name="eu-west-3"), PREFIX)
        secrets = create_secrets(boto3.client("secretsmanager", region_name="eu-west-3"), PREFIX)
        from tests.app_settings import configure_app

        configure_app(
            {
                "CLIENT_KEY_SECRET_ID": secrets["CLIENT_KEY_SECRET_ID"],
                "SQS_ENDPOINT": "",
                "QUEUE_SETTLE_SECONDS": "0",
            }
        )
        yield dynamodb


def _measure_queue(waiting: int) -> dict[str, dict[str, int]]:
    """DynamoDB calls, items read and pushes of each queue operation's request, with
    ``waiting`` citizens in the queue (the fan-out, off the request path, is not counted)."""
    with _queue_world() as dynamodb:
        _seed_waiting(dynamodb, waiting)
        from chalicelib.clock import now
        from chalicelib.models import officer as officers
        from chalicelib.models.connection import save_connection
        from tests.integration.chat_harness import Client, deliver_queue_events, install_recorder

        recorder = install_recorder()
        # An officer taking conversations by hand ("away": nothing is assigned to them).
        officers.attach_socket("bench-officer", "agent", "officer-socket=", "bench|api", 4, now())
        save_connection("officer-socket=", "officer", "bench", "api", officer_id="bench-officer")
        officer = officers.get("bench-officer")
        assert officer is not None
        officers.set_status(officer, "away", now())
        deliver_queue_events()  # one fan-out: the view officers read exists
        agent = Client(recorder, deliver=False)
        agent.connection_id = "officer-socket="
        citizen = Client(recorder, deliver=False)

        def pushes() -> int:
            return sum(len(frames) for frames in recorder.frames.values())

        figures: dict[str, dict[str, int]] = {"calls": {}, "items": {}, "pushes": {}}

        def measure(operation: str, client: Client, frame: dict[str, Any]) -> list[Any]:
            before = pushes()
            with aws_calls.counting() as tally:
                answers = client.send(frame)
            figures["calls"][operation] = tally.ddb()
            figures["items"][operation] = tally.total_items_read()
            figures["pushes"][operation] = pushes() - before
            assert not [a for a in answers if a["type"] == "error"], (operation, answers)
            return answers

        measure(
            "join", citizen, {"type": "join", "topic": "vol", "text": "Bonjour", "client_id": "j1"}
        )
        measure("officer_ping", agent, {"type": "ping"})
        measure("officer_hello", agent, {"type": "hello"})
        taken = measure("take_next", agent, {"type": "take_next"})
        cid = next(a for a in taken if a["type"] == "taken")["conversation_id"]
        measure(
            "transfer",
            agent,
            {"type": "transfer", "conversation_id": cid, "note": "Plainte pour vol, à orienter."},
        )
        retaken = agent.send({"type": "take_next"})  # the same one, back from the queue
        assert next(a for a in retaken if a["type"] == "taken")["conversation_id"] == cid
        measure(
            "close",
            agent,
            {"type": "close", "conversation_id": cid, "outcome": "information", "links": []},
        )
        measure("cancel", citizen, {"type": "end"})
        from chalicelib.websocket.push import use_sender

        use_sender(None)
        return figures


def queue_figures() -> dict[str, float]:
    """``chat.<figure>.<operation>@waiting10`` and ``@waiting1000``."""
    figures: dict[str, float] = {}
    for waiting in (10, 1000):
        measured = _measure_queue(waiting)
        for operation in QUEUE_OPERATIONS:
            suffix = f"{operation}@waiting{waiting}"
            figures[f"chat.ddb_calls.{suffix}"] = measured["calls"][operation]
            figures[f"chat.items_read.{suffix}"] = measured["items"][operation]
            figures[f"chat.sync_pushes.{suffix}"] = measured["pushes"][operation]
    return figures


# -- one whole conversation, fan-outs included (docs/scale.md: cost per 1,000) -------------

READS = ("GetItem", "Query", "BatchGetItem", "Scan")


def conversation_figures() -> dict[str, float]:
    """AWS calls of one conversation from ``$connect`` to ``$disconnect`` with an officer
    free: join (assigned at once), three messages each way, close — the fan-outs its queue
    events cause included. ``chat.conversation.*``: DynamoDB read and write calls, SQS
    messages sent, frames pushed, Lambda invocations (frames, connect and disconnect,
    fan-outs)."""
    with _queue_world():
        from chalicelib.clock import now
        from chalicelib.models import officer as officers
        from chalicelib.models.connection import save_connection
        from chalicelib.websocket.push import use_sender
        from tests.integration.chat_harness import Client, deliver_queue_events, install_recorder

        recorder = install_recorder()
        officers.attach_socket("bench-officer", "agent", "officer-socket=", "bench|api", 3, now())
        save_connection("officer-socket=", "officer", "bench", "api", officer_id="bench-officer")
        agent = Client(recorder, deliver=False)
        agent.connection_id = "officer-socket="
        agent.send({"type": "presence", "status": "online", "capacity": 3})
        deliver_queue_events()
        fan_outs = 0
        for _ in range(2):  # the second one is measured: clients and caches warm
            frames = 0
            fan_outs = 0
            before = sum(len(f) for f in recorder.frames.values())
            with aws_calls.counting() as tally:
                citizen = Client(recorder, deliver=False)
                citizen.send({"type": "join", "topic": "vol", "text": "On m'a volé mon vélo"})
                fan_outs += deliver_queue_events()
                cid = next(f for f in citizen.all() if f["type"] == "joined")["conversation_id"]
                for n in range(3):
                    agent.send(
                        {
                            "type": "send",
                            "conversation_id": cid,
                            "client_id": f"o{n}",
                            "text": "Oui",
                        }
                    )
                    citizen.send({"type": "send", "client_id": f"c{n}", "text": "Merci"})
                agent.send(
                    {"type": "close", "conversation_id": cid, "outcome": "information", "links": []}
                )
                fan_outs += deliver_queue_events()
                citizen.disconnect()
            frames = sum(len(f) for f in recorder.frames.values()) - before
        use_sender(None)
        ddb = {
            key.split(".", 1)[1]: n for key, n in tally.calls.items() if key.startswith("dynamodb.")
        }
        reads = sum(n for op, n in ddb.items() if op in READS)
        return {
            "chat.conversation.ddb_read_calls": reads,
            "chat.conversation.ddb_write_calls": sum(ddb.values()) - reads,
            "chat.conversation.ddb_transactions": ddb.get("TransactWriteItems", 0),
            "chat.conversation.sqs_messages_sent": tally.calls.get("sqs.SendMessage", 0),
            "chat.conversation.frames_pushed": frames,
            # $connect, join, 6 sends, close, $disconnect, and each fan-out.
            "chat.conversation.lambda_invocations": 10 + fan_outs,
        }
