"""The one way to send to a WebSocket connection.

Works from WebSocket handlers and from HTTP routes or schedules alike: the
management API endpoint is built from the connection's own ``domainName`` and
``stage`` (stored at ``$connect``), or from ``WEBSOCKET_ENDPOINT`` when the
local platform stands in for API Gateway. A connection that is gone (410
GoneException) is a normal event: the gone hooks run (the connection item is
deleted, the chat forgets the socket) and the caller carries on.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import settings
from chalicelib.observability import count, logger

GoneHook = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    """Where a connection lives: its id and the API that holds it."""

    connection_id: str
    domain_name: str
    stage: str


class Sender:
    """Posts JSON frames to connections through the API Gateway management API."""

    def __init__(self, endpoint_override: str | None = None) -> None:
        self._endpoint_override = endpoint_override
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._gone_hooks: list[GoneHook] = []

    def on_gone(self, hook: GoneHook) -> GoneHook:
        """Register a function called with the id of each connection found gone."""
        self._gone_hooks.append(hook)
        return hook

    def endpoint_for(self, target: Target) -> str:
        if self._endpoint_override:
            return f"{self._endpoint_override.rstrip('/')}/{target.stage}"
        return f"https://{target.domain_name}/{target.stage}"

    def _client(self, endpoint: str) -> Any:
        with self._lock:
            client = self._clients.get(endpoint)
            if client is None:
                client = boto3.client(
                    "apigatewaymanagementapi",
                    endpoint_url=endpoint,
                    region_name=settings().region,
                    config=BotoConfig(
                        retries={"max_attempts": 2, "mode": "standard"},
                        connect_timeout=2,
                        read_timeout=5,
                    ),
                )
                self._clients[endpoint] = client
            return client

    def send(self, target: Target, frame: dict[str, Any]) -> bool:
        """Send one frame. True when delivered; False when gone or failed (never raises)."""
        data = json.dumps(frame, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            self._client(self.endpoint_for(target)).post_to_connection(
                ConnectionId=target.connection_id, Data=data
            )
            return True
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code == "GoneException" or status == 410:
                self.gone(target.connection_id)
                return False
            logger.warning(
                "push failed", extra={"connection_id": target.connection_id, "code": code}
            )
        except BotoCoreError:
            logger.exception("push failed", extra={"connection_id": target.connection_id})
        count("PushFailed")
        return False

    def send_many(self, targets: Iterable[Target], frame: dict[str, Any]) -> int:
        """Send the same frame to each target; returns how many were delivered."""
        return sum(1 for target in targets if self.send(target, frame))

    def gone(self, connection_id: str) -> None:
        """Run the gone hooks for a connection; a failing hook is logged, not raised."""
        count("ConnectionGone")
        for hook in self._gone_hooks:
            try:
                hook(connection_id)
            except Exception:
                logger.exception("gone hook failed", extra={"connection_id": connection_id})

    def close(self, target: Target) -> None:
        """Ask API Gateway to close a connection (gone already is fine)."""
        try:
            self._client(self.endpoint_for(target)).delete_connection(
                ConnectionId=target.connection_id
            )
        except (ClientError, BotoCoreError):
            logger.info("close of a gone connection", extra={"connection_id": target.connection_id})


_sender: Sender | None = None


def sender() -> Sender:
    """The process-wide sender, built from settings once."""
    global _sender
    if _sender is None:
        _sender = Sender(settings().websocket_endpoint)
        from chalicelib.connections import forget

        _sender.on_gone(forget)
    return _sender


def reset_sender() -> None:
    """Forget the sender (tests that change the endpoint)."""
    global _sender
    _sender = None


def send(target: Target, frame: dict[str, Any]) -> bool:
    """Send one frame with the process-wide sender."""
    return sender().send(target, frame)
