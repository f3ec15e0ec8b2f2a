"""moto's server as the local platform runs it: in its own process, on connections kept
open, requests running concurrently where moto stays correct, DynamoDB calls answered
without moto's Flask application, and moto's costs cut (local/moto_costs.py, applied by
:func:`serve`; docs/local.md).

Its own process: moto's work is Python, like the app's, and one interpreter runs one
thread at a time. In the platform's process, every AWS call's server side competed with
the Lambda handlers and the event loop that answers the sockets (a surge starved the loop
for seconds); in production DynamoDB is another machine. ``python -m local.moto_server``
prints the address it listens on, then serves until it is terminated — or until the
process that started it dies.

What must stay serialized, and why:

- DynamoDB, per table. moto's DynamoDB is not thread-safe: two concurrent conditional
  writes to one item can both pass, and a Query iterates a table that a concurrent write
  changes. DynamoDB guarantees per-item atomicity and serializable transactions, so every
  request holds the lock of each table it names (a transaction: all of them, in name
  order, so two transactions cannot deadlock). Requests on different tables run at once.
- SQS, as one service: moto's ReceiveMessage marks messages in flight without a lock, so
  two pollers could receive the same message. The event-source emulation polls without
  waiting (local/events.py), so no request holds this lock for long.
- Every other service (Cognito, S3…), one lock per service: moto's backends were written
  for one request at a time, and these calls are rare.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from local import quick_thread_switches
from local.child import Child

DYNAMODB_TARGET = "DynamoDB_20120810."
SQS_TARGET = "AmazonSQS."
CATALOG = "dynamodb:*"  # table-less DynamoDB calls (ListTables…)


def dynamodb_tables(body: bytes) -> set[str]:
    """The tables a DynamoDB request names (a transaction or a batch: each of them)."""
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        return set()
    if not isinstance(request, dict):
        return set()
    tables: set[str] = set()
    if isinstance(request.get("TableName"), str):
        tables.add(request["TableName"])
    tables |= {name for name in request.get("RequestItems") or {} if isinstance(name, str)}
    for entry in request.get("TransactItems") or []:
        for operation in entry.values() if isinstance(entry, dict) else []:
            if isinstance(operation, dict) and isinstance(operation.get("TableName"), str):
                tables.add(operation["TableName"])
    return tables


class RequestLocks:
    """One lock per DynamoDB table, one for SQS, one per other service."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def names(self, environ: dict[str, Any], body: bytes) -> list[str]:
        """The locks a request must hold, in the order they are taken."""
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if target.startswith(DYNAMODB_TARGET):
            return sorted(f"dynamodb:{name}" for name in dynamodb_tables(body)) or [CATALOG]
        if target.startswith(SQS_TARGET):
            return ["sqs"]
        if target:
            return [target.split(".", 1)[0]]
        return ["rest"]  # S3, the JWKS and moto's other REST services

    def _lock(self, name: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())

    @contextmanager
    def held(self, names: Iterable[str]) -> Iterator[None]:
        with ExitStack() as stack:
            for name in names:
                stack.enter_context(self._lock(name))
            yield


