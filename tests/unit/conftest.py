"""Unit tier: no AWS at all. A worker that ran integration tests before keeps their settings in
its environment; the ones naming secrets would send the app to Secrets Manager, so a unit
test starts without them."""

from __future__ import annotations

import os

import pytest

from tests.app_settings import configure_app

SECRET_SETTINGS = ("CLIENT_KEY_SECRET_ID", "ORIGIN_SECRET_ID")


@pytest.fixture(autouse=True)
def no_secrets() -> None:
    if any(os.environ.get(name) for name in SECRET_SETTINGS):
        for name in SECRET_SETTINGS:
            os.environ.pop(name, None)
        configure_app({})
