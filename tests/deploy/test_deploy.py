"""`make deploy` end to end against a moto server, as far as moto goes (docs/deploy.md).

The deploy runs as `make deploy` runs it (``python -m infra.deploy``, in a subprocess) on
a copy of the project, so the real ``.chalice/config.json`` is never written. Then the
stage is deployed again (the update path) and destroyed with its data.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.template import table_definitions

# The first deploy builds the dependency package when no cached one matches (pip download).
pytestmark = [pytest.mark.deploy, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
STAGE = "dev"
PREFIX = f"moncommissariat-{STAGE}"
MOTO_ACCOUNT = "123456789012"


@dataclass
class Deployed:
    endpoint: str
    project: Path
    report: dict[str, Any]
    output: str

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint, region_name="eu-west-3")

    def stage_environment(self) -> dict[str, str]:
        config = json.loads((self.project / ".chalice" / "config.json").read_text())
        return dict(config["stages"][STAGE]["environment_variables"])


def copy_project(target: Path) -> Path:
    """What `chalice deploy` reads: the app, its config and policies, the package cache."""
    target.mkdir(parents=True)
    shutil.copy2(ROOT / "app.py", target / "app.py")
    shutil.copy2(ROOT / "requirements.txt", target / "requirements.txt")
    shutil.copytree(
        ROOT / "chalicelib", target / "chalicelib", ignore=shutil.ignore_patterns("__pycache__")
    )
    (target / ".chalice").mkdir()
    for path in (ROOT / ".chalice").glob("*.json"):
        shutil.copy2(path, target / ".chalice" / path.name)
    cache = ROOT / ".chalice" / "deployments"
    if cache.is_dir():  # the dependencies' zip, keyed by requirements.txt: no download then
        shutil.copytree(cache, target / ".chalice" / "deployments")
    return target


def run_deploy(endpoint: str, project: Path, *args: str) -> tuple[dict[str, Any], str]:
    report = project / f"report-{len(list(project.glob('report-*')))}.json"
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("AWS_ENDPOINT_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "infra.deploy",
            *args,
            "--stage",
            STAGE,
            "--project-dir",
            str(project),
            "--endpoint-url",
            endpoint,
            "--report",
            str(report),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    return json.loads(report.read_text()), output


def config_digest() -> str:
    return hashlib.sha256((ROOT / ".chalice" / "config.json").read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from local.aws import start_moto

    server, endpoint = start_moto()
    yield endpoint
    server.stop()


@pytest.fixture(scope="module")
def deployed(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    before = config_digest()
    project = copy_project(tmp_path_factory.mktemp("deploy") / "project")
    report, output = run_deploy(moto_endpoint, project, "deploy")
    assert config_digest() == before, "the deploy wrote the repository's .chalice/config.json"
    return Deployed(moto_endpoint, project, report, output)


def test_the_stack_creates_every_table_with_its_keys_and_indexes(deployed: Deployed) -> None:
    dynamodb = deployed.client("dynamodb")
    expected = table_definitions(PREFIX)
    assert set(expected) <= set(dynamodb.list_tables()["TableNames"])
    for name, props in expected.items():
        table = dynamodb.describe_table(TableName=name)["Table"]
        assert table["KeySchema"] == props["KeySchema"], name
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        indexes = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
        assert indexes == {index["IndexName"] for index in props.get("GlobalSecondaryIndexes", [])}
    # TTL and PITR: moto's CloudFormation drops them, and the report says so.
    assert any("TimeToLiveSpecification" in skipped for skipped in deployed.report["skipped"])


def test_the_stack_creates_the_buckets_and_the_alarm_topic(deployed: Deployed) -> None:
    s3 = deployed.client("s3")
    names = {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
    assert {f"{PREFIX}-site", f"{PREFIX}-console", f"{PREFIX}-photos"} <= names
    encryption = s3.get_bucket_encryption(Bucket=f"{PREFIX}-photos")
    rules = encryption["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    # Versioning, lifecycle, CORS, public access block: dropped by moto, and reported.
    assert any("S3 versioning" in skipped for skipped in deployed.report["skipped"])
    topics = deployed.client("sns").list_topics()["Topics"]
    assert any(topic["TopicArn"].endswith(f":{PREFIX}-alarms") for topic in topics)


def test_the_stage_environment_gets_the_stack_outputs(deployed: Deployed) -> None:
    environment = deployed.stage_environment()
    assert environment["TABLE_PREFIX"] == PREFIX
    assert environment["PHOTOS_BUCKET"] == f"{PREFIX}-photos"
    assert environment["POWERTOOLS_LOG_LEVEL"] == "DEBUG"  # what was there is kept
    pool = deployed.client("cognito-idp").describe_user_pool(
        UserPoolId=environment["USER_POOL_ID"]
    )["UserPool"]
    assert pool["Name"] == f"{PREFIX}-officers"
    clients = deployed.client("cognito-idp").list_user_pool_clients(
        UserPoolId=environment["USER_POOL_ID"]
    )["UserPoolClients"]
    assert [c["ClientId"] for c in clients] == [environment["USER_POOL_CLIENT_ID"]]


def test_chalice_deploys_every_function_with_its_memory_timeout_and_rendered_policy(
    deployed: Deployed,
) -> None:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    functions = config["stages"][STAGE]["lambda_functions"]
    lambda_ = deployed.client("lambda")
    iam = deployed.client("iam")
    websocket_api = deployed.report["websocket_url"].split("//")[1].split(".")[0]
    for name, settings in functions.items():
        function_name = PREFIX if name == "api_handler" else f"{PREFIX}-{name}"
        found = lambda_.get_function_configuration(FunctionName=function_name)
        assert found["MemorySize"] == settings["lambda_memory_size"], name
        assert found["Timeout"] == settings["lambda_timeout"], name
        assert found["Environment"]["Variables"]["TABLE_PREFIX"] == PREFIX
        role = found["Role"].rsplit("/", 1)[1]
        policy_names = iam.list_role_policies(RoleName=role)["PolicyNames"]
        document = iam.get_role_policy(RoleName=role, PolicyName=policy_names[0])["PolicyDocument"]
        text = json.dumps(document)
        assert "{{" not in text and f":{MOTO_ACCOUNT}:" in text
        assert f"{websocket_api}/api/POST/@connections/*" in text, "push grant on this API"


def test_the_rest_api_gets_json_gateway_responses_and_throttling(deployed: Deployed) -> None:
    apigateway = deployed.client("apigateway")
    api_id = deployed.report["rest_api_url"].split("//")[1].split(".")[0]
    missing = apigateway.get_gateway_response(
        restApiId=api_id, responseType="MISSING_AUTHENTICATION_TOKEN"
    )
    assert missing["statusCode"] == "404"
    body = json.loads(missing["responseTemplates"]["application/json"])
    assert body["error"]["code"] == "not_found"
    denied = apigateway.get_gateway_response(restApiId=api_id, responseType="ACCESS_DENIED")
    assert (
        json.loads(denied["responseTemplates"]["application/json"])["error"]["code"] == "forbidden"
    )
    stage = apigateway.get_stage(restApiId=api_id, stageName="api")
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    limits = config["stages"][STAGE]["api_gateway_throttling"]["rest"]
    assert stage["methodSettings"]["*/*"]["throttlingRateLimit"] == limits["rate_limit"]
    assert stage["methodSettings"]["*/*"]["throttlingBurstLimit"] == limits["burst_limit"]


def test_the_second_pass_gives_the_stack_the_api_domains(deployed: Deployed) -> None:
    stack = deployed.client("cloudformation").describe_stacks(StackName=f"{PREFIX}-infra")
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Stacks"][0]["Parameters"]}
    assert parameters["RestApiDomain"] == deployed.report["rest_api_url"].split("/")[2]
    assert parameters["WebSocketApiDomain"] == deployed.report["websocket_url"].split("/")[2]
    # CloudFront's X-Origin-Verify names the secret's current version: a rotation updates it.
    secrets = deployed.client("secretsmanager")
    versions = secrets.list_secret_version_ids(SecretId=f"{PREFIX}-origin-verify")["Versions"]
    current = next(v["VersionId"] for v in versions if "AWSCURRENT" in v["VersionStages"])
    assert parameters["OriginSecretVersion"] == current


def test_the_stage_reads_its_secrets_from_secrets_manager(deployed: Deployed) -> None:
    environment = deployed.stage_environment()
    secrets = deployed.client("secretsmanager")
    for setting, name in (
        ("CLIENT_KEY_SECRET_ID", f"{PREFIX}-client-key"),
        ("ORIGIN_SECRET_ID", f"{PREFIX}-origin-verify"),
    ):
        described = secrets.describe_secret(SecretId=environment[setting])
        assert described["Name"] == name
        assert len(secrets.get_secret_value(SecretId=name)["SecretString"]) >= 32
    assert environment["TRUSTED_PROXY_HOPS"] == "1"
    assert "secrets created by API" in " ".join(deployed.report["bridged"])


def test_every_function_logs_into_a_group_kept_90_days(deployed: Deployed) -> None:
    logs = deployed.client("logs")
    groups = {
        group["logGroupName"]: group.get("retentionInDays")
        for group in logs.describe_log_groups()["logGroups"]
    }
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    for name in config["stages"][STAGE]["lambda_functions"]:
        function_name = PREFIX if name == "api_handler" else f"{PREFIX}-{name}"
        assert groups[f"/aws/lambda/{function_name}"] == 90, name
    assert groups[f"/aws/apigateway/{PREFIX}-rest-access"] == 90


def test_the_rest_api_writes_access_logs(deployed: Deployed) -> None:
    api_id = deployed.report["rest_api_url"].split("//")[1].split(".")[0]
    stage = deployed.client("apigateway").get_stage(restApiId=api_id, stageName="api")
    settings = stage["accessLogSettings"]
    assert settings["destinationArn"].endswith(f":log-group:/aws/apigateway/{PREFIX}-rest-access")
    assert "$context.requestId" in settings["format"] and "sourceIp" not in settings["format"]


def test_the_site_and_the_console_are_synced_with_the_stage_config(deployed: Deployed) -> None:
    s3 = deployed.client("s3")
    site = {o["Key"] for o in s3.list_objects_v2(Bucket=f"{PREFIX}-site")["Contents"]}
    console = {o["Key"] for o in s3.list_objects_v2(Bucket=f"{PREFIX}-console")["Contents"]}
    assert {"index.html", "config.json"} <= site
    assert not any(key.startswith("console/") for key in site)
    assert "console/index.html" in console
    page = s3.get_object(Bucket=f"{PREFIX}-site", Key="index.html")
    assert page["ContentType"].startswith("text/html") and page["CacheControl"] == "no-cache"
    config = json.loads(s3.get_object(Bucket=f"{PREFIX}-site", Key="config.json")["Body"].read())
    environment = deployed.stage_environment()
    assert config == {
        "apiBase": "/api",
        "wsUrl": deployed.report["websocket_url"],
        "cognito": {
            "endpoint": f"{deployed.endpoint}/",
            "region": "eu-west-3",
            "userPoolId": environment["USER_POOL_ID"],
            "clientId": environment["USER_POOL_CLIENT_ID"],
        },
    }
    assert config["wsUrl"].startswith("wss://") and config["wsUrl"].endswith("/api")


def test_the_report_says_what_moto_could_not_do(deployed: Deployed) -> None:
    assert deployed.report["emulated"] is True
    skipped = " ".join(deployed.report["skipped"])
    for missing in ("CloudFront", "CloudWatch alarms", "WebSocket stage throttling", "WAFv2"):
        assert missing in skipped
    bridged = " ".join(deployed.report["bridged"])
    assert "OpenAPI 3" in bridged and "CreateDeployment" in bridged and "user pool" in bridged


def test_deploying_again_updates_in_place_then_destroy_removes_the_stage(
    deployed: Deployed,
) -> None:
    again, _ = run_deploy(deployed.endpoint, deployed.project, "deploy")
    assert sum("chalice deploy" in step for step in again["steps"]) == 1
    assert again["rest_api_url"] == deployed.report["rest_api_url"]
    assert again["synced"]["site"]["deleted"] == 0

    run_deploy(deployed.endpoint, deployed.project, "destroy", "--purge")
    names = set(deployed.client("dynamodb").list_tables()["TableNames"])
    assert not {name for name in names if name.startswith(f"{PREFIX}-")}
    buckets = {b["Name"] for b in deployed.client("s3").list_buckets()["Buckets"]}
    assert not {name for name in buckets if name.startswith(f"{PREFIX}-")}
    functions = deployed.client("lambda").list_functions()["Functions"]
    assert not [f for f in functions if f["FunctionName"].startswith(PREFIX)]
    secrets = deployed.client("secretsmanager").list_secrets()["SecretList"]
    assert not [s for s in secrets if s["Name"].startswith(f"{PREFIX}-")]
    stacks = deployed.client("cloudformation").list_stacks()["StackSummaries"]
    assert all(
        s["StackStatus"] == "DELETE_COMPLETE" for s in stacks if s["StackName"].startswith(PREFIX)
    )
