"""The one way to send to a WebSocket connection: API Gateway's management API.

Works from WebSocket handlers, HTTP routes and schedules alike: the management API endpoint
is built from the connection's own ``domainName`` and ``stage`` (stored at ``$connect``), or
from ``WEBSOCKET_ENDPOINT`` when the local platform stands in for API Gateway (Chalice's own
``websocket_api`` client is only configured inside WebSocket handlers).

A connection that is gone (410 GoneException) is a normal event: its connection item is
deleted here and :meth:`Sender.post` says ``GONE``, so that the caller (who knows whose
socket it was) can tell its domain. Nothing here imports the edge or a domain.
"""

from __future__ import annotations

import enum
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import settings
from chalicelib.models.base import pool_size
from chalicelib.models.connection import delete_connection
from chalicelib.observability import count, logger


@dataclass(frozen=True)
class Target:
    """Where a connection lives: its id and the API that holds it."""

    connection_id: str
    domain_name: str
    stage: str


class Delivery(enum.Enum):
    """What became of one push."""

    DELIVERED = "delivered"
    GONE = "gone"  # the client went away: its connection item is deleted
    FAILED = "failed"  # anything else: logged and counted, never raised


class Sender:
    """Posts JSON frames to connections through the API Gateway management API."""

    def __init__(self, endpoint_override: str | None = None, region: str | None = None) -> None:
        self._endpoint_override = endpoint_override
        self._region = region or settings().region
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

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
                    region_name=self._region,
                    config=BotoConfig(
                        retries={"max_attempts": 2, "mode": "standard"},
                        connect_timeout=2,
                        read_timeout=5,
                        # The fan-out posts from several threads: one connection each,
                        # rather than a new TLS handshake for every post over 10.
                        max_pool_connections=pool_size(settings()),
                    ),
                )
                self._clients[endpoint] = client
            return client

    def post(self, target: Target, frame: Mapping[str, Any]) -> Delivery:
        """Send one frame; never raises."""
        # "replace": a lone surrogate that slipped into a frame must not make a push raise.
        text = json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
        data = text.encode("utf-8", "replace")
        try:
            self._client(self.endpoint_for(target)).post_to_connection(
                ConnectionId=target.connection_id, Data=data
            )
            return Delivery.DELIVERED
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code == "GoneException" or status == 410:
                self.gone(target.connection_id)
                return Delivery.GONE
            logger.warning(
                "push failed", extra={"connection_id": target.connection_id, "code": code}
            )
        except BotoCoreError:
            logger.exception("push failed", extra={"connection_id": target.connection_id})
        count("PushFailed")
        return Delivery.FAILED

    def send(self, target: Target, frame: Mapping[str, Any]) -> bool:
        """Send one frame; True when delivered (gone and failed pushes are False)."""
        return self.post(target, frame) is Delivery.DELIVERED

    def gone(self, connection_id: str) -> None:
        """Forget a connection API Gateway no longer holds (idempotent, never raises)."""
        count("ConnectionGone")
        try:
            delete_connection(connection_id)
        except Exception:
            logger.exception(
                "gone connection cleanup failed", extra={"connection_id": connection_id}
            )


_sender: Sender | None = None


def sender() -> Sender:
    """The process-wide sender, built from settings once."""
    global _sender
    if _sender is None:
        _sender = Sender(settings().websocket_endpoint, settings().region)
    return _sender


def use_sender(replacement: Sender | None) -> None:
    """Replace the process-wide sender (tests record pushes), or forget it (None)."""
    global _sender
    _sender = replacement
