"""infra/template.yaml against the code: tables and models, CDN and local headers, alarms and
Lambda functions, the stages' settings in .chalice/config.json."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pynamodb.indexes import AllProjection, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

import app  # noqa: F401 - registers every model and function, as in production
from chalicelib.models import registered_models
from infra import apis, stack
from local.template import load_template, resolve
from tests.integration.moto_world import MotoAws

ROOT = Path(__file__).resolve().parents[2]
CONFIG = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
STAGES = sorted(CONFIG["stages"])
PREFIX = "moncommissariat-dev"
PARAMS = {"Prefix": PREFIX, "Stage": "dev", "AppName": CONFIG["app_name"]}
TEMPLATE = load_template()
RESOURCES: dict[str, dict[str, Any]] = TEMPLATE["Resources"]


def of_type(kind: str) -> dict[str, dict[str, Any]]:
    """Logical id -> resolved properties of every resource of one type."""
    return {
        logical: resolve(resource.get("Properties", {}), PARAMS)
        for logical, resource in RESOURCES.items()
        if resource["Type"] == kind
    }


def template_tables() -> dict[str, dict[str, Any]]:
    return {props["TableName"]: props for props in of_type("AWS::DynamoDB::Table").values()}


# -- tables and models -------------------------------------------------------------------


def models_by_table() -> dict[str, list[type[Model]]]:
    tables: dict[str, list[type[Model]]] = defaultdict(list)
    for model, aggregate in registered_models():
        tables[f"{PREFIX}-{aggregate}"].append(model)
    return tables


def attribute_type(models: list[type[Model]], name: str) -> str:
    """The DynamoDB type of an attribute, the same in every model of the table."""
    types = {
        model.get_attributes()[name].attr_type for model in models if name in model.get_attributes()
    }
    assert len(types) == 1, f"{name}: {types or 'no model declares it'}"
    return types.pop()


def key_schema(keys: list[dict[str, str]], types: dict[str, str]) -> dict[str, tuple[str, str]]:
    return {key["KeyType"]: (key["AttributeName"], types[key["AttributeName"]]) for key in keys}


def projection(kind: str, attributes: list[str] | None = None) -> tuple[str, frozenset[str]]:
    return kind, frozenset(attributes or [])


def pynamodb_indexes(models: list[type[Model]]) -> dict[str, dict[str, Any]]:
    """The GSIs the models declare: name -> keys, projection."""
    found: dict[str, dict[str, Any]] = {}
    for model in models:
        for name, index in model._indexes.items():
            meta = index.Meta
            keys = {}
            for attr_name, attribute in meta.attributes.items():
                if attribute.is_hash_key:
                    keys["HASH"] = (attr_name, attribute.attr_type)
                if attribute.is_range_key:
                    keys["RANGE"] = (attr_name, attribute.attr_type)
            if isinstance(meta.projection, AllProjection):
                shape = projection("ALL")
            elif isinstance(meta.projection, KeysOnlyProjection):
                shape = projection("KEYS_ONLY")
            else:
                assert isinstance(meta.projection, IncludeProjection)
                shape = projection("INCLUDE", list(meta.projection.non_key_attributes))
            found[name] = {"keys": keys, "projection": shape}
    return found


def report_indexes(models: list[type[Model]]) -> dict[str, dict[str, Any]]:
    """The reports table's indexes are queried with the low-level client, one per filter
    combination: chalicelib/models/report_index.py declares them."""
    from chalicelib.models import report_index as declared

    found = {}
    for name in declared.ALL_INDEXES:
        hash_name = declared.hash_attribute(name)
        keys = {
            "HASH": (hash_name, attribute_type(models, hash_name)),
            "RANGE": (declared.SORT_KEY, attribute_type(models, declared.SORT_KEY)),
        }
        shape = (
            projection("ALL")
            if name in declared.FULL_PROJECTION_INDEXES
            else projection("INCLUDE", list(declared.PROJECTED_ATTRIBUTES))
        )
        found[name] = {"keys": keys, "projection": shape}
    return found


def code_indexes(table: str, models: list[type[Model]]) -> dict[str, dict[str, Any]]:
    if table == f"{PREFIX}-reports":
        return report_indexes(models)
    return pynamodb_indexes(models)


def powertools_idempotency_table() -> dict[str, Any]:
    """The idempotency table is powertools' (chalicelib/models/report_idempotency.py)."""
    import boto3
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    layer = DynamoDBPersistenceLayer(
        table_name="idempotency", boto3_client=boto3.client("dynamodb", region_name="eu-west-3")
    )
    return {"hash": layer.key_attr, "range": layer.sort_key_attr, "ttl": layer.expiry_attr}


