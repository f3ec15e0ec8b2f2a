"""The Lambda role's policy: rendering it for an account, and what AWS calls need from it.

The checked-in policies (``.chalice/policy-<stage>.json``) name the region and the
WebSocket API with placeholders (``{{region}}``, ``{{websocket_api_id}}``) and the account
with twelve zeros — cfn-lint wants twelve digits there, in the ``chalice package``
output, and no account has that id, so an unrendered policy grants nothing.
``infra/deploy.py`` fills them in before ``chalice deploy``: the role never gets an
account or API wildcard.

:func:`permissions` turns one AWS call (service, operation, parameters) into the IAM
actions and resource ARNs it needs — the way IAM authorizes it, e.g. a
``TransactWriteItems`` needs ``dynamodb:UpdateItem`` on each table it updates. The
tests record every call the app makes and check the policy grants them
(tests/integration/test_iam_policy.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ACCOUNT = "000000000000"
REGION = "{{region}}"
WEBSOCKET_API = "{{websocket_api_id}}"
PLACEHOLDERS = (f":{ACCOUNT}:", REGION, WEBSOCKET_API)

# Actions AWS defines without any resource type: a statement granting them can only
# name "*" (Service Authorization Reference, AWS X-Ray). Nothing else may.
ACTIONS_WITHOUT_RESOURCES = frozenset({"xray:PutTraceSegments", "xray:PutTelemetryRecords"})


class UnmappedCall(Exception):
    """An AWS operation this module does not know how IAM authorizes."""


@dataclass(frozen=True, order=True)
class Permission:
    """One IAM action on one resource ARN (with placeholders for account and region)."""

    action: str
    resource: str

    def render(self, values: Mapping[str, str]) -> Permission:
        return Permission(self.action, fill(self.resource, values))


def fill(text: str, values: Mapping[str, str]) -> str:
    """Put ``values`` in the placeholders of ``text``: ``account_id`` in the account of its
    ARNs, any other key in ``{{key}}``."""
    for key, value in values.items():
        if key == "account_id":
            text = text.replace(f":{ACCOUNT}:", f":{value}:")
        else:
            text = text.replace("{{" + key + "}}", value)
    return text


# -- policy documents ----------------------------------------------------------------


def load_policy(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def render_policy(policy: Mapping[str, Any], values: Mapping[str, str]) -> dict[str, Any]:
    """The policy with its placeholders filled in.

    A statement whose resources still hold a placeholder without a value (the
    WebSocket API id before the first ``chalice deploy`` created the API) is left
    out rather than widened: infra/deploy.py deploys again once the id is known.
    """
    statements = []
    for statement in policy.get("Statement", []):
        rendered = json.loads(fill(json.dumps(statement), values))
        if any(token in json.dumps(rendered.get("Resource", "")) for token in PLACEHOLDERS):
            continue
        statements.append(rendered)
    return {**policy, "Statement": statements}


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def allows(policy: Mapping[str, Any], permission: Permission) -> bool:
    """True when an Allow statement of ``policy`` grants ``permission`` (IAM wildcards)."""
    for statement in policy.get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        actions = _as_list(statement.get("Action"))
        resources = _as_list(statement.get("Resource"))
        if not any(fnmatchcase(permission.action.lower(), a.lower()) for a in actions):
            continue
        if any(fnmatchcase(permission.resource, r) for r in resources):
            return True
    return False


def grants(policy: Mapping[str, Any]) -> list[Permission]:
    """Every (action, resource pattern) pair the Allow statements of ``policy`` grant."""
    found = []
    for statement in policy.get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        for action in _as_list(statement.get("Action")):
            for resource in _as_list(statement.get("Resource")):
                found.append(Permission(action, resource))
    return found


# -- AWS calls -> IAM permissions --------------------------------------------------------


def _table(name: str, index: str | None = None) -> str:
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
    return f"{arn}/index/{index}" if index else arn


def _object(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


def _bucket(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


_TRANSACT_WRITE = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
_DYNAMODB_ON_TABLE = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "DescribeTable",
        "ConditionCheckItem",
        "DescribeTimeToLive",
    }
)


def _dynamodb(operation: str, params: Mapping[str, Any]) -> list[Permission]:
    if operation in _DYNAMODB_ON_TABLE:
        return [Permission(f"dynamodb:{operation}", _table(params["TableName"]))]
    if operation in ("Query", "Scan"):
        resource = _table(params["TableName"], params.get("IndexName"))
        return [Permission(f"dynamodb:{operation}", resource)]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [Permission(f"dynamodb:{operation}", _table(t)) for t in params["RequestItems"]]
    if operation == "TransactWriteItems":
        found = []
        for item in params["TransactItems"]:
            for kind, request in item.items():
                found.append(
                    Permission(f"dynamodb:{_TRANSACT_WRITE[kind]}", _table(request["TableName"]))
                )
        return found
    if operation == "TransactGetItems":
        return [
            Permission("dynamodb:GetItem", _table(item["Get"]["TableName"]))
            for item in params["TransactItems"]
        ]
    raise UnmappedCall(f"dynamodb.{operation}")


def _s3(operation: str, params: Mapping[str, Any]) -> list[Permission]:
    bucket = params.get("Bucket", "")
    versioned = bool(params.get("VersionId"))
    if operation in ("GetObject", "HeadObject"):
        action = "s3:GetObjectVersion" if versioned else "s3:GetObject"
        return [Permission(action, _object(bucket, params["Key"]))]
    if operation == "PutObject":
        return [Permission("s3:PutObject", _object(bucket, params["Key"]))]
    if operation == "DeleteObject":
        action = "s3:DeleteObjectVersion" if versioned else "s3:DeleteObject"
        return [Permission(action, _object(bucket, params["Key"]))]
    if operation == "DeleteObjects":
        return [
            Permission(
                "s3:DeleteObjectVersion" if item.get("VersionId") else "s3:DeleteObject",
                _object(bucket, item["Key"]),
            )
            for item in params["Delete"]["Objects"]
        ]
    if operation == "ListObjectVersions":
        return [Permission("s3:ListBucketVersions", _bucket(bucket))]
    if operation in ("ListObjects", "ListObjectsV2"):
        return [Permission("s3:ListBucket", _bucket(bucket))]
    if operation == "CopyObject":
        source = params["CopySource"]
        if isinstance(source, str):
            source_bucket, _, source_key = source.lstrip("/").partition("/")
        else:
            source_bucket, source_key = source["Bucket"], source["Key"]
        return [
            Permission("s3:GetObject", _object(source_bucket, source_key)),
            Permission("s3:PutObject", _object(bucket, params["Key"])),
        ]
    raise UnmappedCall(f"s3.{operation}")


_MANAGEMENT_METHODS = {
    "PostToConnection": "POST",
    "GetConnection": "GET",
    "DeleteConnection": "DELETE",
}


def _management(operation: str, params: Mapping[str, Any], endpoint: str) -> list[Permission]:
    if operation not in _MANAGEMENT_METHODS:
        raise UnmappedCall(f"apigatewaymanagementapi.{operation}")
    stage = urlsplit(endpoint).path.strip("/").split("/")[-1] or "api"
    resource = (
        f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{WEBSOCKET_API}/{stage}/"
        f"{_MANAGEMENT_METHODS[operation]}/@connections/{params['ConnectionId']}"
    )
    return [Permission("execute-api:ManageConnections", resource)]


def _queue(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


# What Lambda's SQS event source calls with the function's role to poll a queue: granted
# on the queue an ``@app.on_sqs_message`` handler reads, never called by the app itself.
SQS_EVENT_SOURCE_ACTIONS = frozenset(
    {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
)


def _sqs(operation: str, params: Mapping[str, Any]) -> list[Permission]:
    if operation == "GetQueueUrl":
        return [Permission("sqs:GetQueueUrl", _queue(params["QueueName"]))]
    if operation in ("SendMessage", "SendMessageBatch"):
        name = urlsplit(params["QueueUrl"]).path.rstrip("/").split("/")[-1]
        return [Permission("sqs:SendMessage", _queue(name))]
    raise UnmappedCall(f"sqs.{operation}")


def _secret(secret_id: str) -> str:
    """The ARN IAM checks for a secret: the ARN given, with this module's placeholders for
    region and account; a name gets a six-character suffix, as Secrets Manager adds one."""
    if secret_id.startswith("arn:"):
        parts = secret_id.split(":", 6)
        return ":".join([*parts[:3], REGION, ACCOUNT, *parts[5:]])
    return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{secret_id}-XXXXXX"


def _secretsmanager(operation: str, params: Mapping[str, Any]) -> list[Permission]:
    if operation in ("GetSecretValue", "DescribeSecret"):
        return [Permission(f"secretsmanager:{operation}", _secret(params["SecretId"]))]
    raise UnmappedCall(f"secretsmanager.{operation}")


def permissions(
    service: str, operation: str, params: Mapping[str, Any], endpoint: str = ""
) -> list[Permission]:
    """The IAM permissions one AWS call needs. Raises :class:`UnmappedCall` for an
    operation this module does not map yet (add it here, with its IAM action)."""
    if service == "dynamodb":
        return _dynamodb(operation, params)
    if service == "s3":
        return _s3(operation, params)
    if service == "apigatewaymanagementapi":
        return _management(operation, params, endpoint)
    if service == "sqs":
        return _sqs(operation, params)
    if service == "secretsmanager":
        return _secretsmanager(operation, params)
    raise UnmappedCall(f"{service}.{operation}")


def presigned_permissions(method: str, params: Mapping[str, Any]) -> list[Permission]:
    """What a presigned URL or POST signed by the role lets its holder do: the role
    itself must be allowed (S3 checks the signer's permissions at use)."""
    operation = "".join(part.capitalize() for part in method.split("_"))
    return _s3(operation, params)


def rename_resources(found: Iterable[Permission], old: str, new: str) -> set[Permission]:
    """Swap a name prefix in ARNs (the tests' table prefix for a stage's)."""
    return {Permission(p.action, p.resource.replace(old, new)) for p in found}
