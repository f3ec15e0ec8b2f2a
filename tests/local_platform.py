"""The local platform (`python -m local`) in a subprocess, for the e2e and browser tiers.

A pytest plugin (registered by tests/conftest.py): one platform per test process, started
the first time a test asks for ``local_platform``; with pytest-xdist, one per worker.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

from local import child

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "Commissariat-2026!"


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
            # The platform's secrets, by name (local/aws.py creates them from the template).
            "SECRETS_ENDPOINT": self.moto_url,
            "CLIENT_KEY_SECRET_ID": "moncommissariat-local-client-key",
            "ORIGIN_SECRET_ID": "moncommissariat-local-origin-verify",
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
    """Start `python -m local` on a free port and wait until it serves.

    The port is free when picked; another process (a parallel test worker) can take it
    before the platform binds it: then it starts again on another port.
    """
    for _ in range(2):
        try:
            return _start_on_a_free_port(extra_args, env)
        except PortTaken:
            continue
    return _start_on_a_free_port(extra_args, env)


class PortTaken(RuntimeError):
    """The platform could not bind the port picked for it."""


def _start_on_a_free_port(extra_args: list[str] | None, env: dict[str, str] | None) -> Platform:
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

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            drainer.join(timeout=5)
            output = "\n".join(platform.output)
            if "address already in use" in output.lower():
                raise PortTaken(output)
            raise RuntimeError("local platform exited:\n" + output)
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
    child.stop(platform.process, timeout=15)


@pytest.fixture(scope="session")
def local_platform() -> Iterator[Platform]:
    """One local platform for the whole session (e2e and browser tests share it)."""
    platform = start_platform()
    yield platform
    stop_platform(platform)