def test_every_table_of_the_template_is_a_table_of_the_code_and_back() -> None:
    code = set(models_by_table()) | {f"{PREFIX}-idempotency"}
    assert set(template_tables()) == code


@dataclass
class Table:
    """A table of the template, the models stored in it and its attribute types."""

    name: str
    models: list[type[Model]]
    props: dict[str, Any]

    @property
    def types(self) -> dict[str, str]:
        return {a["AttributeName"]: a["AttributeType"] for a in self.props["AttributeDefinitions"]}


@pytest.fixture(params=sorted(models_by_table()))
def table(request: pytest.FixtureRequest) -> Table:
    name = request.param
    return Table(name, models_by_table()[name], template_tables()[name])


def test_table_keys_match_the_models(table: Table) -> None:
    models, props, types = table.models, table.props, table.types
    expected = {}
    for model in models:
        keys = {"HASH": (model._hash_keyname, attribute_type(models, model._hash_keyname))}
        if model._range_keyname:
            keys["RANGE"] = (model._range_keyname, attribute_type(models, model._range_keyname))
        assert expected in ({}, keys), f"models of {table.name} disagree on keys"
        expected = keys
    assert key_schema(props["KeySchema"], types) == expected


def test_table_indexes_match_the_code(table: Table) -> None:
    props, types = table.props, table.types
    in_template = {}
    for index in props.get("GlobalSecondaryIndexes", []):
        shape = index["Projection"]
        in_template[index["IndexName"]] = {
            "keys": key_schema(index["KeySchema"], types),
            "projection": projection(shape["ProjectionType"], shape.get("NonKeyAttributes")),
        }
    assert not props.get("LocalSecondaryIndexes")
    assert in_template == code_indexes(table.name, table.models)
    # Every attribute defined is a key of the table or of an index (CloudFormation's rule).
    used = {key["AttributeName"] for key in props["KeySchema"]} | {
        key["AttributeName"]
        for index in props.get("GlobalSecondaryIndexes", [])
        for key in index["KeySchema"]
    }
    assert set(types) == used


def test_ttl_is_on_ttl_exactly_where_the_models_have_one(table: Table) -> None:
    models = table.models
    with_ttl = [model.__name__ for model in models if "ttl" in model.get_attributes()]
    spec = table.props.get("TimeToLiveSpecification")
    if with_ttl:
        assert spec == {"AttributeName": "ttl", "Enabled": True}, with_ttl
        assert attribute_type(models, "ttl") == "N"
    else:
        assert spec is None


def test_the_idempotency_table_is_what_powertools_reads_and_writes() -> None:
    expected = powertools_idempotency_table()
    props = template_tables()[f"{PREFIX}-idempotency"]
    assert props["KeySchema"] == [{"AttributeName": expected["hash"], "KeyType": "HASH"}]
    assert expected["range"] is None
    assert props["TimeToLiveSpecification"] == {"AttributeName": expected["ttl"], "Enabled": True}


