"""moto made to cost what a call asks for, with the same answers (docs/local.md).

moto's DynamoDB and SQS were written for tests of a few items: under a surge their costs grew
with what the tables and queues held, or went to copies and checks that nobody reads. Each
function here changes moto once (calling it again does nothing) and says what it changes and
why the answers stay the same; the local platform's moto server applies them all
(local/moto_server.py: serve), the integration tests' in-process moto those that hold without
the server's locks (tests/integration/moto_world.py). tests/integration/test_local_moto.py and
tests/e2e/test_local_moto_server.py compare the answers.
"""

from __future__ import annotations

import base64
import copy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

PARSED_EXPRESSIONS_KEPT = 1000  # update expressions parsed once (the app has a few dozen)


_copies = threading.local()  # what the request running on this thread does not need copied
_copies_skipped: set[str] = set()  # "tables": lighter_transactions backs up items instead


class _CopiesNotRead:
    """Stands in for the ``copy`` module in moto's DynamoDB modules (see
    :func:`fewer_copies`): ``deepcopy`` is skipped, or made on less, when this thread's
    request never reads the copy; everything else is the ``copy`` module's."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        from moto.dynamodb.models.dynamo_type import Item
        from moto.dynamodb.models.table import Table

        if isinstance(value, Table) and "tables" in _copies_skipped:
            return value  # a transaction's backup: lighter_transactions backs up its items
        if getattr(_copies, "old_unread", False):
            return None  # UpdateItem's "before" for ReturnValues NONE or ALL_NEW
        if isinstance(value, Item) and getattr(_copies, "no_stream", False):
            return value  # UpdateItem's "before" for a table without a stream
        index = getattr(_copies, "projected_by", None)
        if index is not None and isinstance(value, list):
            return [copy.deepcopy(index.project(item), memo) for item in value]
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
    _copies_skipped.add("tables")
    setattr(backend_module, "copy", _CopiesNotRead())  # noqa: B010 - a module global

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


_partition = threading.local()
_MOTO_QUERIES: dict[str, Any] = {}  # moto's own functions that faster_queries replaced


def _native_key(item: Any) -> Any:
    """An item's primary key as Python values, ordered as moto orders its DynamoType keys
    (they compare their ``cast_value``; a table's key attributes have one type each)."""
    if item.range_key is not None:
        return (item.hash_key.cast_value, item.range_key.cast_value)
    return item.hash_key.cast_value


def faster_queries() -> None:
    """Make moto's Query cost what it reads rather than the whole table.

    moto answers every Query and Scan from ``Table.all_items()``: every item of the table,
    sorted by comparing moto's attribute objects in Python (each comparison builds
    ``Decimal`` values anew). A message history read went through every message ever
    stored, and the queue's head through every conversation. Here:

    - a Query on the table's own key reads its partition only (the items moto would keep
      from the whole table, in the order it would sort them);
    - every sort compares each item's key as Python values, computed once per item: the
      same order, as each key attribute has one type;
    - an index's projection keeps the attributes it names from the item moto holds, rather
      than turning the whole item into Python values and back once per attribute named;
    - the answer's copy (moto copies what it answers) is made of the projection, not of
      every whole item found (a page of the queue copied 120 conversations with their
      histories, to keep five attributes of each).

    The answers are the same items in the same order (tests/integration/test_local_moto.py);
    Scan still reads every item.
    """
    from moto.dynamodb.models.dynamo_type import Item

    if _MOTO_QUERIES:
        return
    import moto.dynamodb.models.table as table_module

    setattr(table_module, "copy", _CopiesNotRead())  # noqa: B010 - a module global
    _MOTO_QUERIES.update({name: getattr(owner, name) for owner, name in _query_parts()})
    original_query = _MOTO_QUERIES["query"]

    def all_items(self: Any) -> list[Any]:
        wanted = getattr(_partition, "hash_key", None)
        if wanted is not None:
            partition = self.items.get(wanted)
            if partition is None:
                return []
            items = list(partition.values()) if self.range_key_attr else [partition]
        elif self.range_key_attr:
            items = [item for hash_set in self.items.values() for item in hash_set.values()]
        else:
            items = list(self.items.values())
        return sorted(items, key=_native_key)

    def sorted_items(
        self: Any, hash_key_attrs: list[str], range_key_attrs: list[str | None], items: list[Any]
    ) -> list[Any]:
        attrs = self._generate_attr_to_sort_by(hash_key_attrs, range_key_attrs)
        items.sort(key=lambda item: tuple(item.attrs[key].cast_value for key in attrs))
        return items

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        _partition.hash_key = hash_key if index_name is None else None
        index = self.get_index(index_name) if index_name else None
        kind = ((index.projection or {}).get("ProjectionType") if index else None) or "ALL"
        _copies.projected_by = index if kind in ("KEYS_ONLY", "INCLUDE") else None
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            _partition.hash_key = None
            _copies.projected_by = None

    def project(self: Any, item: Any) -> Any:
        projection_type = (self.projection or {}).get("ProjectionType")
        if projection_type not in ("KEYS_ONLY", "INCLUDE"):
            return item  # ALL, or no projection: the whole item
        kept = set(self.table_key_attrs) | {key["AttributeName"] for key in self.schema}
        if projection_type == "INCLUDE":
            kept |= set(self.projection.get("NonKeyAttributes", []))
        # Item() takes attributes as DynamoDB JSON: the values are put in afterwards, as they
        # are (a query's answer is only read), within the size the item already passed.
        projected = Item(hash_key=item.hash_key, range_key=item.range_key, attrs={})
        dict.update(projected.attrs, {k: v for k, v in item.attrs.items() if k in kept})
        return projected

    faster = {
        "query": query,
        "all_items": all_items,
        "sorted_items": sorted_items,
        "project": project,
    }
    for owner, name in _query_parts():
        setattr(owner, name, faster[name])


def _query_parts() -> list[tuple[type, str]]:
    """What :func:`faster_queries` replaces in moto."""
    from moto.dynamodb.models.table import SecondaryIndex, Table

    return [
        (Table, "query"),
        (Table, "all_items"),
        (Table, "sorted_items"),
        (SecondaryIndex, "project"),
    ]


@contextmanager
def moto_own_queries() -> Iterator[None]:
    """moto's own Query while the block runs (tests compare the two)."""
    if not _MOTO_QUERIES:
        yield
        return
    parts = _query_parts()
    replaced = {name: getattr(owner, name) for owner, name in parts}
    for owner, name in parts:
        setattr(owner, name, _MOTO_QUERIES[name])
    try:
        yield
    finally:
        for owner, name in parts:
            setattr(owner, name, replaced[name])


def faster_updates() -> None:
    """Make moto's update expressions cheaper to check, with the same checks.

    moto validates an update expression with about ten passes over its syntax tree; at every
    node each pass rebuilt its table of node types (a dict of bound methods, twice). Under a
    surge half of a claim's time in moto went there: a claim's two updates name a dozen
    attributes. Here each pass builds its table once, and each expression's text is parsed
    once.
    """
    import importlib

    # moto's parsing modules carry no type hints: the class is taken as it is.
    traverser: Any = importlib.import_module("moto.dynamodb.parsing.ast_nodes").DepthFirstTraverser
    if getattr(traverser.process, "faster", False):
        return

    def processing(self: Any) -> dict[type, Any]:
        table = self.__dict__.get("_local_processing")
        if table is None:
            table = self.__dict__["_local_processing"] = self._processing_map()
        return table  # type: ignore[no-any-return]

    def nodes_to_be_processed(self: Any) -> tuple[type, ...]:
        kinds = self.__dict__.get("_local_kinds")
        if kinds is None:
            kinds = self.__dict__["_local_kinds"] = tuple(processing(self))
        return kinds  # type: ignore[no-any-return]

    def process(self: Any, node: Any) -> Any:
        for kind, processor in processing(self).items():
            if isinstance(node, kind):
                return processor(node)
        return None

    process.faster = True  # type: ignore[attr-defined]
    traverser.nodes_to_be_processed = nodes_to_be_processed
    traverser.process = process

    # An UpdateItem parsed its expression twice (to check the names and values it uses,
    # then to apply it), a transaction once more per update: the app's expressions are a
    # few dozen texts (values are placeholders). Every reader of the tree only looks at it
    # or validates a deep copy of it (moto's Validator), so one tree per text is shared.
    parser: Any = importlib.import_module("moto.dynamodb.parsing.expressions")
    parser = parser.UpdateExpressionParser
    parse = parser.make.__func__
    trees: dict[str, Any] = {}

    def make(cls: Any, expression_str: str) -> Any:
        tree = trees.get(expression_str)
        if tree is None:
            tree = parse(cls, expression_str)
            if len(trees) < PARSED_EXPRESSIONS_KEPT:
                trees[expression_str] = tree
        return tree

    parser.make = classmethod(make)


def action_names_once() -> None:
    """moto finds a handler's actions anew for each request (``inspect.getmembers`` over
    the handler class: every attribute, sorted); a class's functions are known once."""
    import functools
    import importlib

    responses_module: Any = importlib.import_module("moto.core.responses")
    names = responses_module.method_names_from_class
    if not hasattr(names, "cache_info"):
        responses_module.method_names_from_class = functools.cache(names)


def fewer_copies() -> None:
    """Make moto copy only what a request reads.

    moto deep-copies items, attribute by attribute, where nothing reads the copy: every
    UpdateItem copies the item twice (once to answer ``ReturnValues`` with what it held
    before — unread for ``NONE`` and ``ALL_NEW``, what the app asks for — once for the
    table's stream — there is none), and a Query on an index copies every whole item it
    found before keeping the attributes the index projects. A conversation's item (its
    history, its sockets), the day's counters and the officers' published queue view are
    the platform's largest items and its most updated: under a surge these copies were
    most of a claim's time in moto. Here UpdateItem with ``ReturnValues`` ``NONE`` or
    ``ALL_NEW`` takes no "before" copy (the others still do), and a table without a stream
    takes no copy for it. (A Query's copies: :func:`faster_queries`.)

    The answers are the same (tests/integration/test_local_moto.py).
    """
    import moto.dynamodb.models as backend_module
    import moto.dynamodb.responses as responses_module
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler.update_item, "fewer_copies", False):
        return
    for module in (backend_module, responses_module):
        setattr(module, "copy", _CopiesNotRead())  # noqa: B010 - a module global

    handler_update = DynamoHandler.update_item
    backend_update = DynamoDBBackend.update_item

    def answer_update(self: Any) -> Any:
        _copies.old_unread = self.body.get("ReturnValues", "NONE") in ("NONE", "ALL_NEW")
        try:
            return handler_update(self)
        finally:
            _copies.old_unread = False

    def update(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        _copies.old_unread = False  # from here on the "before" copy feeds a stream
        _copies.no_stream = self.get_table(table_name).stream_shard is None
        try:
            return backend_update(self, table_name, *args, **kwargs)
        finally:
            _copies.no_stream = False

    answer_update.fewer_copies = True  # type: ignore[attr-defined]
    DynamoHandler.update_item = answer_update  # type: ignore[method-assign]
    DynamoDBBackend.update_item = update  # type: ignore[method-assign]


def lighter_sqs() -> None:
    """Make moto's SQS cost what a call asks for, not what the queue holds.

    moto keeps a queue's messages in one list: each ReceiveMessage and SendMessage looks at
    every message (visible? delayed? counted for the queue's attributes), each asking the
    clock through ``datetime`` twice, and each handle of a DeleteMessageBatch went through
    the whole list and rebuilt it. Under the 1,000-citizen surge the queue events piled up
    faster than the pollers could take them, which made every call slower still: moto spent
    its whole core on SQS and the fan-out fell minutes behind. Here:

    - the clock moto's SQS reads is ``time.time()`` (the same value, without building
      datetimes; the local platform never freezes moto's clock);
    - a DeleteMessageBatch goes through the list once for all its handles, with the same
      answer for each entry (deleted, already deleted, or an invalid handle).
    """
    import time

    import moto.sqs.models as sqs_models
    from moto.sqs.models import SQSBackend

    if getattr(SQSBackend.delete_message_batch, "lighter", False):
        return
    # moto's SQS module imports its clocks by name (untyped for mypy): replaced there.
    clock_millis = getattr(sqs_models, "unix_time_millis")  # noqa: B009
    clock = getattr(sqs_models, "unix_time")  # noqa: B009

    def unix_time_millis(dt: Any = None) -> float:
        return time.time() * 1000.0 if dt is None else float(clock_millis(dt))

    def unix_time(dt: Any = None) -> float:
        return time.time() if dt is None else float(clock(dt))

    def delete_message_batch(
        self: Any, queue_name: str, receipts: list[dict[str, Any]]
    ) -> tuple[list[str], list[dict[str, str]]]:
        queue = self.get_queue(queue_name)
        wanted = {entry["ReceiptHandle"] for entry in receipts}
        kept = []
        for message in queue._messages:
            handles = message.all_receipt_handles
            if wanted.isdisjoint(handles):
                kept.append(message)
                continue
            queue.pending_messages.discard(message)
            queue.deleted_messages.update(handles)
        queue._messages = kept
        success, errors = [], []
        for entry in receipts:
            if entry["ReceiptHandle"] in queue.deleted_messages:
                success.append(entry["Id"])
                continue
            errors.append(
                {
                    "Id": entry["Id"],
                    "SenderFault": True,
                    "Code": "ReceiptHandleIsInvalid",
                    "Message": f'The input receipt handle "{entry["ReceiptHandle"]}" is not '
                    "a valid receipt handle.",
                }
            )
        return success, errors

    delete_message_batch.lighter = True  # type: ignore[attr-defined]
    setattr(sqs_models, "unix_time_millis", unix_time_millis)  # noqa: B010 - module globals
    setattr(sqs_models, "unix_time", unix_time)  # noqa: B010
    SQSBackend.delete_message_batch = delete_message_batch  # type: ignore[method-assign]


# DynamoDB's item operations: their answers are DynamoDB JSON already (attribute values as
# ``{"S": …}``), numbers as strings, nothing that a JSON protocol serializer transforms.
ITEM_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


def _wire(value: Any) -> Any:
    """A result as the JSON protocol puts it on the wire: ``None`` members left out, bytes
    base64 (binary attributes), sets as lists."""
    if isinstance(value, dict):
        return {key: _wire(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple | set | frozenset):
        return [_wire(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def direct_item_answers() -> None:
    """Answer DynamoDB's item operations with ``json.dumps`` of moto's result.

    moto 5 walks every answer through a serializer driven by botocore's service model,
    member by member: under a surge it took about a third of moto's time, more than the
    operations themselves. For the item operations the result is already the wire form, so
    the bytes sent are the same; every other operation and every error still goes through
    moto's serializer.
    """
    from moto.dynamodb.responses import DynamoResult

    original = DynamoResult.execute_result
    if getattr(original, "direct", False):
        return

    def execute_result(self: Any, context: Any) -> Any:
        if context.operation_model.name not in ITEM_OPERATIONS or isinstance(
            self.result, BaseException
        ):
            return original(self, context)
        body = json.dumps(_wire(self.result), separators=(",", ":"))
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

    execute_result.direct = True  # type: ignore[attr-defined]
    DynamoResult.execute_result = execute_result  # type: ignore[method-assign]


def cut_costs(*, with_server_locks: bool) -> None:
    """Apply every cut that holds where moto runs: all of them in the platform's server;
    without its per-table locks (the integration tests' in-process moto), not the
    transactions' item backups, which assume no other request changes the items meanwhile."""
    if with_server_locks:
        lighter_transactions()
    fewer_copies()
    action_names_once()
    direct_item_answers()
    faster_queries()
    faster_updates()
    lighter_sqs()
