"""Binding of every PynamoDB model to the tables of the current settings, and the translation
of PynamoDB's write failures into this package's own exception (the domain never sees
PynamoDB)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import botocore.session
import pynamodb.connection.base as _pynamodb_connection
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.config import Settings, settings

_MODELS: list[tuple[type[Model], str]] = []


def register(aggregate: str):  # type: ignore[no-untyped-def]
    """Class decorator: bind a model to the table ``<prefix>-<aggregate>``."""

    def wrap(model: type[Model]) -> type[Model]:
        _MODELS.append((model, aggregate))
        _bind_one(model, aggregate, settings())
        return model

    return wrap


def pool_size(conf: Settings) -> int:
    """Connections an AWS client keeps open: one per thread that may call it at once (the
    fan-out posts from ``fanout_workers`` threads), botocore's 10 at least."""
    return max(10, conf.fanout_workers)


def _bind_one(model: type[Model], aggregate: str, conf: Settings) -> None:
    model.Meta.table_name = conf.table_name(aggregate)
    model.Meta.region = conf.region
    model.Meta.host = conf.dynamodb_endpoint
    model.Meta.max_pool_connections = pool_size(conf)
    # PynamoDB caches a connection per model class: drop it so the new
    # table name and endpoint are used.
    model._connection = None


_sessions = threading.local()


def thread_session() -> botocore.session.Session:
    """This thread's botocore session, made on its first use, for every DynamoDB client the
    models create in it (botocore sessions are not safe to share between threads; their
    clients are)."""
    session: botocore.session.Session | None = getattr(_sessions, "session", None)
    if session is None:
        session = _sessions.session = botocore.session.get_session()
    return session


# PynamoDB gives each new connection a botocore session of its own (its module's
# `get_session()`), which loads the endpoints and DynamoDB's service description again: tens
# of milliseconds and a few MB per model class on a cold start, and again for every model
# each time tests or the local platform bind the models anew. Every connection of a thread
# shares one instead, made when the first client is (so after any mock is in place).
setattr(_pynamodb_connection, "get_session", thread_session)  # noqa: B010 - a module attribute


def bind_models(conf: Settings | None = None) -> None:
    """Point every model at the tables of ``conf`` (default: current settings)."""
    conf = conf or settings()
    for model, aggregate in _MODELS:
        _bind_one(model, aggregate, conf)


def open_connections() -> None:
    """Create every model's DynamoDB client now, in this thread, from one botocore session.

    PynamoDB creates a model's client on its first call, from a botocore session of the
    calling thread, which loads DynamoDB's service description (a few MB) for itself. A
    process that runs handlers in many threads at once (the local platform) would create a
    session per thread and model on its first burst — hundreds of MB — and race to keep one.
    On Lambda, one invocation at a time, the lazy creation is the right one.
    """
    session = thread_session()
    connections = [model._get_connection().connection for model, _ in _MODELS]
    for connection in [*connections, _transaction_connection()]:
        # PynamoDB keeps its session per thread: hand this thread's one over, then
        # create the client (shared by every thread from then on).
        connection._local.session = session
        connection.client  # noqa: B018 - the property creates the client


def registered_models() -> list[tuple[type[Model], str]]:
    """Every (model, aggregate) pair, for table creation checks and tests."""
    return list(_MODELS)


T = TypeVar("T")


def per_settings(build: Callable[[Settings], T]) -> Callable[[], T]:
    """A client built once from the settings, and again only when the settings change (tests,
    the local platform), so that every Lambda invocation reuses its connections."""
    cached: list[tuple[Settings, T]] = []

    def current() -> T:
        conf = settings()
        if not cached or cached[0][0] is not conf:
            cached[:] = [(conf, build(conf))]
        return cached[0][1]

    current.__doc__ = build.__doc__
    return current


@per_settings
def _transaction_connection(conf: Settings) -> Connection:
    return Connection(
        region=conf.region, host=conf.dynamodb_endpoint, max_pool_connections=pool_size(conf)
    )


def transaction() -> TransactWrite:
    """A TransactWrite on the configured DynamoDB endpoint (one connection per process)."""
    return TransactWrite(connection=_transaction_connection())


def is_condition_failure(error: Exception) -> bool:
    """True when a write failed on its condition (not on throttling or a network error)."""
    cause = getattr(error, "cause_response_code", None)
    return cause in ("ConditionalCheckFailedException", "TransactionCanceledException")


def cancelled_on_condition(error: TransactWriteError) -> list[bool]:
    """For a cancelled transaction: which items failed their condition, in order."""
    reasons = error.cancellation_reasons or []
    return [bool(reason and reason.code == "ConditionalCheckFailed") for reason in reasons]


class ConditionFailed(Exception):
    """A conditional write was refused: the item is not (or no longer) in the expected state.

    The one exception the data layer raises for "someone else changed it first": callers
    read the item again to tell why.
    """


@contextmanager
def refused_on_condition() -> Iterator[None]:
    """Turn a conditional UpdateItem that failed on its condition into ConditionFailed."""
    try:
        yield
    except UpdateError as error:
        if is_condition_failure(error):
            raise ConditionFailed(str(error)) from error
        raise


def plain(value: Any) -> dict[str, Any]:
    """A stored map (a PynamoDB MapAttribute or an already plain dict) as a plain dict."""
    if value is None:
        return {}
    return dict(value.as_dict() if hasattr(value, "as_dict") else value)
