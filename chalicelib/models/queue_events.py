"""Queue events: one small SQS message per change of the waiting queue.

A request path that changes the queue (a join, a cancel, an assignment, a requeue…) or
needs a position (a waiting citizen's ``ping``) sends one message and returns; the fan-out
(chalicelib/chat/fanout.py), invoked by Lambda's SQS event source with every message of a
batching window, reads the queue once and tells everyone. A message is only a doorbell:
the fan-out reads the truth from the table, so a lost or repeated message costs nothing but
a late or a second fan-out (the minute sweeper sends one anyway).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.config import Settings, settings
from chalicelib.models.base import per_settings
from chalicelib.observability import count, logger

MAX_DELAY_SECONDS = 900  # SQS's limit


@per_settings
def _client(conf: Settings) -> Any:
    """The SQS client (one per process, like every other client of the data layer)."""
    return boto3.client(
        "sqs",
        region_name=conf.region,
        endpoint_url=conf.sqs_endpoint,
        config=BotoConfig(
            retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=2, read_timeout=5
        ),
    )


_urls: dict[tuple[str | None, str], str] = {}


def _queue_url() -> str:
    """The queue's URL, asked once per process (the account id is not in the settings)."""
    conf = settings()
    key = (conf.sqs_endpoint, conf.queue_events_name)
    url = _urls.get(key)
    if url is None:
        url = str(_client().get_queue_url(QueueName=conf.queue_events_name)["QueueUrl"])
        _urls[key] = url
    return url


def send(event: Mapping[str, Any], delay_seconds: int = 0) -> bool:
    """Send one queue event; never raises (the sweeper's minute fan-out covers a loss)."""
    body = json.dumps(event, separators=(",", ":"), sort_keys=True)
    request: dict[str, Any] = {"MessageBody": body}
    if delay_seconds > 0:
        request["DelaySeconds"] = min(int(delay_seconds), MAX_DELAY_SECONDS)
    try:
        _client().send_message(QueueUrl=_queue_url(), **request)
    except (BotoCoreError, ClientError):
        logger.exception("queue event not sent", extra={"event": body})
        count("QueueEventFailed")
        return False
    return True
