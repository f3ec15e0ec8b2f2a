"""What every deploy step works with: the AWS account (or emulator), the Chalice project,
and the report of what was done."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parent.parent
API_STAGE = "api"  # api_gateway_stage of .chalice/config.json, for both APIs


class DeployError(Exception):
    """A step failed in a way the operator must act on."""


@dataclass
class Report:
    """What a deploy did, what it bridged or skipped against an emulator."""

    stage: str
    stack: str
    emulated: bool
    steps: list[str] = field(default_factory=list)
    bridged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    rest_api_url: str = ""
    websocket_url: str = ""
    site_url: str = ""
    synced: dict[str, dict[str, int]] = field(default_factory=dict)

    def step(self, text: str) -> None:
        self.steps.append(text)
        print(f"→ {text}", flush=True)

    def bridge(self, text: str) -> None:
        self.bridged.append(text)
        print(f"  (emulator gap bridged: {text})", flush=True)

    def skip(self, text: str) -> None:
        self.skipped.append(text)
        print(f"  (skipped: {text})", flush=True)


@dataclass
class Aws:
    """Clients of one account and region, or of an emulator when ``endpoint`` is set."""

    region: str
    endpoint: str | None = None

    @property
    def emulated(self) -> bool:
        return self.endpoint is not None

    def client(self, service: str) -> Any:
        return boto3.client(service, region_name=self.region, endpoint_url=self.endpoint)

    def account_id(self) -> str:
        return str(self.client("sts").get_caller_identity()["Account"])


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def unimplemented(error: ClientError) -> bool:
    """How moto's server answers an API it lacks: a bare 404 (no such route) or a 500
    (its NotImplementedError). Only ever asked about an emulator's answers."""
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return error_code(error) in ("404", "500", "501", "NotImplemented") or status in (404, 500, 501)


@dataclass(frozen=True)
class Project:
    """The Chalice project being deployed (the repository, or a copy of it in tests)."""

    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / ".chalice" / "config.json"

    def config(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.config_path.read_text(encoding="utf-8"))
        return data

    def stage_config(self, stage: str) -> dict[str, Any]:
        stages: dict[str, Any] = self.config().get("stages", {})
        if stage not in stages:
            raise DeployError(f"no stage {stage!r} in {self.config_path}")
        return dict(stages[stage])

    @property
    def app_name(self) -> str:
        return str(self.config()["app_name"])

    def prefix(self, stage: str) -> str:
        """Tables, buckets and Lambda functions of a stage are named ``<app>-<stage>…``."""
        return f"{self.app_name}-{stage}"

    def environment(self, stage: str) -> dict[str, str]:
        """The stage's environment as chalice merges it (stage over top level)."""
        merged = dict(self.config().get("environment_variables", {}))
        merged.update(self.stage_config(stage).get("environment_variables", {}))
        return merged

    def tracing(self, stage: str) -> bool:
        return bool(self.stage_config(stage).get("xray", self.config().get("xray", False)))

    def deployed_path(self, stage: str) -> Path:
        """Where chalice records what it deployed for the stage."""
        return self.root / ".chalice" / "deployed" / f"{stage}.json"

    def deployed(self, stage: str) -> dict[str, dict[str, Any]]:
        """Resources chalice recorded for the stage, by name (``rest_api``, ...)."""
        path = self.deployed_path(stage)
        if not path.exists():
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
        return {item["name"]: item for item in data.get("resources", [])}

    def write_stage_environment(self, stage: str, values: Mapping[str, str]) -> None:
        """Set ``values`` in the stage's ``environment_variables``, keeping all else."""
        config = self.config()
        environment = config["stages"][stage].setdefault("environment_variables", {})
        environment.update(values)
        self.config_path.write_text(dump_config(config), encoding="utf-8")


def dump_config(config: Mapping[str, Any]) -> str:
    """The one formatting of ``.chalice/config.json`` (the deploy rewrites it)."""
    return json.dumps(config, indent=2, ensure_ascii=False) + "\n"
