"""Every tier: fake AWS credentials, a marker per tier folder, how pytest-xdist groups tests.

The tiers are folders (README.md, "Tests"): unit/, integration/, e2e/, browser/, deploy/.
Each folder's conftest.py holds what its tests need; the local platform (e2e and browser)
is the plugin tests/local_platform.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

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

pytest_plugins = ["tests.local_platform"]

TIERS = ("unit", "integration", "e2e", "browser", "deploy")


def tier_of(nodeid: str) -> str:
    """The tier folder of a test: ``tests/<tier>/test_….py::…``."""
    parts = Path(nodeid.split("::", 1)[0]).parts
    return parts[1] if len(parts) > 2 and parts[0] == "tests" else ""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier (``pytest -m browser``)."""
    for item in items:
        tier = tier_of(item.nodeid)
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


def work_unit(nodeid: str) -> str:
    """What pytest-xdist hands to one worker whole, in order.

    - deploy/: the whole tier — `chalice package` fills the package cache the deploy copies;
    - e2e/ and browser/: a module (module fixtures, tests that follow each other on the
      worker's local platform);
    - unit/ and integration/: each test alone, to fill the gaps (each worker has its own
      moto; the IAM policy tests, last, read every worker's recording).
    """
    tier = tier_of(nodeid)
    if tier == "deploy":
        return "tests/deploy"
    if tier in ("e2e", "browser"):
        return nodeid.split("::", 1)[0]
    return nodeid


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With ``-n``: xdist's scope scheduling over :func:`work_unit` (the largest units first).

    ``--dist loadgroup`` with ``xdist_group`` marks would say the same, but pytest-xdist 3.8
    does not group under pytest 9.2 (it rewrites node ids, which pytest now derives:
    pytest-dev/pytest-xdist#1386).
    """
    if config.getvalue("dist") not in ("load", "loadgroup"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class TierScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return TierScheduling(config, log)
