"""`chalice package` works offline (fake credentials) and its CloudFormation lints clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "cfn-lint"), str(path)], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("template", ["template.yaml", "edge.yaml"])
def test_infra_templates_pass_cfn_lint(template: str) -> None:
    result = _lint(ROOT / "infra" / template)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_edge_template_lints_in_the_region_it_is_deployed_to() -> None:
    from infra.stack import EDGE_REGION

    result = subprocess.run(
        [str(BIN / "cfn-lint"), str(ROOT / "infra" / "edge.yaml"), "--regions", EDGE_REGION],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_chalice_package_output_passes_cfn_lint(tmp_path: Path, stage: str) -> None:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "fake",
        "AWS_SECRET_ACCESS_KEY": "fake",
        "AWS_DEFAULT_REGION": "eu-west-3",
    }
    out = tmp_path / "out"
    result = subprocess.run(
        [str(BIN / "chalice"), "package", "--stage", stage, str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "deployment.zip").stat().st_size > 0
    lint = _lint(out / "sam.json")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    sam = json.loads((out / "sam.json").read_text())
    _assert_the_queue_fanout_reads_the_stage_queue(sam, stage)


def _assert_the_queue_fanout_reads_the_stage_queue(sam: dict[str, Any], stage: str) -> None:
    """The fan-out is invoked by Lambda's SQS event source on this stage's queue of queue
    events — the queue infra/template.yaml creates — in batches gathered over a window, with
    a bounded number of concurrent invocations (docs/architecture.md)."""
    function = sam["Resources"]["QueueFanout"]
    events = list(function["Properties"]["Events"].values())
    assert [event["Type"] for event in events] == ["SQS"]
    source = events[0]["Properties"]
    queue = f"moncommissariat-{stage}-queue-events"
    assert source["Queue"]["Fn::Sub"].endswith(f":{queue}")  # the stage's queue, by its ARN
    assert source["BatchSize"] == 1000
    assert 1 <= source["MaximumBatchingWindowInSeconds"] <= 5
    assert source["ScalingConfig"]["MaximumConcurrency"] >= 2
    template = (ROOT / "infra" / "template.yaml").read_text()
    assert 'QueueName: !Sub "${Prefix}-queue-events"' in template
