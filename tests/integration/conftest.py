"""Integration tier: the app in-process over moto in-process (tests/integration/moto_world.py)."""

from __future__ import annotations

from collections.abc import Iterator

import moto  # noqa: F401 - before any boto3 session: moto hooks the sessions made after it
import pytest

from tests.app_settings import configure_app
from tests.integration.moto_world import MotoAws, MotoWorld
from tests.integration.reports_harness import (  # noqa: F401 - fixtures of the report tests
    api,
    clock,
    conversations,
    with_settings,
)

# test_iam_policy.py imports the recorder before naming it in ``pytest_plugins``.
pytest.register_assert_rewrite("tests.integration.iam_recorder")


@pytest.fixture(scope="session")
def moto_world() -> Iterator[MotoWorld]:
    """Built once per test process (per pytest-xdist worker)."""
    world = MotoWorld()
    yield world
    world.close()


@pytest.fixture
def aws(moto_world: MotoWorld) -> Iterator[MotoAws]:
    """A fresh world for each test: every table, bucket and the user pool, the app bound to
    them; tables and buckets empty, the demo accounts as created (see moto_world.py)."""
    with moto_world.active():
        state = moto_world.restore()
        configure_app(moto_world.app_environment())
        yield state
