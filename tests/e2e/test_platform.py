"""The local platform emulates API Gateway: real sockets, the management API, handshake refusals."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest
import websockets
from botocore.exceptions import ClientError
from websockets.sync.client import connect

from tests.app_settings import configure_app
from tests.local_platform import Platform, http_json

pytestmark = pytest.mark.e2e


def connection_ids(platform: Platform) -> set[str]:
    # A Scan is fine here: this is a test looking into the table, not the app's hot path.
    table = platform.aws_client("dynamodb")
    items = table.scan(TableName="moncommissariat-local-connections")["Items"]
    return {item["connection_id"]["S"] for item in items}


def open_socket(platform: Platform, query: str = "") -> tuple[Any, str]:
    """Connect a citizen socket and learn its connection id from the table."""
    before = connection_ids(platform)
    client = connect(platform.ws_url + query, open_timeout=10)
    deadline = time.time() + 10
    while time.time() < deadline:
        new = connection_ids(platform) - before
        if new:
            return client, new.pop()
        time.sleep(0.05)
    raise AssertionError("the $connect handler did not store the connection")


def wait_until(predicate: Any, timeout: float = 10.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_start_prints_the_urls_and_the_demo_accounts(local_platform: Platform) -> None:
    banner = "\n".join(local_platform.output)
    for expected in (
        f"{local_platform.url}/",
        f"{local_platform.url}/console/",
        f"{local_platform.url}/api/health",
        local_platform.ws_url,
        "officier1",
        "superviseur",
        "Commissariat-2026!",
    ):
        assert expected in banner


def test_health_answers_json_with_the_version(local_platform: Platform) -> None:
    status, body = local_platform.get("/api/health")
    assert status == 200
    assert body["status"] == "ok"
    assert body["version"]


def test_a_malformed_json_body_is_a_json_400(local_platform: Platform) -> None:
    token = local_platform.token("superviseur")
    status, body = http_json(
        f"{local_platform.url}/api/officer/canned",
        method="POST",
        body=b"{not json",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert status == 400
    assert body["error"]["code"] == "invalid_json"


def test_unknown_route_is_a_json_404(local_platform: Platform) -> None:
    status, body = local_platform.get("/api/nowhere/at/all")
    assert status == 404
    assert body["error"]["code"] == "not_found"


def test_site_and_console_are_served(local_platform: Platform) -> None:
    for path in ("/", "/console/"):
        status, body = http_json(local_platform.url + path)
        assert status == 200, path
        assert "<html" in body.lower()


def test_push_through_the_management_api_reaches_the_socket(local_platform: Platform) -> None:
    client, connection_id = open_socket(local_platform)
    with client:
        local_platform.management_client().post_to_connection(
            ConnectionId=connection_id, Data=json.dumps({"type": "hello", "n": 1}).encode()
        )
        assert json.loads(client.recv(timeout=10)) == {"type": "hello", "n": 1}
        info = local_platform.management_client().get_connection(ConnectionId=connection_id)
        assert info["Identity"]["SourceIp"] == "127.0.0.1"


def test_ping_frame_gets_a_pong(local_platform: Platform) -> None:
    client, _ = open_socket(local_platform)
    with client:
        client.send(json.dumps({"type": "ping", "ref": "p1"}))
        assert json.loads(client.recv(timeout=10)) == {"type": "pong", "ref": "p1"}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_json"),
        ('{"type": "teleport"}', "unknown_type"),
        ('{"no_type": true}', "unknown_type"),
        ('{"type": "ping", "ref": 12}', "invalid_input"),
    ],
)
def test_malformed_frames_get_an_error_frame(local_platform: Platform, raw: str, code: str) -> None:
    client, _ = open_socket(local_platform)
    with client:
        client.send(raw)
        frame = json.loads(client.recv(timeout=10))
        assert frame["type"] == "error"
        assert frame["code"] == code
        assert frame["message"]


def test_push_to_a_closed_connection_is_gone_and_cleaned_up(local_platform: Platform) -> None:
    client, connection_id = open_socket(local_platform)
    client.close()
    assert wait_until(lambda: connection_id not in connection_ids(local_platform))
    with pytest.raises(ClientError) as raised:
        local_platform.management_client().post_to_connection(
            ConnectionId=connection_id, Data=b"{}"
        )
    assert raised.value.response["Error"]["Code"] == "GoneException"

    # A connection item left behind (a lost $disconnect): the sender must clean it up.
    configure_app(local_platform.app_env())
    from chalicelib.models.connection import get_connection, save_connection
    from chalicelib.websocket.push import Target, sender

    save_connection(connection_id, "citizen", "127.0.0.1", "api")
    assert get_connection(connection_id) is not None
    delivered = sender().send(Target(connection_id, "127.0.0.1", "api"), {"type": "x"})
    assert delivered is False
    assert get_connection(connection_id) is None


def test_officer_connect_without_a_valid_token_is_refused_with_403(
    local_platform: Platform,
) -> None:
    with pytest.raises(websockets.exceptions.InvalidStatus) as raised:
        connect(local_platform.ws_url + "?role=officer&token=not.a.token", open_timeout=10)
    assert raised.value.response.status_code == 403


def test_officer_connect_with_a_cognito_token_is_accepted(local_platform: Platform) -> None:
    token = local_platform.token("officier1")
    client, connection_id = open_socket(local_platform, f"?role=officer&token={token}")
    with client:
        item = local_platform.aws_client("dynamodb").get_item(
            TableName="moncommissariat-local-connections",
            Key={"connection_id": {"S": connection_id}},
        )["Item"]
        assert item["kind"]["S"] == "officer"


def test_disconnect_runs_when_a_client_vanishes_without_a_close_frame(
    local_platform: Platform,
) -> None:
    client, connection_id = open_socket(local_platform)
    # Drop the TCP connection under the WebSocket: no close frame is ever sent.
    client.socket.shutdown(socket.SHUT_RDWR)
    client.socket.close()
    assert wait_until(lambda: connection_id not in connection_ids(local_platform))


def test_idle_connections_are_closed_by_the_gateway() -> None:
    from tests.local_platform import start_platform, stop_platform

    platform = start_platform(["--idle-timeout", "1", "--no-seed"])
    try:
        client, connection_id = open_socket(platform)
        with pytest.raises(websockets.exceptions.ConnectionClosed):
            client.recv(timeout=10)
        assert client.close_code == 1001
        assert wait_until(lambda: connection_id not in connection_ids(platform))
    finally:
        stop_platform(platform)
