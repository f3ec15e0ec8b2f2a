"""The environment of the benches that run the app over in-process moto."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "moncommissariat-bench"


def use_bench_environment() -> None:
    """Fake credentials and the bench's tables and bucket; the repository on the path."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "eu-west-3",
            "AWS_REGION": "eu-west-3",
            "TABLE_PREFIX": PREFIX,
            "DYNAMODB_ENDPOINT": "",
            "S3_ENDPOINT": "",
            "PHOTOS_BUCKET": f"{PREFIX}-photos",
            "WEBSOCKET_ENDPOINT": "",
            "USER_POOL_ID": "bench",
            "USER_POOL_CLIENT_ID": "bench",
            "JWKS_URL": "",
            "POWERTOOLS_METRICS_NAMESPACE": "Bench",
            "POWERTOOLS_LOG_LEVEL": "ERROR",
            "STAGE": "bench",
        }
    )
    sys.path.insert(0, str(ROOT))
