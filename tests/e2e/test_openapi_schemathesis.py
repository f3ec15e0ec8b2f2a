"""Every operation of the live OpenAPI document, fuzzed by schemathesis on the local platform.

The document is read from the running platform (``/api/openapi.json``), and
the test is parametrized by the document the app generates in-process — the
two are compared first, so every route any domain declares is covered. Each
operation gets 25 schema-valid and 25 schema-invalid requests (no shrinking),
with a real Cognito token of the supervisor account (it may call every
officer route). Checks: no server error, every answer — status code, content
type, headers, body — conforms to the document, officer routes refuse a
request without a token, and a missing required header is refused.

schemathesis' two heuristics ``positive_data_acceptance`` and
``negative_data_rejection`` are not run: the API deliberately refuses some
schema-valid input (opaque page cursors it did not issue, a tracking code of
no report) and ignores unknown query parameters.

schemathesis' own pytest plugin (``from_fixture``) does not run under pytest
9 (``Function._nodeid`` is gone), hence ``as_strategy`` + hypothesis here.

No generated case is filtered out: the local platform takes request lines and
headers up to 64 KB (API Gateway: 10 KB), so every case reaches the app.

Schema-invalid requests are generated only for operations that take an input
(a parameter or a body): the others have nothing that can be made invalid.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.local_platform import Platform

pytestmark = pytest.mark.e2e

EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
    missing_required_header,
]


def declared_operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation the app declares (same code the platform runs)."""
    import app  # noqa: F401 - registers every blueprint and its operations
    from chalicelib.api.openapi import document

    return sorted(
        (method.upper(), path) for path, item in document()["paths"].items() for method in item
    )


OPERATIONS = declared_operations()


def operations_with_input() -> list[tuple[str, str]]:
    """The operations that take a parameter or a body (they can be sent invalid input)."""
    from chalicelib.api.openapi import document

    paths = document()["paths"]
    return [
        (method, path)
        for method, path in OPERATIONS
        if paths[path][method.lower()].get("parameters")
        or paths[path][method.lower()].get("requestBody")
    ]


# Status codes answered, per operation and mode (read by the last test).
FIGURES: defaultdict[str, Counter[str]] = defaultdict(Counter)

CASES = [(method, path, GenerationMode.POSITIVE) for method, path in OPERATIONS] + [
    (method, path, GenerationMode.NEGATIVE) for method, path in operations_with_input()
]


@pytest.fixture(scope="module")
def live_schema(local_platform: Platform) -> Any:
    return schemathesis.openapi.from_url(f"{local_platform.url}/api/openapi.json")


@pytest.fixture(scope="module")
def supervisor(local_platform: Platform) -> dict[str, str]:
    return {"Authorization": f"Bearer {local_platform.token('superviseur')}"}


def test_the_live_document_declares_every_route_of_the_app(
    local_platform: Platform, live_schema: Any
) -> None:
    import app as chalice_module

    live = sorted(
        (method.upper(), path)
        for path, item in live_schema.raw_schema["paths"].items()
        for method in item
    )
    assert live == OPERATIONS
    routes = {
        (method, path)
        for path, methods in chalice_module.app.routes.items()
        for method in methods
        if method != "OPTIONS"
    }
    assert routes <= set(OPERATIONS), sorted(routes - set(OPERATIONS))


@pytest.mark.parametrize(
    ("method", "path", "mode"), CASES, ids=[f"{m} {p}-{mode.value}" for m, p, mode in CASES]
)
def test_every_operation_answers_as_its_document_says(
    live_schema: Any, supervisor: dict[str, str], method: str, path: str, mode: GenerationMode
) -> None:
    operation = live_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        phases=[Phase.explicit, Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def answers_as_documented(case: Any) -> None:
        response = case.call_and_validate(headers=supervisor, checks=CHECKS, timeout=30)
        FIGURES[f"{method} {path} {mode.value}"][str(response.status_code)] += 1

    answers_as_documented()


def test_every_case_ran_and_none_was_a_server_error() -> None:
    """After the run: each operation was called in each mode (nothing filtered away), with
    no 5xx. ``SCHEMATHESIS_FIGURES`` names a file to write the status counts to."""
    missing = [
        f"{m} {p} {mode.value}" for m, p, mode in CASES if not FIGURES[f"{m} {p} {mode.value}"]
    ]
    assert not missing, missing
    statuses: Counter[str] = Counter()
    for counts in FIGURES.values():
        statuses.update(counts)
    assert not [status for status in statuses if status.startswith("5")], statuses
    out = os.environ.get("SCHEMATHESIS_FIGURES")
    if out:
        figures = {"cases": sum(statuses.values()), "by_status": dict(sorted(statuses.items()))}
        figures["operations"] = {name: dict(counts) for name, counts in sorted(FIGURES.items())}
        Path(out).write_text(json.dumps(figures, indent=2), encoding="utf-8")
