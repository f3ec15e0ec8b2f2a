"""Every HTTP route of the app is an operation of its OpenAPI document, and the other way
round — checked in process, from the same import the Lambda does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.app import Chalice
from chalice.test import Client

import app as chalice_module
from chalicelib.api import routes as registry
from chalicelib.api.openapi import document
from chalicelib.api.routes import Routes, declared
from chalicelib.auth import OfficerIdentity
from chalicelib.chat.schemas import CannedIn, CannedOut
from chalicelib.fields import Answer, PageQuery


@pytest.fixture(autouse=True)
def own_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Routes declared here stay out of the app's document."""
    monkeypatch.setattr(registry, "_declared", list(registry._declared))
    yield


def served(routes: dict[str, dict[str, Any]]) -> set[tuple[str, str]]:
    """(METHOD, path) of every route Chalice serves (CORS preflights are its own)."""
    return {
        (method, path)
        for path, methods in routes.items()
        for method in methods
        if method != "OPTIONS"
    }


def documented(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in doc["paths"].items() for method in item}


def test_the_app_serves_exactly_the_operations_its_document_declares() -> None:
    routes, operations = served(chalice_module.app.routes), documented(document())
    assert routes - operations == set(), "served but not documented"
    assert operations - routes == set(), "documented but not served"
    assert len(routes) >= 28


def test_a_route_added_without_a_declaration_is_caught() -> None:
    routes = {path: dict(methods) for path, methods in chalice_module.app.routes.items()}
    routes.setdefault("/officer/undocumented", {})["GET"] = None
    assert served(routes) - documented(document()) == {("GET", "/officer/undocumented")}


def test_officer_operations_are_the_routes_behind_the_authorizer() -> None:
    doc = document()
    for path, methods in chalice_module.app.routes.items():
        for method, entry in methods.items():
            operation = doc["paths"][path][method.lower()]
            guarded = entry.authorizer is not None
            assert ("security" in operation) is guarded, (method, path)
            assert ("403" in operation["responses"]) is guarded, (method, path)


def test_the_view_s_signature_declares_its_models() -> None:
    routes = Routes("tests.unit.test_routes", tag="essai", officer=True)

    @routes.put("/officer/things/{thing_id}", summary="-", supervisor=True)
    def replace_thing(thing_id: str, body: CannedIn, officer: OfficerIdentity) -> CannedOut:
        raise AssertionError

    route = declared()[-1]
    assert (route.method, route.path, route.tag) == ("PUT", "/officer/things/{thing_id}", "essai")
    assert (route.body, route.query, route.response) == (CannedIn, None, CannedOut)
    assert route.authenticated and route.supervisor


def test_a_view_that_does_not_fit_its_route_is_refused_at_declaration() -> None:
    citizens = Routes("tests.unit.test_routes", tag="essai")

    def misses_the_path_parameter(body: CannedIn) -> CannedOut:
        raise AssertionError

    def asks_for_something_unknown(thing_id: str, user: str) -> CannedOut:
        raise AssertionError

    def wants_an_officer_on_a_citizen_route(thing_id: str, officer: OfficerIdentity) -> CannedOut:
        raise AssertionError

    def answers_no_model(thing_id: str) -> dict[str, str]:
        raise AssertionError

    def reads_a_body_without_a_model(thing_id: str, body: dict[str, str]) -> CannedOut:
        raise AssertionError

    for view in (
        misses_the_path_parameter,
        asks_for_something_unknown,
        wants_an_officer_on_a_citizen_route,
        answers_no_model,
        reads_a_body_without_a_model,
    ):
        with pytest.raises(TypeError):
            citizens.post("/things/{thing_id}", summary="-")(view)


class Greeting(Answer):
    keep_nulls = True

    text: str
    next: str | None = None


def test_a_route_reads_its_query_and_answers_its_model_or_a_json_error() -> None:
    routes = Routes("tests.unit.test_routes", tag="essai")

    @routes.get("/greetings", summary="-", cache_control="max-age=5")
    def greet(query: PageQuery) -> Greeting:
        return Greeting(text=f"{query.limit} bonjours")

    @routes.get("/broken", summary="-")
    def broken() -> Greeting:
        return {"text": "not the declared model"}  # type: ignore[return-value]

    app = Chalice(app_name="routes-test")
    app.register_blueprint(routes.blueprint)
    with Client(app) as client:
        ok = client.http.get("/greetings?limit=3")
        assert ok.status_code == 200
        assert json.loads(ok.body) == {"text": "3 bonjours", "next": None}
        assert ok.headers["Cache-Control"] == "max-age=5"
        refused = client.http.get("/greetings?limit=1000")
        assert refused.status_code == 422
        assert json.loads(refused.body)["error"]["field"] == "limit"
        failed = client.http.get("/broken")
        assert failed.status_code == 500
        assert json.loads(failed.body)["error"]["code"] == "internal_error"
