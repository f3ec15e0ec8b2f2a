"""Gone connections are cleaned up and never break the sender.

moto's management API never answers 410 GoneException, so the management API
client is stubbed with botocore's Stubber here; DynamoDB is moto.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from chalicelib.websocket.push import Sender, Target, use_sender
from tests.integration.chat_harness import Client, install_recorder, officer_token, pin_moto_keys
from tests.integration.moto_world import MotoAws


def stubbed_sender(gone: set[str]) -> tuple[Sender, list[str]]:
    """A real Sender whose management API answers 410 for ``gone`` ids, 200 otherwise."""
    client = boto3.client(
        "apigatewaymanagementapi",
        region_name="eu-west-3",
        endpoint_url="https://test.execute-api/api",
    )
    stubber = Stubber(client)
    delivered: list[str] = []

    def answer(params: dict[str, Any], **_: Any) -> None:
        if params["ConnectionId"] in gone:
            stubber.add_client_error(
                "post_to_connection", service_error_code="GoneException", http_status_code=410
            )
        else:
            delivered.append(params["ConnectionId"])
            stubber.add_response("post_to_connection", {})

    client.meta.events.register(
        "provide-client-params.apigatewaymanagementapi.PostToConnection", answer
    )
    stubber.activate()
    sender = Sender(None)
    sender._client = lambda endpoint: client  # type: ignore[method-assign]
    return sender, delivered


@pytest.fixture
def recorder(aws: MotoAws) -> Any:
    pin_moto_keys()
    return install_recorder()


def test_a_push_to_a_gone_citizen_socket_cleans_it_up_and_the_message_still_reaches_the_officer(
    recorder: Any, aws: MotoAws
) -> None:
    from chalicelib.models import conversation as conversations
    from chalicelib.models.connection import get_connection

    agent = Client(recorder, {"role": "officer", "token": officer_token(aws, "officier1")})
    agent.send({"type": "presence", "status": "online"})
    citizen = Client(recorder)
    joined = next(
        f for f in citizen.send({"type": "join", "topic": "vol"}) if f["type"] == "joined"
    )
    cid = joined["conversation_id"]
    assert get_connection(citizen.connection_id) is not None

    sender, delivered = stubbed_sender(gone={citizen.connection_id})
    recorder_frames = recorder.frames
    use_sender(sender)
    # The officer writes; the citizen's socket is gone (no $disconnect ever came).
    from chalicelib.chat import relay

    sent = relay.send(cid, relay.Speaker("officer", agent.stored_officer_id()), "Bonjour", "o-1")
    assert sent.seq >= 1
    assert get_connection(citizen.connection_id) is None
    conversation = conversations.get(cid)
    assert conversation is not None and conversation.connections() == {}
    assert conversation.gone_at is not None  # the sweeper will count it if it stays away
    assert agent.connection_id in delivered  # the officer's own echo went through
    assert recorder_frames is not None


def test_sender_never_raises_whatever_the_management_api_answers(aws: MotoAws) -> None:
    sender, _ = stubbed_sender(gone={"gone="})
    assert sender.send(Target("gone=", "test.execute-api", "api"), {"type": "x"}) is False
    assert sender.send(Target("alive=", "test.execute-api", "api"), {"type": "x"}) is True
