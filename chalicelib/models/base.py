"""Binding of every PynamoDB model to the tables of the current settings."""

from __future__ import annotations

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
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


def _bind_one(model: type[Model], aggregate: str, conf: Settings) -> None:
    model.Meta.table_name = conf.table_name(aggregate)
    model.Meta.region = conf.region
    model.Meta.host = conf.dynamodb_endpoint
    # PynamoDB caches a connection per model class: drop it so the new
    # table name and endpoint are used.
    model._connection = None


def bind_models(conf: Settings | None = None) -> None:
    """Point every model at the tables of ``conf`` (default: current settings)."""
    conf = conf or settings()
    for model, aggregate in _MODELS:
        _bind_one(model, aggregate, conf)


def registered_models() -> list[tuple[type[Model], str]]:
    """Every (model, aggregate) pair, for table creation checks and tests."""
    return list(_MODELS)


_connections: dict[tuple[str, str | None], Connection] = {}


def transaction() -> TransactWrite:
    """A TransactWrite on the configured DynamoDB endpoint (one connection per process)."""
    conf = settings()
    key = (conf.region, conf.dynamodb_endpoint)
    connection = _connections.get(key)
    if connection is None:
        connection = _connections[key] = Connection(region=conf.region, host=conf.dynamodb_endpoint)
    return TransactWrite(connection=connection)


def is_condition_failure(error: Exception) -> bool:
    """True when a write failed on its condition (not on throttling or a network error)."""
    cause = getattr(error, "cause_response_code", None)
    return cause in ("ConditionalCheckFailedException", "TransactionCanceledException")


def cancelled_on_condition(error: TransactWriteError) -> list[bool]:
    """For a cancelled transaction: which items failed their condition, in order."""
    reasons = error.cancellation_reasons or []
    return [bool(reason and reason.code == "ConditionalCheckFailed") for reason in reasons]
