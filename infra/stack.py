"""The CloudFormation stack of infra/template.yaml: deploy it, read its outputs, delete it."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from infra.context import ROOT, Aws, DeployError

TEMPLATE = ROOT / "infra" / "template.yaml"
EDGE_TEMPLATE = ROOT / "infra" / "edge.yaml"  # the CloudFront web ACL, in us-east-1
EDGE_REGION = "us-east-1"  # where WAF for CloudFront (scope CLOUDFRONT) lives
TEMPLATE_BODY_LIMIT = 51_200  # bytes CloudFormation accepts inline (TemplateBody)
# Tables, buckets, the user pool and the secrets outlive the stack (DeletionPolicy: Retain).
RETAINED_TYPES = {
    "AWS::DynamoDB::Table": "tables",
    "AWS::S3::Bucket": "buckets",
    "AWS::Cognito::UserPool": "pools",
    "AWS::SecretsManager::Secret": "secrets",
}


def template_body(template: Path = TEMPLATE) -> str:
    """A template as compact JSON: CloudFormation takes 51,200 bytes inline."""
    sys.path.insert(0, str(ROOT))
    from local.template import load_template

    body = json.dumps(load_template(template), separators=(",", ":"), ensure_ascii=False)
    size = len(body.encode("utf-8"))
    if size > TEMPLATE_BODY_LIMIT:
        raise DeployError(
            f"{template.name} is {size} bytes as JSON, over CloudFormation's inline limit "
            f"({TEMPLATE_BODY_LIMIT}): upload it to S3 and pass TemplateURL instead"
        )
    return body


def describe(aws: Aws, name: str) -> dict[str, Any] | None:
    """The stack, or None when it does not exist."""
    try:
        stacks = aws.client("cloudformation").describe_stacks(StackName=name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    return dict(stacks[0]) if stacks else None


def parameters_of(aws: Aws, name: str) -> dict[str, str]:
    """The parameters the stack was last deployed with (empty when it does not exist)."""
    stack = describe(aws, name) or {}
    return {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}


def _wait(aws: Aws, waiter: str, name: str) -> None:
    config = {"Delay": 2 if aws.emulated else 15, "MaxAttempts": 240}  # CloudFront: minutes
    aws.client("cloudformation").get_waiter(waiter).wait(StackName=name, WaiterConfig=config)


def deploy_stack(
    aws: Aws,
    name: str,
    parameters: Mapping[str, str],
    tags: Mapping[str, str],
    template: Path = TEMPLATE,
) -> dict[str, str]:
    """Create or update a stack and wait for it; returns its outputs."""
    cf = aws.client("cloudformation")
    request: dict[str, Any] = {
        "StackName": name,
        "TemplateBody": template_body(template),
        "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
    }
    existing = describe(aws, name)
    if existing and existing["StackStatus"] == "ROLLBACK_COMPLETE":
        # A first create that failed: nothing in it to keep, and it cannot be updated.
        cf.delete_stack(StackName=name)
        _wait(aws, "stack_delete_complete", name)
        existing = None
    if existing is None:
        cf.create_stack(**request)
        _wait(aws, "stack_create_complete", name)
    else:
        try:
            cf.update_stack(**request)
        except ClientError as error:
            if "No updates are to be performed" not in str(error):
                raise
        else:
            _wait(aws, "stack_update_complete", name)
    stack = describe(aws, name) or {}
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def retained_resources(aws: Aws, name: str) -> dict[str, list[str]]:
    """Physical ids of what deleting the stack leaves behind, by kind."""
    found: dict[str, list[str]] = {kind: [] for kind in RETAINED_TYPES.values()}
    paginator = aws.client("cloudformation").get_paginator("list_stack_resources")
    for page in paginator.paginate(StackName=name):
        for resource in page["StackResourceSummaries"]:
            kind = RETAINED_TYPES.get(resource["ResourceType"])
            if kind and resource.get("PhysicalResourceId"):
                found[kind].append(resource["PhysicalResourceId"])
    return found


def delete_stack(aws: Aws, name: str) -> None:
    aws.client("cloudformation").delete_stack(StackName=name)
    _wait(aws, "stack_delete_complete", name)


def distribution_domain(aws: Aws, outputs: Mapping[str, str]) -> str:
    """The CloudFront domain (d123.cloudfront.net), read from CloudFront: moto's
    CloudFormation refuses a GetAtt output of a type it does not implement."""
    distribution_id = outputs.get("DistributionId")
    if not distribution_id:
        return ""
    found = aws.client("cloudfront").get_distribution(Id=distribution_id)
    return str(found["Distribution"]["DomainName"])


def emulated_user_pool(aws: Aws, prefix: str) -> tuple[str, str]:
    """moto's CloudFormation ignores AWS::Cognito::*: the pool, its groups and the console
    client are created by API from the same template, as the local platform does."""
    sys.path.insert(0, str(ROOT))
    from local.aws import create_user_pool

    cognito = aws.client("cognito-idp")
    for pool in cognito.list_user_pools(MaxResults=60)["UserPools"]:
        if pool["Name"] == f"{prefix}-officers":
            clients = cognito.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=60)
            return str(pool["Id"]), str(clients["UserPoolClients"][0]["ClientId"])
    pool_id, client_id = create_user_pool(cognito, prefix)
    return str(pool_id), str(client_id)


def emulated_user_pools(aws: Aws, prefix: str) -> list[str]:
    """Ids of the pools :func:`emulated_user_pool` created for a stage."""
    pools = aws.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    return [str(pool["Id"]) for pool in pools if pool["Name"] == f"{prefix}-officers"]


SECRET_OUTPUTS = {
    "CLIENT_KEY_SECRET_ID": "ClientKeySecretArn",
    "ORIGIN_SECRET_ID": "OriginSecretArn",
}


def existing_secrets(aws: Aws, prefix: str) -> dict[str, str]:
    """The stage's secrets that exist, by name: setting -> ARN."""
    sys.path.insert(0, str(ROOT))
    from local.template import secret_definitions

    client = aws.client("secretsmanager")
    found: dict[str, str] = {}
    for name, setting, _ in secret_definitions(prefix):
        try:
            found[setting] = str(client.describe_secret(SecretId=name)["ARN"])
        except ClientError:
            continue
    return found


def emulated_secrets(aws: Aws, prefix: str) -> dict[str, str]:
    """moto's CloudFormation ignores AWS::SecretsManager::Secret: the secrets are created by
    API from the same template (found again on a later deploy); stack output -> ARN."""
    from local.aws import create_secrets

    found = existing_secrets(aws, prefix)
    if len(found) < len(SECRET_OUTPUTS):
        found = create_secrets(aws.client("secretsmanager"), prefix)
    return {SECRET_OUTPUTS[setting]: arn for setting, arn in found.items()}


def current_version(aws: Aws, secret_id: str) -> str:
    """The version id of a secret's current value ("" when it does not exist yet)."""
    try:
        versions = aws.client("secretsmanager").list_secret_version_ids(SecretId=secret_id)
    except ClientError:
        return ""
    for version in versions.get("Versions", []):
        if "AWSCURRENT" in version.get("VersionStages", []):
            return str(version["VersionId"])
    return ""
