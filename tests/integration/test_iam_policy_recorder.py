"""A pytest plugin (no tests here): record every AWS call the app's code makes.

``test_iam_policy.py`` loads it with ``pytest_plugins`` while pytest collects, so it
is in place before any test runs, and it moves the policy tests to the end of the
session: they then check the calls of every test that ran before them. A call counts
when ``chalicelib/`` or ``app.py`` is on the stack — what a fixture does with boto3
to set the stage (create tables, users) does not.

Each call is recorded as the IAM permissions it needs (``infra.iam.permissions``):
the parameters are read at ``before-parameter-build``, the same for PynamoDB, boto3
and powertools clients, and presigned POSTs are recorded when they are signed.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from botocore.client import ClientCreator

from infra.iam import ACCOUNT, Permission, UnmappedCall, permissions, presigned_permissions

ROOT = Path(__file__).resolve().parents[2]
_APP_DIR = str(ROOT / "chalicelib")
_APP_FILE = str(ROOT / "app.py")
POLICY_TESTS = "tests/integration/test_iam_policy.py"
PREFIX = "{{prefix}}"  # a stage's <app>-<stage>, filled in by the policy tests


class Recording:
    """What the app asked of AWS in this session, and from where in the app."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.permissions: dict[Permission, str] = {}
        self.calls: Counter[str] = Counter()
        self.unmapped: dict[str, str] = {}
        self.modules: set[str] = set()

    def add(
        self, service: str, operation: str, params: Mapping[str, Any], endpoint: str, where: str
    ) -> None:
        try:
            needed = permissions(service, operation, params, endpoint)
        except UnmappedCall as error:
            with self.lock:
                self.unmapped.setdefault(str(error), where)
            return
        except (KeyError, TypeError):
            return  # invalid parameters: botocore refuses the call before it is sent
        self._keep(f"{service}.{operation}", needed, where)

    def add_presigned(self, method: str, params: Mapping[str, Any], where: str) -> None:
        self._keep(f"s3.presigned:{method}", presigned_permissions(method, params), where)

    def _keep(self, call: str, needed: list[Permission], where: str) -> None:
        names = _current_names()
        with self.lock:
            self.calls[call] += 1
            for permission in needed:
                self.permissions.setdefault(_neutral(permission, names), where)


def _current_names() -> list[str]:
    """The table prefix and bucket of the settings in effect (each test sets its own)."""
    config = sys.modules.get("chalicelib.config")
    if config is None:
        return []
    current = config.settings()
    return [f"{current.table_prefix}-", f"{current.photos_bucket}"]


def _neutral(permission: Permission, names: list[str]) -> Permission:
    """Resource names with the settings' prefix replaced by ``{{prefix}}``."""
    resource = permission.resource
    if names:
        prefix, bucket = names
        resource = resource.replace(f":::{bucket}", ":::" + PREFIX + "-photos")
        resource = resource.replace(f"table/{prefix}", "table/" + PREFIX + "-")
        resource = resource.replace(
            f":sqs:{{{{region}}}}:{ACCOUNT}:{prefix}", f":sqs:{{{{region}}}}:{ACCOUNT}:{PREFIX}-"
        )
    return Permission(permission.action, resource)


RECORDING = Recording()
_signing = threading.local()


def _app_frame() -> str | None:
    """``file:line`` of the innermost frame of the app on the stack, if any."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(_APP_DIR) or name == _APP_FILE:
            return f"{Path(name).relative_to(ROOT)}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return None


def _watch(client: Any) -> None:
    service = client.meta.service_model.service_name
    endpoint = client.meta.endpoint_url or ""

    def on_params(params: Mapping[str, Any], model: Any, **_: Any) -> None:
        where = _app_frame()
        if where and not getattr(_signing, "post", False):
            RECORDING.add(service, model.name, params, endpoint, where)

    client.meta.events.register("before-parameter-build", on_params)
    if service == "s3":
        signed_post = client.generate_presigned_post

        def generate_presigned_post(Bucket: str, Key: str, *args: Any, **kwargs: Any) -> Any:
            where = _app_frame()
            if where:
                RECORDING.add_presigned("put_object", {"Bucket": Bucket, "Key": Key}, where)
            # botocore builds the POST from a CreateBucket request: not a call to record.
            _signing.post = True
            try:
                return signed_post(Bucket, Key, *args, **kwargs)
            finally:
                _signing.post = False

        client.generate_presigned_post = generate_presigned_post


_original_create_client = ClientCreator.create_client


def _create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
    client = _original_create_client(self, *args, **kwargs)
    _watch(client)
    return client


ClientCreator.create_client = _create_client  # type: ignore[method-assign]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The policy tests run last, after every test whose calls they check."""
    last = [item for item in items if item.nodeid.startswith(POLICY_TESTS)]
    if last:
        moved = {id(item) for item in last}
        items[:] = [item for item in items if id(item) not in moved] + last


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        RECORDING.modules.add(report.nodeid.split("::", 1)[0])
