"""infra/template.yaml and the IAM policies match what the report and feedback code uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chalicelib.models import feedback, ratelimit, report  # noqa: F401 - registers the models
from chalicelib.models.base import registered_models
from chalicelib.models.report_index import (
    ALL_INDEXES,
    FULL_PROJECTION_INDEXES,
    PROJECTED_ATTRIBUTES,
    SORT_KEY,
    hash_attribute,
)
from local.template import load_template, resources_of_type, table_definitions

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "p"
MINE = ("reports", "feedback", "ratelimits", "idempotency")


def table(aggregate: str) -> dict[str, Any]:
    return table_definitions(PREFIX)[f"{PREFIX}-{aggregate}"]


def key_schema(props: dict[str, Any]) -> dict[str, str]:
    return {key["KeyType"]: key["AttributeName"] for key in props["KeySchema"]}


def test_every_report_and_feedback_model_has_its_table_with_the_same_keys() -> None:
    for model, aggregate in registered_models():
        if aggregate not in MINE:
            continue
        props = table(aggregate)
        expected = {"HASH": model._hash_keyname}
        if model._range_keyname:
            expected["RANGE"] = model._range_keyname
        assert key_schema(props) == expected, model.__name__


@pytest.mark.parametrize(("aggregate", "attribute"), [(name, "ttl") for name in MINE[:3]])
def test_every_table_of_personal_or_transient_data_expires_items(
    aggregate: str, attribute: str
) -> None:
    assert table(aggregate)["TimeToLiveSpecification"] == {
        "AttributeName": attribute,
        "Enabled": True,
    }


def test_the_idempotency_table_is_the_one_powertools_expects() -> None:
    props = table("idempotency")
    assert key_schema(props) == {"HASH": "id"}
    assert props["TimeToLiveSpecification"]["AttributeName"] == "expiration"


def test_the_reports_table_has_one_index_per_filter_combination() -> None:
    indexes = {index["IndexName"]: index for index in table("reports")["GlobalSecondaryIndexes"]}
    assert set(indexes) == set(ALL_INDEXES)
    projected = 0
    for name, index in indexes.items():
        assert key_schema(index) == {"HASH": hash_attribute(name), "RANGE": SORT_KEY}
        projection = index["Projection"]
        if name in FULL_PROJECTION_INDEXES:
            assert projection == {"ProjectionType": "ALL"}
        else:
            assert projection["NonKeyAttributes"] == list(PROJECTED_ATTRIBUTES)
            projected += len(projection["NonKeyAttributes"])
    assert projected <= 100  # DynamoDB's limit per table
    defined = {item["AttributeName"] for item in table("reports")["AttributeDefinitions"]}
    assert defined == {"pk", "sk", SORT_KEY} | {hash_attribute(name) for name in ALL_INDEXES}


def test_the_photos_bucket_is_private_and_takes_posts_from_the_site_only() -> None:
    buckets = resources_of_type("AWS::S3::Bucket", {"Prefix": PREFIX, "Stage": "dev"})
    photos = buckets["PhotosBucket"]
    assert all(photos["PublicAccessBlockConfiguration"].values())
    (rule,) = photos["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == [{"Ref": "SiteOrigin"}]
    rules = {item["Prefix"]: item for item in photos["LifecycleConfiguration"]["Rules"]}
    assert rules["uploads/"]["ExpirationInDays"] == 1
    assert rules["uploads/"]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}
    policy = load_template()["Resources"]["PhotosBucketPolicy"]["Properties"]["PolicyDocument"]
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


# The Lambda role's least privilege is proven against the calls recorded during the whole
# test run: tests/integration/test_iam_policy.py.
