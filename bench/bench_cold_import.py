"""Cold start: `import app` against `import boto3`, each in fresh processes (medians)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 9
PROBE = (
    "import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"
)


def _median_ms(module: str) -> float:
    env = {
        **os.environ,
        "AWS_DEFAULT_REGION": "eu-west-3",
        "PYTHONDONTWRITEBYTECODE": "0",
        "TRACING_ENABLED": "false",
    }
    samples = []
    # One warm-up run fills the bytecode cache, as a deployed package ships .pyc files.
    for index in range(RUNS + 1):
        out = subprocess.run(
            [sys.executable, "-X", "frozen_modules=on", "-c", PROBE.format(module=module)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        if index:
            samples.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def run() -> dict[str, float]:
    app_ms = _median_ms("app")
    boto3_ms = _median_ms("boto3")
    return {
        "cold_import.app_ms": round(app_ms, 1),
        "cold_import.boto3_ms": round(boto3_ms, 1),
        "cold_import.ratio": round(app_ms / boto3_ms, 3),
    }
