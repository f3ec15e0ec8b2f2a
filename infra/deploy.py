"""`make deploy STAGE=…` and `make destroy STAGE=…`: a stage, from an empty account to a
running site (docs/deploy.md).

``python -m infra.deploy deploy --stage dev`` runs, in order:

0. the stack of ``infra/edge.yaml`` (the CloudFront web ACL) in us-east-1, where WAF for
   CloudFront lives;
1. the stack of ``infra/template.yaml`` (tables, buckets, user pool, CloudFront, alarms),
   created or updated, and waited for;
2. its outputs written into the stage's ``environment_variables`` in ``.chalice/config.json``;
3. the role policy ``.chalice/policy-<stage>.json`` rendered for the account, the region and
   the WebSocket API (``infra/iam.py``), then ``chalice deploy --stage`` with it — twice on
   the very first deploy, once the WebSocket API exists and can be named in the policy;
4. API Gateway: throttling of the REST and WebSocket stages (``api_gateway_throttling`` of
   the stage in ``.chalice/config.json``), their access logs, and the REST API's JSON
   gateway responses;
5. the stack again, with the API domains: CloudFront's ``/api/*`` origin, the CSP's
   WebSocket source, the WebSocket alarm, the photos bucket's CORS origin;
6. the site and the console built for the public URL, with ``/config.json``, synced to
   their buckets;
7. a CloudFront invalidation.

``--endpoint-url`` (or ``AWS_ENDPOINT_URL``) points every client at an emulator: moto. What
moto does not implement is skipped, two gaps that would stop ``chalice deploy`` are
bridged (``infra.apis.bridge_emulator_gaps``), and ``--report`` lists both.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import ClientError

from infra import apis, site, stack
from infra.context import ROOT, Aws, DeployError, Project, Report, error_code

# Stack outputs -> the app's settings (chalicelib/config.py).
ENVIRONMENT_FROM_OUTPUTS = {
    "TABLE_PREFIX": "TablePrefix",
    "PHOTOS_BUCKET": "PhotosBucket",
    "USER_POOL_ID": "UserPoolId",
    "USER_POOL_CLIENT_ID": "UserPoolClientId",
    "CLIENT_KEY_SECRET_ID": "ClientKeySecretArn",
    "ORIGIN_SECRET_ID": "OriginSecretArn",
}
EMULATOR_IGNORED = (
    "CloudFront distribution, origin access control, function and response headers policy, "
    "S3 bucket policies, CloudWatch alarms, SNS subscription "
    "(moto's CloudFormation ignores these types)",
    "DynamoDB TTL and point-in-time recovery (moto's CloudFormation ignores "
    "TimeToLiveSpecification and PointInTimeRecoverySpecification)",
    "S3 versioning, lifecycle rules, CORS and public access block (moto's CloudFormation "
    "applies a bucket's encryption and tags only)",
    "API Gateway account CloudWatch role (moto's CloudFormation ignores AWS::ApiGateway::Account)",
)


@dataclass
class Options:
    stage: str
    project: Project = field(default_factory=lambda: Project(ROOT))
    endpoint: str | None = None
    region: str = "eu-west-3"
    alarm_email: str | None = None
    site_dir: Path | None = None
    purge: bool = False


def stack_name(project: Project, stage: str) -> str:
    return f"{project.prefix(stage)}-infra"


def edge_stack_name(project: Project, stage: str) -> str:
    return f"{project.prefix(stage)}-edge"


def _origin_secret_name(project: Project, stage: str) -> str:
    return f"{project.prefix(stage)}-origin-verify"


def _deploy_edge(options: Options, report: Report) -> str:
    """The CloudFront web ACL, in us-east-1 whatever the stage's region (WAF for CloudFront
    lives there); returns its ARN ("" when an emulator does not create it)."""
    edge = Aws(stack.EDGE_REGION, options.endpoint)
    name = edge_stack_name(options.project, options.stage)
    if edge.emulated:
        # moto's CloudFormation implements no AWS::WAFv2 type, and fails a stack whose output
        # reads one (GetAtt): the template is checked by cfn-lint and its test instead.
        report.skip(f"stack {name} (moto's CloudFormation implements no AWS::WAFv2::WebACL)")
        return ""
    outputs = stack.deploy_stack(
        edge,
        name,
        {"Prefix": options.project.prefix(options.stage)},
        {"project": options.project.app_name, "stage": options.stage},
        template=stack.EDGE_TEMPLATE,
    )
    arn = outputs["WebAclArn"]
    report.step(f"stack {name} in {stack.EDGE_REGION}: web ACL {arn}")
    return arn


def _host(url: str) -> str:
    return urlsplit(url).netloc


def _first_parameters(options: Options, aws: Aws, name: str) -> dict[str, str]:
    """The stack's parameters before `chalice deploy`: on an update, the API domains and
    the site origin of the last deploy are kept meanwhile."""
    project, stage = options.project, options.stage
    environment = project.environment(stage)
    previous = stack.parameters_of(aws, name)
    parameters = {
        "Stage": stage,
        "Prefix": project.prefix(stage),
        "AppName": project.app_name,
        "MetricsNamespace": environment.get("POWERTOOLS_METRICS_NAMESPACE", "MonCommissariat"),
        "ServiceName": environment.get("POWERTOOLS_SERVICE_NAME", project.app_name),
        "AlarmEmail": (
            options.alarm_email
            if options.alarm_email is not None
            else previous.get("AlarmEmail", "")
        ),
        "RestApiDomain": previous.get("RestApiDomain", ""),
        "WebSocketApiDomain": previous.get("WebSocketApiDomain", ""),
        # After a rotation, the new version of the origin secret is what updates CloudFront.
        "OriginSecretVersion": stack.current_version(aws, _origin_secret_name(project, stage)),
    }
    if previous.get("SiteOrigin"):
        parameters["SiteOrigin"] = previous["SiteOrigin"]
    return parameters


def _deploy_chalice(
    options: Options, aws: Aws, report: Report, account_id: str
) -> dict[str, dict[str, Any]]:
    """`chalice deploy` with the policy rendered for this account; on the very first deploy
    the WebSocket API does not exist yet, so its push grant comes with a second deploy."""
    project, stage = options.project, options.stage
    if aws.emulated:
        for gap in apis.bridge_emulator_gaps():
            report.bridge(gap)
    values = {"account_id": account_id, "region": aws.region}
    api_id = project.deployed(stage).get("websocket_api", {}).get("websocket_api_id")
    policy_file = project.root / ".chalice" / "deployed" / f"policy-{stage}.rendered.json"
    while True:
        if api_id:
            values["websocket_api_id"] = api_id
        apis.render_stage_policy(project, stage, values, policy_file)
        deployed = apis.chalice_deploy(project, stage, policy_file)
        report.step(f"chalice deploy --stage {stage} (role policy {policy_file.name})")
        if api_id:
            return deployed
        api_id = deployed["websocket_api"]["websocket_api_id"]
        report.step("first deploy: the WebSocket API exists now, deploying its push grant")


def deploy(options: Options) -> Report:
    """Everything `make deploy` does, in order (see the module docstring)."""
    aws = Aws(options.region, options.endpoint)
    project, stage = options.project, options.stage
    name = stack_name(project, stage)
    report = Report(stage=stage, stack=name, emulated=aws.emulated)
    account_id = aws.account_id()

    # 0. The web ACL, in us-east-1.
    web_acl = _deploy_edge(options, report)

    # 1. The stack.
    parameters = _first_parameters(options, aws, name)
    parameters["WebAclArn"] = web_acl
    tags = {"project": project.app_name, "stage": stage}
    outputs = stack.deploy_stack(aws, name, parameters, tags)
    report.step(f"stack {name}: {len(outputs)} outputs")
    if aws.emulated:
        for ignored in EMULATOR_IGNORED:
            report.skip(ignored)
        if "UserPoolId" not in outputs:
            pool = stack.emulated_user_pool(aws, project.prefix(stage))
            outputs["UserPoolId"], outputs["UserPoolClientId"] = pool
            report.bridge(
                "user pool, groups and console client created by API "
                "(moto's CloudFormation ignores AWS::Cognito::*)"
            )
        if "ClientKeySecretArn" not in outputs:
            outputs.update(stack.emulated_secrets(aws, project.prefix(stage)))
            report.bridge(
                "client key and origin secrets created by API "
                "(moto's CloudFormation ignores AWS::SecretsManager::Secret)"
            )
    missing = [key for key in ENVIRONMENT_FROM_OUTPUTS.values() if not outputs.get(key)]
    if missing:
        raise DeployError(f"stack outputs missing: {missing}")

    # 2. The app's settings.
    project.write_stage_environment(
        stage, {env: outputs[key] for env, key in ENVIRONMENT_FROM_OUTPUTS.items()}
    )
    report.step(f".chalice/config.json: stage {stage}'s environment from the stack outputs")

    # 3. chalice deploy.
    deployed = _deploy_chalice(options, aws, report, account_id)
    rest_api, websocket_api = deployed["rest_api"], deployed["websocket_api"]
    report.rest_api_url = str(rest_api["rest_api_url"])
    report.websocket_url = str(websocket_api["websocket_api_url"]).rstrip("/")

    # 4. What chalice has no setting for.
    apis.configure_rest_api(
        aws,
        str(rest_api["rest_api_id"]),
        apis.throttling(project, stage, "rest"),
        tracing=project.tracing(stage),
        report=report,
        access_log=outputs.get("RestAccessLogGroupArn", ""),
    )
    apis.configure_websocket_api(
        aws,
        str(websocket_api["websocket_api_id"]),
        apis.throttling(project, stage, "websocket"),
        report,
        access_log=outputs.get("WebSocketAccessLogGroupArn", ""),
    )

    # 5. The stack again, now that the API domains exist.
    domain = stack.distribution_domain(aws, outputs)
    parameters["RestApiDomain"] = _host(report.rest_api_url)
    parameters["WebSocketApiDomain"] = _host(report.websocket_url)
    parameters["OriginSecretVersion"] = stack.current_version(aws, outputs["OriginSecretArn"])
    if domain:
        parameters["SiteOrigin"] = f"https://{domain}"
    outputs.update(stack.deploy_stack(aws, name, parameters, tags))
    report.step("stack updated with the API domains (CloudFront /api/*, CSP, alarm, CORS)")
    report.outputs = dict(outputs)

    # 6. The site and the console.
    if domain:
        report.site_url = f"https://{domain}"
    else:
        report.site_url = f"{aws.endpoint}/{outputs['SiteBucket']}"
        report.skip("CloudFront domain: the site is built for the site bucket's URL")
    cognito = (
        f"{aws.endpoint}/" if aws.emulated else f"https://cognito-idp.{aws.region}.amazonaws.com/"
    )
    config_json = site.client_config(
        report.websocket_url,
        aws.region,
        outputs["UserPoolId"],
        outputs["UserPoolClientId"],
        cognito,
    )
    with tempfile.TemporaryDirectory(prefix="moncommissariat-site-") as scratch:
        built = Path(scratch) / "site"
        if options.site_dir:
            shutil.copytree(options.site_dir, built)
            report.step(f"site: the prebuilt {options.site_dir}")
        else:
            site.build_site(built, report.site_url)
            report.step(f"site and console built for {report.site_url}")
        (built / "config.json").write_text(
            json.dumps(config_json, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        s3 = aws.client("s3")
        report.synced["site"] = site.sync(
            s3, built, outputs["SiteBucket"], skip_dir=site.CONSOLE_DIR
        )
        if (built / site.CONSOLE_DIR).is_dir():
            report.synced["console"] = site.sync(
                s3,
                built / site.CONSOLE_DIR,
                outputs["ConsoleBucket"],
                prefix=f"{site.CONSOLE_DIR}/",
            )
    report.step(f"synced to the buckets: {report.synced}")

    # 7. CloudFront serves the new files.
    if outputs.get("DistributionId"):
        aws.client("cloudfront").create_invalidation(
            DistributionId=outputs["DistributionId"],
            InvalidationBatch={
                "Paths": {"Quantity": 1, "Items": ["/*"]},
                "CallerReference": f"deploy-{time.time():.0f}",
            },
        )
        report.step(f"CloudFront {outputs['DistributionId']} invalidated")
    else:
        report.skip("CloudFront invalidation (no distribution)")
    return report


def _ignore_missing(action: Callable[[], Any]) -> None:
    try:
        action()
    except ClientError as error:
        if error_code(error) not in ("ResourceNotFoundException", "NoSuchBucket", "404"):
            raise


def destroy(options: Options) -> Report:
    """Remove the stage: chalice's resources, then the stack. Tables, buckets and the user
    pool outlive the stack (DeletionPolicy: Retain); ``--purge`` deletes them too, and is
    refused for prod."""
    aws = Aws(options.region, options.endpoint)
    project, stage = options.project, options.stage
    name = stack_name(project, stage)
    report = Report(stage=stage, stack=name, emulated=aws.emulated)
    if options.purge and stage == "prod":
        raise DeployError("refusing to purge the prod stage's data: delete it by hand")

    if project.deployed_path(stage).exists():
        apis.chalice_delete(project, stage)
        report.step(f"chalice delete --stage {stage}")
    retained: dict[str, list[str]] = {}
    if stack.describe(aws, name):
        retained = stack.retained_resources(aws, name)
        stack.delete_stack(aws, name)
        report.step(f"stack {name} deleted; retained: {retained}")
    edge, edge_name = Aws(stack.EDGE_REGION, options.endpoint), edge_stack_name(project, stage)
    if stack.describe(edge, edge_name):
        stack.delete_stack(edge, edge_name)
        report.step(f"stack {edge_name} deleted ({stack.EDGE_REGION})")
    if not options.purge:
        return report
    dynamodb, s3, cognito = aws.client("dynamodb"), aws.client("s3"), aws.client("cognito-idp")
    for table in retained.get("tables", []):
        _ignore_missing(partial(dynamodb.delete_table, TableName=table))
    for bucket in retained.get("buckets", []):
        _ignore_missing(partial(site.empty_bucket, s3, bucket))
        _ignore_missing(partial(s3.delete_bucket, Bucket=bucket))
    pools = retained.get("pools") or (
        stack.emulated_user_pools(aws, project.prefix(stage)) if aws.emulated else []
    )
    for pool_id in pools:
        _ignore_missing(partial(cognito.delete_user_pool, UserPoolId=pool_id))
    secretsmanager = aws.client("secretsmanager")
    secrets = retained.get("secrets") or (
        list(stack.existing_secrets(aws, project.prefix(stage)).values()) if aws.emulated else []
    )
    for secret in secrets:
        _ignore_missing(
            partial(secretsmanager.delete_secret, SecretId=secret, ForceDeleteWithoutRecovery=True)
        )
    report.step(f"purged: tables, buckets, user pool {pools} and {len(secrets)} secrets")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.deploy", description="Deploy or destroy a stage (docs/deploy.md)."
    )
    parser.add_argument("command", choices=["deploy", "destroy"])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--project-dir", type=Path, default=ROOT)
    parser.add_argument(
        "--endpoint-url",
        default=os.environ.get("AWS_ENDPOINT_URL") or None,
        help="an emulator (a moto server) instead of AWS; default: $AWS_ENDPOINT_URL",
    )
    parser.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-3",
    )
    parser.add_argument("--alarm-email", help="subscribe this address to the alarm topic")
    parser.add_argument("--site-dir", type=Path, help="deploy this prebuilt site (no build)")
    parser.add_argument("--report", type=Path, help="write what was done here (JSON)")
    parser.add_argument("--purge", action="store_true", help="destroy: the data too (not prod)")
    args = parser.parse_args(argv)
    os.environ["AWS_DEFAULT_REGION"] = args.region
    if args.endpoint_url:
        # chalice builds its own clients: the environment is how they reach the emulator.
        os.environ["AWS_ENDPOINT_URL"] = args.endpoint_url
    options = Options(
        stage=args.stage,
        project=Project(args.project_dir.resolve()),
        endpoint=args.endpoint_url,
        region=args.region,
        alarm_email=args.alarm_email,
        site_dir=args.site_dir,
        purge=args.purge,
    )
    try:
        report = deploy(options) if args.command == "deploy" else destroy(options)
    except DeployError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.report:
        args.report.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    if args.command == "deploy":
        print(f"\nsite       {report.site_url}\nREST API   {report.rest_api_url}")
        print(f"WebSocket  {report.websocket_url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
