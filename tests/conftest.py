"""Shared fixtures: in-process moto (integration), the local platform (e2e and browser)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

import bench.ddbcount  # noqa: F401 - hooks every botocore client created from now on

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Nothing a test does may reach a real AWS account.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "AWS_REGION": "eu-west-3",
        "POWERTOOLS_METRICS_NAMESPACE": "Tests",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_SESSION_TOKEN", None)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TEST_PREFIX = "moncommissariat-test"
DEMO_PASSWORD = "Commissariat-2026!"


def configure_app(env: dict[str, str]) -> None:
    """Apply settings to the app modules already imported in this process."""
    os.environ.update(env)
    from chalicelib import auth
    from chalicelib.config import reload_settings
    from chalicelib.models import bind_models
    from chalicelib.websocket.push import use_sender

    bind_models(reload_settings())
    use_sender(None)
    auth.reset_verifier()


# -- moto in-process (integration) ---------------------------------------------


@dataclass
class MotoAws:
    """In-process moto with the tables and buckets of infra/template.yaml."""

    prefix: str
    user_pool_id: str = ""
    client_id: str = ""

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name="eu-west-3")


@pytest.fixture
def aws() -> Iterator[MotoAws]:
    """Fresh moto state per test: every table, bucket and the user pool, app bound to them."""
    from moto import mock_aws

    from local.aws import (
        DEMO_ACCOUNTS,
        create_account,
        create_buckets,
        create_queues,
        create_tables,
        create_user_pool,
    )

    with mock_aws():
        state = MotoAws(prefix=TEST_PREFIX)
        create_tables(state.client("dynamodb"), TEST_PREFIX)
        create_buckets(state.client("s3"), TEST_PREFIX)
        create_queues(state.client("sqs"), TEST_PREFIX)
        cognito = state.client("cognito-idp")
        state.user_pool_id, state.client_id = create_user_pool(cognito, TEST_PREFIX)
        for account in DEMO_ACCOUNTS:
            create_account(cognito, state.user_pool_id, account)
        configure_app(
            {
                "TABLE_PREFIX": TEST_PREFIX,
                "DYNAMODB_ENDPOINT": "",
                "S3_ENDPOINT": "",
                "SQS_ENDPOINT": "",
                # The fan-out runs right after each request here (tests/integration/
                # chat_harness.py): no join can be in flight behind the one it reads.
                "QUEUE_SETTLE_SECONDS": "0",
                "PHOTOS_BUCKET": f"{TEST_PREFIX}-photos",
                "USER_POOL_ID": state.user_pool_id,
                "USER_POOL_CLIENT_ID": state.client_id,
                "WEBSOCKET_ENDPOINT": "",
                "JWKS_URL": "",
                "STAGE": "test",
            }
        )
        yield state


# -- the local platform in a subprocess (e2e, browser) ------------------------------


@dataclass
class Platform:
    """A running `python -m local` and what tests need to talk to it."""

    url: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def ws_url(self) -> str:
        return str(self.config["wsUrl"])

    @property
    def moto_url(self) -> str:
        return str(self.config["cognito"]["endpoint"])

    def aws_client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.moto_url, region_name="eu-west-3")

    def management_client(self) -> Any:
        return boto3.client(
            "apigatewaymanagementapi", endpoint_url=f"{self.url}/api", region_name="eu-west-3"
        )

    def app_env(self) -> dict[str, str]:
        """Settings that make this process's chalicelib talk to the platform's AWS."""
        cognito = self.config["cognito"]
        return {
            "TABLE_PREFIX": "moncommissariat-local",
            "DYNAMODB_ENDPOINT": self.moto_url,
            "S3_ENDPOINT": self.moto_url,
            "USER_POOL_ID": cognito["userPoolId"],
            "USER_POOL_CLIENT_ID": cognito["clientId"],
            "WEBSOCKET_ENDPOINT": self.url,
            "JWKS_URL": f"{self.moto_url}/{cognito['userPoolId']}/.well-known/jwks.json",
            "PHOTOS_BUCKET": "moncommissariat-local-photos",
        }

    def token(
        self,
        username: str,
        password: str = DEMO_PASSWORD,
        kind: str = "IdToken",
    ) -> str:
        """A real token from the platform's Cognito (USER_PASSWORD_AUTH)."""
        cognito = self.aws_client("cognito-idp")
        result = cognito.initiate_auth(
            ClientId=self.config["cognito"]["clientId"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        return str(result["AuthenticationResult"][kind])

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        return http_json(f"{self.url}{path}", headers=headers)


def http_json(
    url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """A plain HTTP call; returns (status, parsed JSON or text)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw = error.read()
        status = error.code
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode("utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_platform(
    extra_args: list[str] | None = None, env: dict[str, str] | None = None
) -> Platform:
    """Start `python -m local` on a free port and wait until it serves."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "--port", str(port), *(extra_args or [])],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    platform = Platform(url=f"http://127.0.0.1:{port}", process=process)

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            platform.output.append(line.rstrip("\n"))

    threading.Thread(target=drain, daemon=True).start()
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError("local platform exited:\n" + "\n".join(platform.output))
        if any(re.search(r"Ctrl-C", line) for line in platform.output):
            break
        time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("local platform did not start:\n" + "\n".join(platform.output))
    status, platform.config = http_json(f"{platform.url}/config.json")
    assert status == 200
    return platform


def stop_platform(platform: Platform) -> None:
    platform.process.terminate()
    try:
        platform.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        platform.process.kill()
        platform.process.wait()


@pytest.fixture(scope="session")
def local_platform() -> Iterator[Platform]:
    """One local platform for the whole session (e2e and browser tests share it)."""
    platform = start_platform()
    yield platform
    stop_platform(platform)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
