"""A pytest plugin (no tests here): record every AWS call the app's code makes.

``test_iam_policy.py`` loads it with ``pytest_plugins`` while pytest collects, so it
is in place before any test runs, and it moves the policy tests to the end of the
session: they then check the calls of every test that ran before them. A call counts
when ``chalicelib/`` or ``app.py`` is on the stack — what a fixture does with boto3
to set the stage (create tables, users) does not.

Each call is recorded as the IAM permissions it needs (``infra.iam.permissions``):
the parameters are read at ``before-parameter-build``, the same for PynamoDB, boto3
and powertools clients, and presigned POSTs are recorded when they are signed.

With pytest-xdist each worker records its own tests and writes what it recorded to a
folder all workers share after each of them; the ``recording`` fixture gives the policy
tests every worker's calls, once every other test of the session has run.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
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
READER_TIMEOUT_SECONDS = 1800


class Recording:
    """What the app asked of AWS in this session, and from where in the app."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.permissions: dict[Permission, str] = {}
        self.calls: Counter[str] = Counter()
        self.unmapped: dict[str, str] = {}
        self.modules: set[str] = set()
        self.done: set[str] = set()  # node ids of the tests that have run

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

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return {
                "permissions": [[p.action, p.resource, w] for p, w in self.permissions.items()],
                "calls": dict(self.calls),
                "unmapped": dict(self.unmapped),
                "modules": sorted(self.modules),
                "done": sorted(self.done),
            }

    def merge(self, data: Mapping[str, Any]) -> None:
        """Add what another worker recorded (``to_json``)."""
        with self.lock:
            for action, resource, where in data["permissions"]:
                self.permissions.setdefault(Permission(action, resource), where)
            self.calls.update(data["calls"])
            for call, where in data["unmapped"].items():
                self.unmapped.setdefault(call, where)
            self.modules.update(data["modules"])
            self.done.update(data["done"])


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
        resource = resource.replace(f"secret:{prefix}", "secret:" + PREFIX + "-")
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
    """The policy tests run last, after every test whose calls they check; the ones that
    read the recording last of all (with pytest-xdist they wait for every other test)."""
    last = [item for item in items if item.nodeid.startswith(POLICY_TESTS)]
    if last:
        moved = {id(item) for item in last}
        readers = [item for item in last if "recording" in item.fixturenames]
        for reader in readers:  # it may wait for the other workers' last modules
            reader.add_marker(pytest.mark.timeout(READER_TIMEOUT_SECONDS))
        items[:] = (
            [item for item in items if id(item) not in moved]
            + [item for item in last if item not in readers]
            + readers
        )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        RECORDING.modules.add(report.nodeid.split("::", 1)[0])
    elif report.when == "teardown":
        RECORDING.done.add(report.nodeid)
        if _shared.folder is not None:
            _share(_shared.folder)


# -- with pytest-xdist: every worker's recording -------------------------------------


class _Shared:
    folder: Path | None = None  # set in xdist workers only
    worker = ""


_shared = _Shared()


@pytest.fixture(scope="session", autouse=True)
def _recording_folder(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """In an xdist worker: the folder all workers of this run share (pytest-xdist's way)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        _shared.worker = worker
        _shared.folder = tmp_path_factory.getbasetemp().parent / "iam-recording"
        _shared.folder.mkdir(exist_ok=True)


def _share(folder: Path) -> None:
    """Write this worker's recording for the others (replacing the file at once)."""
    target = folder / f"{_shared.worker}.json"
    partial = target.with_suffix(".part")
    partial.write_text(json.dumps(RECORDING.to_json()), encoding="utf-8")
    partial.replace(target)


def _every_worker(folder: Path) -> Recording:
    """This worker's recording and what the others last wrote."""
    merged = Recording()
    merged.merge(RECORDING.to_json())
    for path in sorted(folder.glob("*.json")):
        if path.stem != _shared.worker:
            merged.merge(json.loads(path.read_text(encoding="utf-8")))
    return merged


@pytest.fixture
def recording(request: pytest.FixtureRequest) -> Iterator[Recording]:
    """The calls of the whole session: this process's, or with pytest-xdist every worker's
    once every test but the ones reading the recording has run (they run last)."""
    if _shared.folder is None:
        yield RECORDING
        return
    readers = {item.nodeid for item in request.session.items if "recording" in item.fixturenames}
    others = {item.nodeid for item in request.session.items} - readers
    while True:
        merged = _every_worker(_shared.folder)
        if others <= merged.done:
            yield merged
            return
        time.sleep(0.2)  # the other workers are still running tests
