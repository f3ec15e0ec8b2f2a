"""`chalice deploy` with the rendered role policy, and what chalice has no setting for:
API Gateway throttling, access logs and the REST API's gateway responses."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from infra.context import API_STAGE, Aws, DeployError, Project, Report, unimplemented
from infra.iam import load_policy, render_policy

# API Gateway's own refusals, shaped like the app's errors and like the local platform's
# (local/gateway.py: _gateway_error). None keeps the status API Gateway chose.
GATEWAY_RESPONSES: dict[str, tuple[int | None, str, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found", "Cette adresse de l'API n'existe pas."),
    "UNAUTHORIZED": (401, "unauthorized", "Authentification requise."),
    "ACCESS_DENIED": (403, "forbidden", "Jeton absent, invalide ou expiré."),
    "AUTHORIZER_FAILURE": (500, "authorizer_error", "Erreur de l'autorisation."),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, "authorizer_error", "Erreur de l'autorisation."),
    "THROTTLED": (429, "rate_limited", "Trop de demandes. Réessayez dans un instant."),
    "DEFAULT_4XX": (None, "bad_request", "La demande n'a pas pu être traitée."),
    "DEFAULT_5XX": (
        None,
        "internal_error",
        "Une erreur interne est survenue. Réessayez plus tard.",
    ),
}


# Access log lines: what happened, never who (no address, no user agent, no path ids).
REST_ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "time": "$context.requestTime",
        "method": "$context.httpMethod",
        "resource": "$context.resourcePath",
        "status": "$context.status",
        "latencyMs": "$context.responseLatency",
        "integrationStatus": "$context.integrationStatus",
        "error": "$context.error.message",
    },
    separators=(",", ":"),
)
WEBSOCKET_ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "time": "$context.requestTime",
        "route": "$context.routeKey",
        "event": "$context.eventType",
        "status": "$context.status",
        "integrationLatencyMs": "$context.integrationLatency",
        "error": "$context.error.message",
    },
    separators=(",", ":"),
)


def log_group_destination(arn: str) -> str:
    """A log group's ARN as API Gateway takes it (``Fn::GetAtt`` adds a trailing ``:*``)."""
    return arn.removesuffix(":*")


# -- chalice deploy ----------------------------------------------------------------------


def render_stage_policy(
    project: Project, stage: str, values: Mapping[str, str], out: Path
) -> dict[str, Any]:
    """Write the stage's role policy with the account, region and API filled in."""
    source = project.root / ".chalice" / project.stage_config(stage)["iam_policy_file"]
    policy = render_policy(load_policy(source), values)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(policy, indent=2) + "\n", encoding="utf-8")
    return policy


def bridge_emulator_gaps() -> list[str]:
    """Let `chalice deploy` run against moto 5.2, which lacks two things it uses.

    Only ever applied with an emulator endpoint: against AWS chalice runs untouched.
    """
    from chalice.awsclient import TypedAWSClient
    from chalice.deploy.swagger import SwaggerGenerator

    original = SwaggerGenerator.generate_swagger
    if getattr(original, "bridged", False):
        return []

    def generate_swagger(self: Any, app: Any, rest_api: Any = None) -> dict[str, Any]:
        document: dict[str, Any] = original(self, app, rest_api)
        # moto's ImportRestApi reads OpenAPI 3 only (chalice writes Swagger 2.0, with the
        # same paths and integrations), needs info.description, and a uri and httpMethod
        # on the mock integrations of CORS preflights.
        document.pop("swagger", None)
        document["openapi"] = "3.0.1"
        document["info"].setdefault("description", app.app_name)
        for methods in document.get("paths", {}).values():
            for method in methods.values():
                integration = method.get("x-amazon-apigateway-integration") or {}
                if integration.get("type") == "mock":
                    integration.setdefault("uri", "")
                    integration.setdefault("httpMethod", "POST")
        return document

    generate_swagger.bridged = True  # type: ignore[attr-defined]
    SwaggerGenerator.generate_swagger = generate_swagger  # type: ignore[method-assign]

    def deploy_websocket_api(self: Any, api_id: str) -> str:
        return "emulated"  # moto has no apigatewayv2 CreateDeployment; its stages take any id

    TypedAWSClient.deploy_websocket_api = deploy_websocket_api  # type: ignore[method-assign]
    return [
        "REST API imported as OpenAPI 3 (moto's ImportRestApi refuses chalice's Swagger 2.0)",
        "WebSocket API deployment id (moto has no apigatewayv2 CreateDeployment)",
    ]


def _factory(project: Project) -> Any:
    from chalice.cli.factory import CLIFactory

    return CLIFactory(project_dir=str(project.root), environ=dict(os.environ))


