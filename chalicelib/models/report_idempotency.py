"""The powertools idempotency store of report submissions (the ``idempotency`` table).

powertools is imported on first use (cold start: see docs/architecture.md).
The persistence layer and its DynamoDB client are built once per settings.
"""

from __future__ import annotations

from typing import Any

from chalicelib.config import Settings, settings

_cached: tuple[Settings, Any] | None = None


def persistence_layer() -> Any:
    """The DynamoDB persistence layer on ``<prefix>-idempotency`` (endpoint of the settings)."""
    global _cached
    conf = settings()
    if _cached is not None and _cached[0] is conf:
        return _cached[1]
    import boto3
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    client = boto3.client(
        "dynamodb", region_name=conf.region, endpoint_url=conf.dynamodb_endpoint or None
    )
    layer = DynamoDBPersistenceLayer(table_name=conf.table_name("idempotency"), boto3_client=client)
    _cached = (conf, layer)
    return layer
