"""Drive the WebSocket handlers in-process (moto), recording what is pushed to each socket."""

from __future__ import annotations

import functools
import gzip
import itertools
import json
from collections import defaultdict
from importlib import resources
from typing import Any

from chalice.app import SQSEventConfig

from chalicelib.auth import TokenVerifier, reset_verifier
from chalicelib.config import settings
from chalicelib.websocket import edge
from chalicelib.websocket.push import Delivery, Sender, Target, use_sender
from chalicelib.websocket.routes import FRAMES

_ids = itertools.count(1)


class RecordingSender(Sender):
    """Keeps every frame per connection; connections marked gone answer 410 like AWS."""

    def __init__(self) -> None:
        super().__init__(None)
        self.frames: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.gone_ids: set[str] = set()

    def post(self, target: Target, frame: Any) -> Delivery:
        if target.connection_id in self.gone_ids:
            self.gone(target.connection_id)
            return Delivery.GONE
        self.frames[target.connection_id].append(json.loads(json.dumps(frame)))
        return Delivery.DELIVERED


def install_recorder() -> RecordingSender:
    recorder = RecordingSender()
    use_sender(recorder)
    return recorder


def moto_public_jwks() -> dict[str, Any]:
    """moto's real Cognito signing keys (in-process moto cannot serve the JWKS over HTTP)."""
    raw = resources.files("moto.cognitoidp").joinpath("resources/jwks-public.json.gz").read_bytes()
    keys: dict[str, Any] = json.loads(gzip.decompress(raw))
    return keys


def pin_moto_keys() -> None:
    reset_verifier(TokenVerifier(settings(), jwks=moto_public_jwks()))


def event(
    route: str,
    connection_id: str,
    body: Any = None,
    query: dict[str, str] | None = None,
    source_ip: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "requestContext": {
            "routeKey": route,
            "connectionId": connection_id,
            "domainName": "test.execute-api",
            "stage": "api",
            "apiId": "test",
            "requestId": f"r{next(_ids)}",
            "eventType": {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE"),
            "identity": {"sourceIp": source_ip or "198.51.100.1"},
        },
    }
    if query:
        data["queryStringParameters"] = query
    if headers:
        data["headers"] = headers
    if body is not None:
        data["body"] = body if isinstance(body, str) else json.dumps(body)
    return data


@functools.lru_cache(maxsize=4)
def _sqs(region: str, endpoint: str | None) -> Any:
    import boto3

    return boto3.client("sqs", region_name=region, endpoint_url=endpoint)


def deliver_queue_events() -> int:
    """Run the app's queue fan-out on every queue event sent so far, as Lambda's SQS event
    source would (local/events.py, on the in-process moto); returns how many batches."""

    import app
    from local.events import SqsEventSource

    conf = settings()
    sqs = _sqs(conf.region, conf.sqs_endpoint)
    total = 0
    for config in app.app.event_sources:
        if isinstance(config, SQSEventConfig):
            source = SqsEventSource(app.app, config, sqs, queue=conf.queue_events_name)
            total += source.drain()
    return total


class Client:
    """One socket: connect, send frames, read what was pushed to it.

    After each frame the queue events it sent are delivered to the fan-out (``deliver``),
    so that a test reads what the citizen sees a moment later.
    """

    def __init__(
        self,
        recorder: RecordingSender,
        query: dict[str, str] | None = None,
        source_ip: str | None = None,
        headers: dict[str, str] | None = None,
        *,
        deliver: bool = True,
    ) -> None:
        """A socket from ``source_ip`` (default: an address of its own, as most citizens)."""
        self.recorder = recorder
        self.deliver = deliver
        number = next(_ids)
        self.connection_id = f"conn{number}="
        self.source_ip = (
            source_ip or f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        )
        result = edge.on_connect(
            event(
                "$connect",
                self.connection_id,
                query=query,
                source_ip=self.source_ip,
                headers=headers,
            )
        )
        self.status = result["statusCode"]
        self.read_upto = 0

    def send(self, frame: dict[str, Any] | str) -> list[dict[str, Any]]:
        edge.on_message(event("$default", self.connection_id, frame), FRAMES)
        if self.deliver:
            deliver_queue_events()
        return self.new()

    def new(self) -> list[dict[str, Any]]:
        frames = self.recorder.frames[self.connection_id][self.read_upto :]
        self.read_upto += len(frames)
        return frames

    def all(self) -> list[dict[str, Any]]:
        return list(self.recorder.frames[self.connection_id])

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.all() if f.get("type") == kind]

    def messages(self) -> list[dict[str, Any]]:
        """Every message seen (pushed or in history), deduplicated by seq, in seq order."""
        seen: dict[int, dict[str, Any]] = {}
        for f in self.all():
            if f.get("type") == "message":
                seen[f["seq"]] = f
            elif f.get("type") == "history":
                for m in f["messages"]:
                    seen[m["seq"]] = m
        return [seen[k] for k in sorted(seen)]

    def stored_officer_id(self) -> str:
        from chalicelib.models.connection import get_connection

        stored = get_connection(self.connection_id)
        assert stored is not None and stored.officer_id
        return stored.officer_id

    def disconnect(self) -> None:
        edge.on_disconnect(event("$disconnect", self.connection_id))


def officer_token(aws: Any, username: str) -> str:
    result = aws.client("cognito-idp").initiate_auth(
        ClientId=aws.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": "Commissariat-2026!"},
    )
    return str(result["AuthenticationResult"]["IdToken"])