def chalice_deploy(project: Project, stage: str, policy_file: Path) -> dict[str, dict[str, Any]]:
    """`chalice deploy --stage`, with the rendered policy instead of the checked-in one;
    returns what chalice deployed, by resource name (``rest_api``, ``websocket_api``...)."""
    from chalice.utils import UI

    factory = _factory(project)
    config = factory.create_config_obj(
        chalice_stage_name=stage, user_provided_params={"iam_policy_file": str(policy_file)}
    )
    session = factory.create_botocore_session()
    deployer = factory.create_default_deployer(session=session, config=config, ui=UI())
    deployed = deployer.deploy(config, chalice_stage_name=stage)
    return {item["name"]: item for item in deployed.get("resources", [])}


def chalice_delete(project: Project, stage: str) -> None:
    """`chalice delete --stage`."""
    from chalice.utils import UI

    factory = _factory(project)
    config = factory.create_config_obj(chalice_stage_name=stage)
    session = factory.create_botocore_session()
    factory.create_deletion_deployer(session=session, ui=UI()).deploy(
        config, chalice_stage_name=stage
    )


# -- API Gateway -------------------------------------------------------------------------


def throttling(project: Project, stage: str, api: str) -> dict[str, Any]:
    """``api_gateway_throttling.<rest|websocket>`` of the stage in .chalice/config.json."""
    settings = project.stage_config(stage).get("api_gateway_throttling", {}).get(api)
    if not settings:
        raise DeployError(f"stages.{stage}.api_gateway_throttling.{api} is missing")
    return dict(settings)


def gateway_response_body(code: str, message: str) -> str:
    return json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)


def configure_rest_api(
    aws: Aws,
    api_id: str,
    limits: Mapping[str, Any],
    tracing: bool,
    report: Report,
    access_log: str = "",
) -> None:
    """JSON gateway responses (then a deployment, for them to apply), stage throttling and
    access logs (into ``access_log``, a log group ARN, when given).

    Chalice's next deploy imports the API anew and drops them: each deploy sets them again.
    """
    apigateway = aws.client("apigateway")
    for response_type, (status, code, message) in GATEWAY_RESPONSES.items():
        request: dict[str, Any] = {
            "restApiId": api_id,
            "responseType": response_type,
            "responseTemplates": {"application/json": gateway_response_body(code, message)},
            "responseParameters": {"gatewayresponse.header.Cache-Control": "'no-store'"},
        }
        if status is not None:
            request["statusCode"] = str(status)
        apigateway.put_gateway_response(**request)
    apigateway.create_deployment(
        restApiId=api_id,
        stageName=API_STAGE,
        description="gateway responses (infra/deploy.py)",
        tracingEnabled=tracing,  # as chalice deployed the stage: omitted would turn it off
    )
    apigateway.update_stage(
        restApiId=api_id,
        stageName=API_STAGE,
        patchOperations=rest_stage_patch(limits, access_log),
    )
    report.step(
        f"REST API {api_id}: {len(GATEWAY_RESPONSES)} JSON gateway responses, throttling "
        f"{limits['rate_limit']}/s (burst {limits['burst_limit']})"
        + (", access logs" if access_log else "")
    )


def rest_stage_patch(limits: Mapping[str, Any], access_log: str) -> list[dict[str, str]]:
    """The REST stage's settings chalice does not make: throttling and access logs."""
    operations = [
        {"op": "replace", "path": f"/*/*/throttling/{name}", "value": str(limits[key])}
        for name, key in (("rateLimit", "rate_limit"), ("burstLimit", "burst_limit"))
    ]
    if access_log:
        operations += [
            {
                "op": "replace",
                "path": "/accessLogSettings/destinationArn",
                "value": log_group_destination(access_log),
            },
            {"op": "replace", "path": "/accessLogSettings/format", "value": REST_ACCESS_LOG_FORMAT},
        ]
    return operations


def websocket_stage_update(limits: Mapping[str, Any], access_log: str) -> dict[str, Any]:
    """The WebSocket stage's settings chalice does not make: throttling and access logs."""
    update: dict[str, Any] = {
        "DefaultRouteSettings": {
            "ThrottlingRateLimit": float(limits["rate_limit"]),
            "ThrottlingBurstLimit": int(limits["burst_limit"]),
        }
    }
    if access_log:
        update["AccessLogSettings"] = {
            "DestinationArn": log_group_destination(access_log),
            "Format": WEBSOCKET_ACCESS_LOG_FORMAT,
        }
    return update


def configure_websocket_api(
    aws: Aws, api_id: str, limits: Mapping[str, Any], report: Report, access_log: str = ""
) -> None:
    """Throttling of the WebSocket stage's routes, and its access logs."""
    try:
        aws.client("apigatewayv2").update_stage(
            ApiId=api_id, StageName=API_STAGE, **websocket_stage_update(limits, access_log)
        )
    except ClientError as error:
        if aws.emulated and unimplemented(error):
            report.skip(
                "WebSocket stage throttling and access logs (moto has no apigatewayv2 UpdateStage)"
            )
            return
        raise
    report.step(
        f"WebSocket API {api_id}: throttling {limits['rate_limit']}/s "
        f"(burst {limits['burst_limit']})" + (", access logs" if access_log else "")
    )
