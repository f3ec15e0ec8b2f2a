"""The Lambda role's policy grants every AWS call the app makes, on named resources only.

The calls are the ones the app's code made during this test session (every test before
these: the recorder plugin runs them last; with pytest-xdist, in every worker), plus the
pushes below, which the chat tests replace with a recording sender. Each call becomes the
IAM permissions it needs (``infra.iam``), with the tests' table prefix swapped for the
stage's, and the policy is rendered the way ``infra/deploy.py`` renders it for an account.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from infra.iam import (
    ACCOUNT,
    ACTIONS_WITHOUT_RESOURCES,
    SQS_EVENT_SOURCE_ACTIONS,
    WEBSOCKET_API,
    Permission,
    allows,
    grants,
    load_policy,
    render_policy,
)
from tests.integration.iam_recorder import RECORDING, ROOT, Recording
from tests.integration.moto_world import MotoAws

pytest_plugins = ["tests.integration.iam_recorder"]

CHALICE = ROOT / ".chalice"
CONFIG = json.loads((CHALICE / "config.json").read_text(encoding="utf-8"))
STAGES = sorted(CONFIG["stages"])
VALUES = {"account_id": "111122223333", "region": "eu-west-3", "websocket_api_id": "a1b2c3d4e5"}
# Granted for the Lambda runtime, not for a call of the app: the runtime writes the logs,
# and the traces when X-Ray is on. Nothing the tests could record.
RUNTIME_ACTIONS = {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"} | set(
    ACTIONS_WITHOUT_RESOURCES
)
# The suites whose calls the least-privilege check needs: it only runs after all of them.
FLOW_SUITES = sorted(
    f"tests/integration/{path.name}"
    for path in (ROOT / "tests" / "integration").glob("test_*.py")
    if "\ndef test_" in path.read_text(encoding="utf-8")
    and not path.name.startswith(("test_iam_policy", "test_infra"))
)
# Granted for a path of the code the suites do not reach; each says where and why.
NOT_EXERCISED = {
    # chalicelib/models/photo_store.py: delete_upload, when the listing finds no version
    # (an upload that never came): a plain DeleteObject.
    ("s3:DeleteObject", "photos/uploads/*"),
}


def _policy(stage: str) -> dict[str, Any]:
    return load_policy(CHALICE / CONFIG["stages"][stage]["iam_policy_file"])


def _stage_prefix(stage: str) -> str:
    return f"{CONFIG['app_name']}-{stage}"


def _needed(recording: Recording, stage: str) -> dict[Permission, str]:
    """Recorded permissions for this stage's resources -> where the app asked for them."""
    values = {**VALUES, "prefix": _stage_prefix(stage)}
    with recording.lock:
        recorded = dict(recording.permissions)
    return {permission.render(values): where for permission, where in recorded.items()}


def test_pushes_reach_the_management_api(aws: MotoAws) -> None:
    """The chat suites replace the sender; this drives the real one against moto."""
    from chalicelib.websocket.push import Sender, Target

    sender = Sender(None)
    target = Target("conn-1=", "a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com", "api")
    sender.send(target, {"type": "ping"})
    assert RECORDING.calls["apigatewaymanagementapi.PostToConnection"] >= 1


def test_the_minute_sweep_runs(aws: MotoAws) -> None:
    """The sweeper's queries (vanished citizens and officers) run from the schedule only."""
    from chalicelib.chat.lifecycle import sweep
    from chalicelib.clock import now
    from tests.integration.chat_harness import Client, install_recorder

    sender = install_recorder()
    citizen = Client(sender)
    citizen.send({"type": "join", "topic": "vol"})
    citizen.disconnect()
    result = sweep(now() + 3600)
    assert result["abandoned"] == 1


def test_every_aws_operation_the_app_called_is_known(recording: Recording) -> None:
    out = os.environ.get("IAM_RECORDING_OUT")
    if out:  # what the app calls, for docs/deploy.md
        recorded = sorted([p.action, p.resource, w] for p, w in recording.permissions.items())
        calls = dict(sorted(recording.calls.items()))
        Path(out).write_text(json.dumps({"calls": calls, "permissions": recorded}, indent=2))
    assert recording.permissions, "nothing recorded: the recorder plugin did not run"
    assert not recording.unmapped, f"no IAM mapping in infra/iam.py for {recording.unmapped}"


