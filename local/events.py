"""Lambda's SQS event source, emulated: each ``@app.on_sqs_message`` handler of the app is
invoked as AWS invokes it.

For each handler, up to ``maximum_concurrency`` pollers receive from its queue (in moto), gather
a batch — up to ``batch_size`` messages, for at most ``maximum_batching_window_in_seconds``
after the first — and invoke the handler with the event Lambda sends (``Records`` with
``messageId``, ``receiptHandle``, ``body``, ``attributes``, ``eventSource: aws:sqs``,
``eventSourceARN``…). A batch the handler returns from is deleted; one it raised on is left
in the queue, visible again after the queue's visibility timeout, as on AWS.

The pollers do not long-poll: moto's SQS is serialized by the local moto server
(local/moto_server.py), and a long poll would hold it. They poll every
``POLL_SECONDS`` instead.

The platform runs them in a process of their own (``python -m local.events``,
:class:`EventSourceProcess`), as Lambda runs the fan-out in its own execution environment:
in the platform's process its pool of posting threads would compete for one interpreter
with every WebSocket handler, and an officer's ``send`` would wait on the queue's size.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from chalice.app import Chalice, SQSEventConfig
from chalice.local import LambdaContext

from local import quick_thread_switches
from local.child import Child

POLL_SECONDS = 0.1
RECEIVE_MAX = 10  # SQS's ReceiveMessage limit
DEFAULT_CONCURRENCY = 5  # Lambda's first pollers, without a maximum concurrency
ACCOUNT = "123456789012"  # moto's default account
REGION = "eu-west-3"


def lambda_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """One message as Lambda's SQS event source puts it in ``Records``."""
    body = message["Body"]
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": body,
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody") or hashlib.md5(body.encode()).hexdigest(),  # noqa: S324
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


class SqsEventSource:
    """One ``@app.on_sqs_message`` handler and its queue."""

    def __init__(
        self, app: Chalice, config: SQSEventConfig, sqs: Any, queue: str | None = None
    ) -> None:
        """``queue`` names the queue when it is not the one the app named at import (tests
        import the app once, then point it at each test's tables and queues)."""
        queue = queue or config.queue
        if not queue:
            raise ValueError(f"{config.name}: only queues named in the app are emulated")
        self.name = config.name
        self.config = config
        self.sqs = sqs
        self.handler: Callable[..., Any] = app.handler_map[config.name]
        self.queue_url = str(sqs.get_queue_url(QueueName=queue)["QueueUrl"])
        self.queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}"
        self.invocations = 0
        self._count_lock = threading.Lock()

    @property
    def concurrency(self) -> int:
        return int(self.config.maximum_concurrency or DEFAULT_CONCURRENCY)

    def _receive(self, count: int) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=max(1, min(RECEIVE_MAX, count)),
            WaitTimeSeconds=0,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(answer.get("Messages", []))

    def gather(self, stop: threading.Event, window: float | None = None) -> list[dict[str, Any]]:
        """A batch: up to ``batch_size`` messages, for at most the batching window after the
        first one (``window`` overrides it: 0 takes what is there now)."""
        window = float(self.config.maximum_batching_window_in_seconds) if window is None else window
        batch: list[dict[str, Any]] = []
        first_at: float | None = None
        while len(batch) < self.config.batch_size and not stop.is_set():
            received = self._receive(self.config.batch_size - len(batch))
            if received:
                first_at = first_at or time.monotonic()
                batch += received
                continue
            if first_at is None and window > 0:
                stop.wait(POLL_SECONDS)  # nothing yet: keep polling
                continue
            if first_at is None or time.monotonic() >= first_at + window:
                break
            # Within the window: wait for its end, then take what came meanwhile (polling
            # every 0.1 s through a 2 s window cost moto and the platform 20 calls a batch).
            stop.wait(first_at + window - time.monotonic())
        return batch

    def invoke(self, batch: list[dict[str, Any]]) -> Any:
        """Invoke the handler with one batch; delete the batch when it returns."""
        event = {"Records": [lambda_record(message, self.queue_arn) for message in batch]}
        context = LambdaContext(function_name=self.name, memory_size=512, max_runtime_ms=60_000)
        with self._count_lock:
            self.invocations += 1
        result = self.handler(event, context)
        for start in range(0, len(batch), RECEIVE_MAX):
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": message["ReceiptHandle"]}
                    for n, message in enumerate(batch[start : start + RECEIVE_MAX])
                ],
            )
        return result

    def drain(self) -> int:
        """Invoke the handler until the queue has nothing visible (tests: no window, no
        poller); returns how many invocations it took."""
        stop = threading.Event()
        invocations = 0
        while True:
            batch = self.gather(stop, window=0)
            if not batch:
                return invocations
            self.invoke(batch)
            invocations += 1

    def poll(self, stop: threading.Event) -> None:
        """One poller: gather, invoke, until ``stop``."""
        while not stop.is_set():
            batch = self.gather(stop)
            if not batch:
                continue
            try:
                self.invoke(batch)
            except Exception as error:  # left in the queue: visible again later
                print(f"[sqs] {self.name} failed: {error!r}", flush=True)


class EventSources:
    """Every SQS event source of the app, each with its pollers (daemon threads)."""

    def __init__(self, app: Chalice, sqs: Any) -> None:
        self.sources = [
            SqsEventSource(app, config, sqs)
            for config in app.event_sources
            if isinstance(config, SQSEventConfig)
        ]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for source in self.sources:
            for n in range(source.concurrency):
                thread = threading.Thread(
                    target=source.poll,
                    args=(self._stop,),
                    name=f"sqs-{source.name}-{n}",
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)


class EventSourceProcess(Child):
    """The app's SQS event sources in a child process (the environment is the platform's:
    endpoints, tables, queues). It dies with the platform."""

    stop_timeout = 15.0

    def __init__(self) -> None:
        super().__init__([sys.executable, "-m", "local.events"], env=dict(os.environ))


def main() -> int:
    """Import the app, start every SQS event source's pollers, run until SIGTERM or SIGINT."""
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import boto3

    import app as chalice_module
    from chalicelib.config import settings
    from chalicelib.models.base import open_connections

    quick_thread_switches()
    open_connections()  # the fan-out's threads share the clients made here
    conf = settings()
    sqs = boto3.client("sqs", region_name=conf.region, endpoint_url=conf.sqs_endpoint)
    sources = EventSources(chalice_module.app, sqs)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    sources.start()
    stop.wait()
    sources.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
