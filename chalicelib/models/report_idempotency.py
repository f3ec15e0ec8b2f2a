"""The powertools idempotency store of report submissions (the ``idempotency`` table).

powertools is imported on first use (cold start: see docs/architecture.md).
The persistence layer and its DynamoDB client are built once per settings.
"""

from __future__ import annotations

from typing import Any

from chalicelib.config import Settings
from chalicelib.models.base import per_settings


@per_settings
def persistence_layer(conf: Settings) -> Any:
    """The DynamoDB persistence layer on ``<prefix>-idempotency`` (endpoint of the settings)."""
    import boto3
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    client = boto3.client(
        "dynamodb", region_name=conf.region, endpoint_url=conf.dynamodb_endpoint or None
    )
    return DynamoDBPersistenceLayer(table_name=conf.table_name("idempotency"), boto3_client=client)
