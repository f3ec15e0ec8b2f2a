"""Every tier: fake AWS credentials, a marker per tier folder, how pytest-xdist groups tests.

The tiers are folders (README.md, "Tests"): unit/, integration/, e2e/, browser/, deploy/.
Each folder's conftest.py holds what its tests need; the local platform (e2e and browser)
is the plugin tests/local_platform.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

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


def _tier(item: pytest.Item) -> str:
    """The tier folder of a test: ``tests/<tier>/test_….py``."""
    parts = Path(item.nodeid.split("::", 1)[0]).parts
    return parts[1] if len(parts) > 2 and parts[0] == "tests" else ""


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier, and group what must share one process under xdist.

    With ``--dist loadgroup`` a group runs whole, in order, on one worker, and the groups
    with the most tests are handed out first:
    - deploy/: one group — `chalice package` fills the package cache the deploy copies;
    - e2e/ and browser/: one group per module (module fixtures, tests that follow each
      other on the worker's local platform);
    - unit/ and integration/: no group, each test goes where there is room (each worker
      has its own moto; the IAM policy tests, last, read every worker's recording).
    """
    for item in items:
        tier = _tier(item)
        if tier not in TIERS:
            continue
        item.add_marker(getattr(pytest.mark, tier))
        if tier == "deploy":
            item.add_marker(pytest.mark.xdist_group(tier))
        elif tier in ("e2e", "browser"):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
