"""moto's server as the local platform runs it: requests run concurrently where moto stays
correct, and one moto cost that grows with the data is taken out (docs/local.md).

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

import copy
import io
import json
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from moto.server import ThreadedMotoServer

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


class LocalMotoServer(ThreadedMotoServer):
    """moto's threaded server with the locks of :class:`RequestLocks` around each request."""

    def _server_entry(self) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        app = DomainDispatcherApplication(create_backend_app)
        locks = RequestLocks()

        def locked(environ: dict[str, Any], start_response: Any) -> Any:
            body = b""
            if environ.get("HTTP_X_AMZ_TARGET"):
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = environ["wsgi.input"].read(length) if length else b""
                environ["wsgi.input"] = io.BytesIO(body)
            with locks.held(locks.names(environ, body)):
                return list(app(environ, start_response))

        self._server = make_server(
            self._ip_address, self._port, locked, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


class _TablesNotCopied:
    """Stands in for the ``copy`` module inside moto's DynamoDB backend: a whole table is
    not copied (its transactions' backups, see :func:`lighter_transactions`)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.table import Table

        if isinstance(value, Table):
            return value
        return copy.deepcopy(value, memo)


def lighter_transactions() -> None:
    """Make moto's TransactWriteItems cost what the transaction touches.

    moto backs up every table a transaction names with a deep copy, to put it back when the
    transaction is cancelled: a copy of every message ever stored for each message sent
    (messages are written with their client-id marker in one transaction). That made every
    transaction slower than the one before, and the copies are what grew the platform's
    memory under load. Here the backup is a copy of the items the transaction names, put
    back on failure: the same outcome for the caller, at the cost of the transaction.
    """
    import moto.dynamodb.models as backend_module
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "lighter", False):
        return
    setattr(backend_module, "copy", _TablesNotCopied())  # noqa: B010 - a module global

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved = []
        for entry in transact_items:
            for operation in entry.values():
                table = self.tables.get(operation.get("TableName"))
                key = operation.get("Item") or operation.get("Key") or {}
                if table is None or table.hash_key_attr not in key:
                    continue
                hash_key = DynamoType(key[table.hash_key_attr])
                range_key = (
                    DynamoType(key[table.range_key_attr])
                    if table.range_key_attr and table.range_key_attr in key
                    else None
                )
                if table.range_key_attr and range_key is None:
                    continue
                item = table.get_item(hash_key, range_key)
                saved.append((table, hash_key, range_key, copy.deepcopy(item)))
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed(saved):
                table.delete_item(hash_key, range_key)
                if item is not None:
                    if range_key is None:
                        table.items[hash_key] = item
                    else:
                        table.items[hash_key][range_key] = item
            raise

    transact_write_items.lighter = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def start_moto(host: str = "127.0.0.1") -> tuple[ThreadedMotoServer, str]:
    """Start moto's server on a free port; returns it and its URL."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per AWS call
    lighter_transactions()
    server = LocalMotoServer(ip_address=host, port=0, verbose=False)
    server.start()
    bound_host, port = server.get_host_and_port()
    return server, f"http://{bound_host}:{port}"
