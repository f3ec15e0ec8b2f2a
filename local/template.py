"""Read infra/template.yaml: the one definition of tables, buckets and the user pool.

The local platform creates its AWS resources from this file, and tests compare
it with the PynamoDB models, so code and infrastructure cannot drift.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parent.parent / "infra" / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that turns CloudFormation short tags into their long form."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """The template as plain data (short tags expanded)."""
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return data


def resolve(value: Any, params: dict[str, str]) -> Any:
    """Resolve the ``Ref`` / ``Fn::Sub`` of parameters that names depend on."""
    if isinstance(value, dict):
        if "Ref" in value and len(value) == 1 and value["Ref"] in params:
            return params[value["Ref"]]
        if "Fn::Sub" in value and isinstance(value["Fn::Sub"], str):
            text = value["Fn::Sub"]
            for key, replacement in params.items():
                text = text.replace("${" + key + "}", replacement)
            return text
        return {key: resolve(item, params) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, params) for item in value]
    return value


def resources_of_type(
    kind: str, params: dict[str, str], template: dict[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """Logical id → resolved Properties of every resource of one CloudFormation type."""
    template = template or load_template()
    found = {}
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") == kind:
            found[logical_id] = resolve(resource.get("Properties", {}), params)
    return found


def table_definitions(prefix: str) -> dict[str, dict[str, Any]]:
    """Table name → resolved properties of each ``AWS::DynamoDB::Table``."""
    tables = resources_of_type("AWS::DynamoDB::Table", {"Prefix": prefix, "Stage": "dev"})
    return {props["TableName"]: props for props in tables.values()}


def bucket_names(prefix: str) -> list[str]:
    """Names of every ``AWS::S3::Bucket``."""
    buckets = resources_of_type("AWS::S3::Bucket", {"Prefix": prefix, "Stage": "dev"})
    return [props["BucketName"] for props in buckets.values()]


def queue_definitions(prefix: str) -> dict[str, dict[str, Any]]:
    """Logical id → resolved properties of each ``AWS::SQS::Queue``."""
    return resources_of_type("AWS::SQS::Queue", {"Prefix": prefix, "Stage": "dev"})


def user_pool_groups(prefix: str) -> list[dict[str, Any]]:
    """The ``AWS::Cognito::UserPoolGroup`` definitions."""
    groups = resources_of_type("AWS::Cognito::UserPoolGroup", {"Prefix": prefix, "Stage": "dev"})
    return list(groups.values())


def secret_definitions(prefix: str) -> list[tuple[str, str, int]]:
    """(name, app setting, length) of each ``AWS::SecretsManager::Secret``: the setting that
    names it is in its ``Tags`` (key ``setting``), its length in ``GenerateSecretString``."""
    secrets = resources_of_type("AWS::SecretsManager::Secret", {"Prefix": prefix, "Stage": "dev"})
    found = []
    for props in secrets.values():
        tags = {tag["Key"]: tag["Value"] for tag in props.get("Tags", [])}
        length = int(props["GenerateSecretString"]["PasswordLength"])
        found.append((props["Name"], tags["setting"], length))
    return found