@pytest.mark.parametrize("stage", STAGES)
def test_the_policy_grants_every_call_the_app_made(recording: Recording, stage: str) -> None:
    policy = render_policy(_policy(stage), VALUES)
    needed = _needed(recording, stage)
    missing = sorted(p for p in needed if not allows(policy, p))
    assert not missing, "\n".join(f"{p.action} on {p.resource} ({needed[p]})" for p in missing)


@pytest.mark.parametrize("stage", STAGES)
def test_the_policy_names_every_resource(stage: str) -> None:
    """No "*" resource (but for X-Ray, which has no resource type), no account, region or
    API wildcard: every ARN starts with this stage's table, bucket, API or log group."""
    policy = render_policy(_policy(stage), VALUES)
    prefix = _stage_prefix(stage)
    region, account, api = VALUES["region"], VALUES["account_id"], VALUES["websocket_api_id"]
    named = [
        rf"arn:aws:dynamodb:{region}:{account}:table/{prefix}-[a-z0-9-]+(/index/[*a-z0-9_-]+)?",
        rf"arn:aws:s3:::{prefix}-[a-z0-9-]+(/[a-z0-9_-]+/\*)?",
        rf"arn:aws:execute-api:{region}:{account}:{api}/api/(POST|GET|DELETE)/@connections/\*",
        rf"arn:aws:logs:{region}:{account}:log-group:/aws/lambda/{prefix}(-\*|:\*)?",
        rf"arn:aws:sqs:{region}:{account}:{prefix}-[a-z0-9-]+",
        rf"arn:aws:secretsmanager:{region}:{account}:secret:{prefix}-[a-z-]+-\?{{6}}",
    ]
    for grant in grants(policy):
        if grant.resource == "*":
            assert grant.action in ACTIONS_WITHOUT_RESOURCES, grant
            continue
        assert any(re.fullmatch(pattern, grant.resource) for pattern in named), grant


@pytest.mark.parametrize("stage", STAGES)
def test_the_policy_grants_nothing_the_app_does_not_use(recording: Recording, stage: str) -> None:
    """Least privilege: each (action, resource) granted serves at least one recorded call."""
    not_run = [suite for suite in FLOW_SUITES if suite not in recording.modules]
    if not_run:
        pytest.skip(f"needs every integration suite in the session (missing: {not_run})")
    policy = render_policy(_policy(stage), VALUES)
    needed = _needed(recording, stage)
    prefix = _stage_prefix(stage)
    unused = []
    for grant in grants(policy):
        if grant.action in RUNTIME_ACTIONS | SQS_EVENT_SOURCE_ACTIONS or any(
            grant.action == action and grant.resource.endswith(f"{prefix}-{resource}")
            for action, resource in NOT_EXERCISED
        ):
            continue
        alone = {
            "Statement": [{"Effect": "Allow", "Action": grant.action, "Resource": grant.resource}]
        }
        if not any(allows(alone, permission) for permission in needed):
            unused.append(f"{grant.action} on {grant.resource}")
    assert not unused, "granted but never used:\n" + "\n".join(unused)


@pytest.mark.parametrize("stage", STAGES)
def test_the_checked_in_policy_names_no_account_and_no_api(stage: str) -> None:
    """The file holds placeholders only: rendered for each account by infra/deploy.py."""
    for grant in grants(_policy(stage)):
        if grant.resource == "*" or grant.resource.startswith("arn:aws:s3:::"):
            continue
        assert f":{{{{region}}}}:{ACCOUNT}:" in grant.resource, grant
        if grant.action == "execute-api:ManageConnections":
            assert grant.resource.split(":")[5].startswith(WEBSOCKET_API), grant


def test_x_ray_is_granted_only_where_tracing_is_on() -> None:
    for stage in STAGES:
        settings = CONFIG["stages"][stage]
        tracing = bool(settings.get("xray")) or (
            settings.get("environment_variables", {}).get("TRACING_ENABLED") == "true"
        )
        actions = {grant.action for grant in grants(_policy(stage))}
        assert (actions >= ACTIONS_WITHOUT_RESOURCES) == tracing, stage
        assert not (ACTIONS_WITHOUT_RESOURCES & actions) or tracing, stage