def dynamodb_answer(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """A DynamoDB request answered by moto's DynamoDB handler, as moto's Flask view does
    it (the same request object, the same handler, its errors turned into answers the same
    way) without the Flask application around it.

    moto's server runs each service as a Flask application in debug mode, with CORS: an
    application and a request context pushed and popped, URL rules matched, a response
    object built and its CORS headers set, for each AWS call. For DynamoDB, under a surge,
    that was about a tenth of moto's time, around handlers of a few hundred microseconds.
    Browsers never call DynamoDB (their calls — Cognito — still go through Flask).
    """
    from botocore.exceptions import ClientError
    from moto.dynamodb.responses import DynamoHandler
    from moto.moto_server.werkzeug_app import BackendRequest
    from werkzeug.exceptions import HTTPException
    from werkzeug.http import HTTP_STATUS_CODES

    request = BackendRequest(environ)
    try:
        status, headers, body = DynamoHandler.dispatch(
            request, request.raw_url, dict(request.headers)
        )
    except ClientError as error:
        status, headers, body = 400, {}, error.response["Error"]["Message"]
    except HTTPException as error:
        return error.get_response(environ)(environ, start_response)
    if isinstance(body, str):
        body = body.encode("utf-8")
    start_response(
        f"{status} {HTTP_STATUS_CODES.get(int(status), 'UNKNOWN')}",
        [(str(key), str(value)) for key, value in headers.items()],
    )
    return [body]


def locked_app() -> Any:
    """moto's WSGI application with the locks of :class:`RequestLocks` around each request."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    dispatcher = DomainDispatcherApplication(create_backend_app)
    locks = RequestLocks()
    # moto finds a request's service anew for every request (matching the host against
    # every service's URL patterns, under one lock): a JSON API names it in X-Amz-Target.
    services: dict[str, Any] = {}

    def application(environ: dict[str, Any]) -> Any:
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if not target:
            return dispatcher  # REST (S3, the JWKS): moto's own routing
        if target.startswith(DYNAMODB_TARGET):
            return dynamodb_answer
        service = target.split(".", 1)[0]
        found = services.get(service)
        if found is None:
            found = services.setdefault(service, dispatcher.get_application(environ))
        return found

    def locked(environ: dict[str, Any], start_response: Any) -> Any:
        body = b""
        if environ.get("HTTP_X_AMZ_TARGET"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
        names = locks.names(environ, body)
        with locks.held(names):
            return list(application(environ)(environ, start_response))

    return locked


def keep_alive_handler() -> type[Any]:
    """moto's request handler, answering on connections that stay open.

    werkzeug's development server closes the connection after every response, so each AWS
    call opened a TCP connection and the server a thread for it: thousands a minute under
    a surge. This handler reads the whole request body (its Content-Length), runs the
    application, and answers with the response's length on the same connection; the
    client's ``Connection: close`` or HTTP/1.0 still closes it. A chunked request body
    (none of the app's calls send one) falls back to werkzeug's own handling.
    """
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class KeepAliveRequestHandler(MotoRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in one write below; without this, a small answer
            # could still wait for the client's delayed ACK (40 ms) on a kept-alive socket.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def run_wsgi(self) -> None:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                self.close_connection = True
                super().run_wsgi()
                return
            environ = self.make_environ()
            length = int(self.headers.get("Content-Length") or 0)
            environ["wsgi.input"] = io.BytesIO(self.rfile.read(length) if length else b"")
            environ["CONTENT_LENGTH"] = str(length)
            answer: dict[str, Any] = {}

            def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> Any:
                answer["status"], answer["headers"] = status, headers
                return lambda data: answer.setdefault("written", []).append(data)

            try:
                result = self.server.app(environ, start_response)
                body = b"".join([*answer.get("written", []), *result])
                if hasattr(result, "close"):
                    result.close()
            except Exception:
                logging.getLogger(__name__).exception("moto failed on a request")
                answer = {"status": "500 INTERNAL SERVER ERROR", "headers": []}
                body = b'{"message": "moto failed on this request"}'
            code, _, reason = str(answer["status"]).partition(" ")
            self.send_response(int(code), reason)
            kept_length = None
            for key, value in answer["headers"]:
                lowered = key.lower()
                if lowered == "content-length":
                    kept_length = value
                elif lowered not in ("connection", "transfer-encoding"):
                    self.send_header(key, value)
            head = environ["REQUEST_METHOD"] == "HEAD"
            length_sent = kept_length if head and kept_length else str(len(body))
            self.send_header("Content-Length", length_sent)
            self._headers_buffer.append(b"\r\n")  # end_headers, body in the same write
            if not head and int(code) not in (204, 304):
                self._headers_buffer.append(body)
            self.flush_headers()

    return KeepAliveRequestHandler


def serve(host: str, port: int) -> None:
    """Serve moto on ``host:port`` (0: a free port) and print ``listening <url>``."""
    from werkzeug.serving import make_server

    from local.moto_costs import cut_costs

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per AWS call
    quick_thread_switches()
    cut_costs(with_server_locks=True)
    server = make_server(host, port, locked_app(), True, request_handler=keep_alive_handler())
    print(f"listening http://{host}:{server.server_port}", flush=True)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nobody reads stdout any more
    server.serve_forever()


class MotoProcess(Child):
    """moto's server in a child process."""

    def __init__(self, host: str) -> None:
        super().__init__(
            [sys.executable, "-m", "local.moto_server", "--host", host, "--port", "0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening "):
            self.stop()
            raise RuntimeError(f"moto did not start: {line!r}")
        self.endpoint = line.removeprefix("listening ")
        self.process.stdout.close()


def start_moto(host: str = "127.0.0.1") -> tuple[MotoProcess, str]:
    """Start moto's server in its own process on a free port; returns it and its URL."""
    server = MotoProcess(host)
    return server, server.endpoint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.moto_server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(args.host, args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