def test_every_table_is_on_demand_encrypted_and_backed_up_when_kept() -> None:
    for logical, resource in RESOURCES.items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        props = resource["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST", logical
        assert props["SSESpecification"] == {"SSEEnabled": True}, logical
        pitr = props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
        # Tables of lasting data are retained and recoverable; the rest is short-lived.
        assert pitr == (resource.get("DeletionPolicy") == "Retain"), logical


# -- buckets, CloudFront and the response headers -----------------------------------------


def test_every_bucket_is_private_and_encrypted() -> None:
    buckets = of_type("AWS::S3::Bucket")
    assert {props["BucketName"] for props in buckets.values()} == {
        f"{PREFIX}-{name}" for name in ("site", "console", "photos")
    }
    for props in buckets.values():
        assert set(props["PublicAccessBlockConfiguration"].values()) == {True}
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"]


def test_photos_are_versioned_and_their_originals_and_old_versions_expire() -> None:
    photos = of_type("AWS::S3::Bucket")["PhotosBucket"]
    assert photos["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = photos["LifecycleConfiguration"]["Rules"]
    uploads = next(rule for rule in rules if rule.get("Prefix") == "uploads/")
    assert uploads["ExpirationInDays"] == 1
    assert uploads["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    for rule in rules:
        assert rule["Status"] == "Enabled"
        assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] <= 1


def test_cloudfront_reads_the_buckets_through_its_origin_access_control_only() -> None:
    config = of_type("AWS::CloudFront::Distribution")["Distribution"]["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"] if "Id" in origin}
    for name in ("site", "console"):
        assert origins[name]["OriginAccessControlId"] == {
            "Fn::GetAtt": ["OriginAccessControl", "Id"]
        }
    policies = of_type("AWS::S3::BucketPolicy")
    for bucket in ("SiteBucket", "ConsoleBucket"):
        policy = next(p for p in policies.values() if p["Bucket"] == {"Ref": bucket})
        reads = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
        assert reads and all(
            s["Principal"] == {"Service": "cloudfront.amazonaws.com"} for s in reads
        )
        assert all("AWS:SourceArn" in s["Condition"]["StringEquals"] for s in reads)


def _behaviors(config: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield config["DefaultCacheBehavior"]
    for behavior in config["CacheBehaviors"]:
        yield behavior.get("Fn::If", [None, behavior])[1] if "Fn::If" in behavior else behavior


def test_cloudfront_routes_the_site_the_console_and_the_api() -> None:
    config = of_type("AWS::CloudFront::Distribution")["Distribution"]["DistributionConfig"]
    behaviors = list(_behaviors(config))
    routes = {b.get("PathPattern", "default"): b["TargetOriginId"] for b in behaviors}
    assert routes == {"default": "site", "/console/*": "console", "/api/*": "api"}
    api = next(b for b in behaviors if b.get("PathPattern") == "/api/*")
    assert {"POST", "PUT", "PATCH", "DELETE"} <= set(api["AllowedMethods"])
    for behavior in behaviors:
        assert behavior["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}
        assert behavior["ViewerProtocolPolicy"] in ("https-only", "redirect-to-https")


def _directives(csp: str) -> dict[str, list[str]]:
    found = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def _production_csp(websocket_domain: str) -> str:
    policy = RESOURCES["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    joined = policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    params = {**PARAMS, "WebSocketApiDomain": websocket_domain, "AWS::Region": "eu-west-3"}
    parts = []
    for part in joined["Fn::Join"][1]:
        if isinstance(part, dict) and "Fn::If" in part:
            part = part["Fn::If"][1] if websocket_domain else part["Fn::If"][2]
        parts.append(resolve(part, params))
    return "".join(parts)


def test_the_csp_is_the_local_platforms_plus_the_hosts_of_aws() -> None:
    from local.gateway import _security_headers

    local = _directives(_security_headers("")["Content-Security-Policy"])
    production = _directives(_production_csp("ab12cd.execute-api.eu-west-3.amazonaws.com"))
    assert set(production) == set(local)
    photos = f"https://{PREFIX}-photos.s3.eu-west-3.amazonaws.com"
    extra = {
        "img-src": [photos],
        "connect-src": [
            "wss://ab12cd.execute-api.eu-west-3.amazonaws.com",
            "https://cognito-idp.eu-west-3.amazonaws.com",
            photos,
        ],
    }
    for name, sources in local.items():
        assert production[name] == sources + extra.get(name, []), name
    assert "wss:" not in _production_csp("")


def test_the_other_security_headers_are_the_local_platforms() -> None:
    from local.gateway import _security_headers

    local = _security_headers("")
    policy = RESOURCES["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    headers = policy["SecurityHeadersConfig"]
    assert (
        headers["ContentTypeOptions"]["Override"] and local["X-Content-Type-Options"] == "nosniff"
    )
    assert headers["FrameOptions"]["FrameOption"] == local["X-Frame-Options"]
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == local["Referrer-Policy"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000


# -- alarms --------------------------------------------------------------------------------


@cache
def chalice_functions(stage: str) -> dict[str, Any]:
    """Every Lambda function `chalice deploy` creates for a stage, by resource name."""
    from chalice.cli.factory import CLIFactory
    from chalice.deploy import models
    from chalice.deploy.appgraph import ApplicationGraphBuilder, DependencyBuilder

    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-3")
    config = CLIFactory(project_dir=str(ROOT)).create_config_obj(chalice_stage_name=stage)
    graph = ApplicationGraphBuilder().build(config, stage)
    return {
        resource.resource_name: resource
        for resource in DependencyBuilder().build_dependencies(graph)
        if isinstance(resource, models.LambdaFunction)
    }


def alarms() -> dict[str, dict[str, Any]]:
    return {
        logical: resource["Properties"]
        for logical, resource in RESOURCES.items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }


def _watched(alarm: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(namespace, metric, dimensions) of every metric an alarm reads."""
    if "MetricName" in alarm:
        yield (
            alarm["Namespace"],
            alarm["MetricName"],
            {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])},
        )
    for query in alarm.get("Metrics", []):
        metric = query.get("MetricStat", {}).get("Metric")
        if metric:
            yield (
                metric["Namespace"],
                metric["MetricName"],
                {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])},
            )


@pytest.mark.parametrize("stage", STAGES)
def test_every_lambda_function_has_an_errors_alarm(stage: str) -> None:
    params = {**PARAMS, "Stage": stage}
    watched = {
        resolve(dimensions["FunctionName"], params)
        for alarm in alarms().values()
        for namespace, metric, dimensions in _watched(alarm)
        if (namespace, metric) == ("AWS/Lambda", "Errors")
    }
    functions = {fn.function_name for fn in chalice_functions(stage).values()}
    assert functions == watched


def test_every_table_has_a_throttle_alarm() -> None:
    watched: dict[str, set[str]] = defaultdict(set)
    for alarm in alarms().values():
        for namespace, metric, dimensions in _watched(alarm):
            if namespace == "AWS/DynamoDB":
                watched[dimensions["TableName"]["Ref"]].add(metric)
    tables = [k for k, r in RESOURCES.items() if r["Type"] == "AWS::DynamoDB::Table"]
    for table in tables:
        assert watched[table] == {"ReadThrottleEvents", "WriteThrottleEvents"}, table


def test_the_apis_and_the_queue_wait_have_alarms_and_every_alarm_notifies() -> None:
    metrics = {
        (json.dumps(namespace), metric)
        for alarm in alarms().values()
        for namespace, metric, _ in _watched(alarm)
    }
    assert ('"AWS/ApiGateway"', "5XXError") in metrics
    assert ('"AWS/ApiGateway"', "IntegrationError") in metrics
    assert ('{"Ref": "MetricsNamespace"}', "QueueWaitSeconds") in metrics
    for logical, alarm in alarms().items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], logical


def test_the_queue_wait_alarm_reads_the_metric_as_the_app_names_it() -> None:
    parameters = TEMPLATE["Parameters"]
    environment = CONFIG["environment_variables"]
    assert parameters["MetricsNamespace"]["Default"] == environment["POWERTOOLS_METRICS_NAMESPACE"]
    assert parameters["ServiceName"]["Default"] == environment["POWERTOOLS_SERVICE_NAME"]
    alarm = alarms()["QueueWaitAlarm"]
    assert alarm["Dimensions"] == [{"Name": "service", "Value": {"Ref": "ServiceName"}}]


def test_assigning_a_conversation_records_how_long_the_citizen_waited(
    aws: MotoAws, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.observability import metrics
    from tests.integration.chat_harness import (
        Client,
        install_recorder,
        officer_token,
        pin_moto_keys,
    )

    recorded: list[tuple[str, str, float]] = []
    original = metrics.add_metric

    def add_metric(name: str, unit: Any, value: float, **kwargs: Any) -> None:
        recorded.append((name, str(getattr(unit, "value", unit)), value))
        original(name=name, unit=unit, value=value, **kwargs)

    monkeypatch.setattr(metrics, "add_metric", add_metric)
    pin_moto_keys()
    sender = install_recorder()
    Client(sender).send({"type": "join", "topic": "vol"})
    officer = Client(sender, {"role": "officer", "token": officer_token(aws, "officier1")})
    officer.send({"type": "presence", "status": "online"})
    waits = [value for name, unit, value in recorded if name == "QueueWaitSeconds"]
    assert len(waits) == 1 and waits[0] >= 0
    assert ("QueueWaitSeconds", "Seconds") in {(name, unit) for name, unit, _ in recorded}


# -- the stages' settings -------------------------------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
def test_every_function_has_its_memory_and_timeout_and_the_apis_their_throttling(
    stage: str,
) -> None:
    settings = CONFIG["stages"][stage]
    assert set(settings["lambda_functions"]) == set(chalice_functions(stage))
    for name, function in chalice_functions(stage).items():
        configured = settings["lambda_functions"][name]
        assert function.memory_size == configured["lambda_memory_size"], name
        assert function.timeout == configured["lambda_timeout"], name
        assert function.timeout <= 29 or name == "chat_sweeper", name  # API Gateway's limit
    for api in ("rest", "websocket"):
        throttling = settings["api_gateway_throttling"][api]
        assert 0 < throttling["rate_limit"] <= throttling["burst_limit"]


def test_prod_reserves_concurrency_within_what_a_default_account_allows() -> None:
    # An account has 1,000 concurrent executions by default, 100 of which must stay
    # unreserved: a stage-wide reservation would be multiplied by every function.
    assert "reserved_concurrency" not in CONFIG["stages"]["prod"]
    reserved = [fn.reserved_concurrency or 0 for fn in chalice_functions("prod").values()]
    assert 0 < sum(reserved) <= 900
    # One sweep at a time: a slow sweep is not overlapped by the next minute's.
    assert chalice_functions("prod")["chat_sweeper"].reserved_concurrency == 1


def test_the_role_policy_is_a_checked_in_file_per_stage() -> None:
    assert CONFIG["autogen_policy"] is False
    for stage in STAGES:
        policy_file = CONFIG["stages"][stage]["iam_policy_file"]
        assert policy_file == f"policy-{stage}.json"
        assert (ROOT / ".chalice" / policy_file).is_file()


def test_the_gateway_responses_say_what_the_local_platform_says() -> None:
    from chalice.local import ForbiddenError, NotAuthorizedError

    from local.gateway import LocalPlatform

    cases = {
        "MISSING_AUTHENTICATION_TOKEN": ForbiddenError(
            {}, b'{"message":"Missing Authentication Token"}'
        ),
        "UNAUTHORIZED": NotAuthorizedError({}, b""),
        "ACCESS_DENIED": ForbiddenError({}, b""),
    }
    for response_type, error in cases.items():
        local = LocalPlatform._gateway_error(None, error)  # type: ignore[arg-type]
        status, code, message = apis.GATEWAY_RESPONSES[response_type]
        assert local.status == status, response_type
        assert json.loads(local.text) == json.loads(apis.gateway_response_body(code, message))


def test_the_template_fits_inline_in_a_cloudformation_request() -> None:
    assert len(stack.template_body().encode("utf-8")) <= stack.TEMPLATE_BODY_LIMIT


# -- logs, secrets, the edge (issue 15) ------------------------------------------------------

EDGE = load_template(ROOT / "infra" / "edge.yaml")


def log_groups() -> dict[str, dict[str, Any]]:
    return {
        logical: resource["Properties"]
        for logical, resource in RESOURCES.items()
        if resource["Type"] == "AWS::Logs::LogGroup"
    }


def test_every_log_group_is_kept_90_days() -> None:
    assert log_groups()
    for template in (TEMPLATE, EDGE):
        for logical, resource in template["Resources"].items():
            if resource["Type"] == "AWS::Logs::LogGroup":
                assert resource["Properties"]["RetentionInDays"] == 90, logical


@pytest.mark.parametrize("stage", STAGES)
def test_every_lambda_function_writes_into_a_log_group_of_the_template(stage: str) -> None:
    params = {**PARAMS, "Stage": stage}
    groups = {resolve(props["LogGroupName"], params) for props in log_groups().values()}
    for function in chalice_functions(stage).values():
        assert f"/aws/lambda/{function.function_name}" in groups, function.function_name


def test_both_apis_write_access_logs_without_client_addresses() -> None:
    outputs = TEMPLATE["Outputs"]
    for output, group in (
        ("RestAccessLogGroupArn", "RestAccessLogGroup"),
        ("WebSocketAccessLogGroupArn", "WebSocketAccessLogGroup"),
    ):
        assert outputs[output]["Value"] == {"Fn::GetAtt": [group, "Arn"]}
    arn = "arn:aws:logs:eu-west-3:111122223333:log-group:/aws/apigateway/x-rest-access:*"
    limits = {"rate_limit": 20, "burst_limit": 40}
    rest = {op["path"]: op["value"] for op in apis.rest_stage_patch(limits, arn)}
    assert rest["/accessLogSettings/destinationArn"] == arn.removesuffix(":*")
    websocket = apis.websocket_stage_update(limits, arn)["AccessLogSettings"]
    assert websocket["DestinationArn"] == arn.removesuffix(":*")
    for log_format in (rest["/accessLogSettings/format"], websocket["Format"]):
        assert "$context.requestId" in log_format
        assert "identity" not in log_format and "sourceIp" not in log_format
    assert TEMPLATE["Resources"]["ApiGatewayAccount"]["Properties"]["CloudWatchRoleArn"]


def test_every_secret_the_app_reads_comes_from_the_stack_and_reaches_its_setting() -> None:
    from infra.deploy import ENVIRONMENT_FROM_OUTPUTS
    from local.template import secret_definitions

    settings = {setting for _, setting, _ in secret_definitions(PREFIX)}
    assert settings == {"CLIENT_KEY_SECRET_ID", "ORIGIN_SECRET_ID"}
    for setting in settings:
        output = ENVIRONMENT_FROM_OUTPUTS[setting]
        assert output in TEMPLATE["Outputs"], output
        for stage in STAGES:
            assert setting in CONFIG["stages"][stage]["environment_variables"], (stage, setting)
    for logical, resource in RESOURCES.items():
        if resource["Type"] == "AWS::SecretsManager::Secret":
            assert resource["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32
            assert resource["DeletionPolicy"] == "Retain", logical


@pytest.mark.parametrize("stage", STAGES)
def test_behind_cloudfront_the_client_is_one_trusted_hop_away(stage: str) -> None:
    environment = CONFIG["stages"][stage]["environment_variables"]
    assert environment["TRUSTED_PROXY_HOPS"] == "1"
    assert "WEBSOCKET_TRUSTED_PROXY_HOPS" not in environment  # the WebSocket API is direct


def test_cloudfront_proves_itself_to_the_api_with_the_origin_secret() -> None:
    from chalicelib.api.http import ORIGIN_HEADER

    config = RESOURCES["Distribution"]["Properties"]["DistributionConfig"]
    api = next(
        origin["Fn::If"][1]
        for origin in config["Origins"]
        if "Fn::If" in origin and origin["Fn::If"][1].get("Id") == "api"
    )
    (header,) = api["OriginCustomHeaders"]
    assert header["HeaderName"].lower() == ORIGIN_HEADER
    with_version, without = (branch["Fn::Sub"] for branch in header["HeaderValue"]["Fn::If"][1:])
    assert with_version.startswith("{{resolve:secretsmanager:${OriginSecret}:SecretString")
    assert without == "{{resolve:secretsmanager:${OriginSecret}}}"
    assert config["WebACLId"] == {
        "Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]
    }


def test_the_web_acl_limits_each_client_and_runs_the_aws_managed_rules() -> None:
    from infra.stack import EDGE_REGION

    assert EDGE_REGION == "us-east-1"  # WAF for CloudFront exists there only
    acl = EDGE["Resources"]["WebAcl"]["Properties"]
    assert acl["Scope"] == "CLOUDFRONT"
    rules = {rule["Name"]: rule for rule in acl["Rules"]}
    rates = [
        r["Statement"]["RateBasedStatement"]
        for r in rules.values()
        if "RateBasedStatement" in r["Statement"]
    ]
    assert rates and all(rate["AggregateKeyType"] == "IP" for rate in rates)
    assert all(
        "Block" in r["Action"] for r in rules.values() if "RateBasedStatement" in r["Statement"]
    )
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in rules.values()
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert managed == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}
    assert sorted(r["Priority"] for r in rules.values()) == list(range(len(rules)))
    assert EDGE["Outputs"]["WebAclArn"]["Value"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}
    assert len(stack.template_body(stack.EDGE_TEMPLATE).encode()) <= stack.TEMPLATE_BODY_LIMIT


def test_the_urgent_burst_alarm_reads_the_metric_the_chat_limits_write() -> None:
    source = (ROOT / "chalicelib" / "chat" / "limits.py").read_text(encoding="utf-8")
    alarm = alarms()["UrgentJoinBurstAlarm"]
    assert f'count("{alarm["MetricName"]}")' in source
    assert alarm["Namespace"] == {"Ref": "MetricsNamespace"}
