"""One declaration per HTTP route: the Chalice route, its OpenAPI operation, its models,
the error guard and the officer authorizer, from a single decorator.

    citizens = Routes(__name__, tag="signalements")
    officers = citizens.section(tag="policiers", officer=True)

    @officers.post(
        "/officer/reports/{report_id}/status",
        summary="Changer le statut d'un signalement (avec une note)",
        errors=("not_found", "conflict"),
    )
    def change_report_status(
        report_id: str, body: StatusChangeIn, officer: OfficerIdentity
    ) -> StatusChanged: ...

The view's signature is the rest of the declaration: its ``body`` parameter's
class is the request body model, its ``query`` parameter's the query string
model, its return class the response model (an :class:`Answer`; ``Response``
for what is not JSON, ``None`` for a 204). Other parameters are the path's,
and — when asked for — ``officer`` (the verified :class:`OfficerIdentity`,
officer routes only) and ``request`` (the Chalice request).

Before the view runs, in this order: the origin (a request that did not come through
CloudFront is refused when the stage has an origin secret), the path's ids (each
:data:`PATH_ID_PATTERN`), the officer (an officer section: the
Cognito authorizer, then the identity it verified; ``supervisor=True`` also
refuses other officers with a 403), the declared headers, the query string,
the JSON body (read by the model's ``from_body`` when it reads in more than
one step). The view's answer is dumped as JSON with the declared ``status``.
Any :class:`DomainError` becomes its 4xx JSON; anything else is logged and
answered with a JSON 500.

A view whose signature does not fit its path and audience fails at import.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import inspect
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, TypeVar, Unpack

from chalice.app import Blueprint, Request, Response
from pydantic import BaseModel

from chalicelib.api.authorizer import officer_auth
from chalicelib.api.http import (
    current_officer,
    guarded,
    json_response,
    read_body,
    read_query,
    require_origin,
    require_supervisor,
)
from chalicelib.errors import DomainError, InvalidInput
from chalicelib.fields import Answer

F = TypeVar("F", bound=Callable[..., Any])
Method = Literal["GET", "POST", "PUT", "DELETE"]
_PATH_PARAMETER = re.compile(r"{(\w+)}")
# Every id in a path (reports, photos, spots, conversations, canned responses): checked
# before the view, and published as such in the OpenAPI document.
PATH_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
PATH_ID_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 64,
    "pattern": PATH_ID_PATTERN,
}


@dataclass(frozen=True)
class Header:
    """A request header a route reads: documented in OpenAPI, checked before the body.

    A ``required`` header that is absent is refused with ``refusal(missing)``; a
    present one that does not match ``pattern`` with ``refusal(malformed)`` when
    ``malformed`` is set (otherwise the pattern is only documented and the
    domain judges the value).
    """

    name: str
    description: str
    pattern: str | None = None
    required: bool = False
    refusal: type[DomainError] = InvalidInput
    missing: str | None = None
    malformed: str | None = None

    def schema(self) -> dict[str, Any]:
        return {"type": "string", **({"pattern": self.pattern} if self.pattern else {})}

    def read(self, request: Request) -> str:
        """The header's value, ``""`` when absent."""
        return str(request.headers.get(self.name.lower()) or "")

    def check(self, request: Request) -> None:
        value = self.read(request)
        if not value:
            if self.required:
                raise self.refusal(self.missing, field=self.name)
            return
        if self.malformed and self.pattern and not re.fullmatch(self.pattern, value):
            raise self.refusal(self.malformed, field=self.name)


class Options(TypedDict, total=False):
    """What a route declares beyond its method, path and summary."""

    status: int
    errors: tuple[str, ...]
    headers: tuple[Header, ...]
    supervisor: bool
    content_type: str
    cors: bool
    cache_control: str


@dataclass(frozen=True)
class Route:
    """Everything one HTTP route is: what OpenAPI documents is what the handler enforces."""

    method: Method
    path: str
    summary: str
    tag: str
    officer: bool = False
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[Answer] | None = None
    status: int = 200
    errors: tuple[str, ...] = ()
    headers: tuple[Header, ...] = ()
    supervisor: bool = False
    content_type: str = "application/json"
    cors: bool = False
    cache_control: str = "no-store"

    @property
    def path_parameters(self) -> list[str]:
        return _PATH_PARAMETER.findall(self.path)

    @property
    def authenticated(self) -> bool:
        return self.officer or self.supervisor


_declared: list[Route] = []


def declared() -> list[Route]:
    """Every route declared so far (all of them once ``app`` is imported)."""
    return list(_declared)


class Routes:
    """HTTP routes of one area of the API, on one Chalice blueprint, under one OpenAPI tag;
    ``officer=True``: every route of the area is for officers; ``defaults``: options its
    routes share (each route may override them)."""

    def __init__(
        self, import_name: str, *, tag: str, officer: bool = False, **defaults: Unpack[Options]
    ) -> None:
        self.blueprint = Blueprint(import_name)
        self.tag = tag
        self.officer = officer
        self.defaults = defaults

    def section(self, *, tag: str, officer: bool = False, **defaults: Unpack[Options]) -> Routes:
        """Another area (tag, audience, defaults) of the same module, on the same blueprint."""
        other = copy.copy(self)
        other.tag, other.officer, other.defaults = tag, officer, defaults
        return other

    def get(self, path: str, *, summary: str, **options: Unpack[Options]) -> Callable[[F], F]:
        return self.route("GET", path, summary=summary, **options)

    def post(self, path: str, *, summary: str, **options: Unpack[Options]) -> Callable[[F], F]:
        return self.route("POST", path, summary=summary, **options)

    def put(self, path: str, *, summary: str, **options: Unpack[Options]) -> Callable[[F], F]:
        return self.route("PUT", path, summary=summary, **options)

    def delete(self, path: str, *, summary: str, **options: Unpack[Options]) -> Callable[[F], F]:
        return self.route("DELETE", path, summary=summary, **options)

    def route(
        self, method: Method, path: str, *, summary: str, **options: Unpack[Options]
    ) -> Callable[[F], F]:
        """Declare one route (path as in Chalice, without the ``/api`` stage); see the module."""

        def register(view: F) -> F:
            merged: Options = {**self.defaults, **options}
            route = Route(method, path, summary, self.tag, self.officer, **merged)
            route, wants = _read_signature(route, view)
            self.blueprint.route(
                path,
                methods=[method],
                cors=route.cors,
                **({"authorizer": officer_auth} if route.authenticated else {}),
            )(self._handler(route, view, wants))
            _declared.append(route)
            return view

        return register

    def _handler(self, route: Route, view: Callable[..., Any], wants: frozenset[str]) -> Any:
        blueprint = self.blueprint

        @functools.wraps(view)
        @guarded
        def handler(**path: str) -> Response:
            request = blueprint.current_request
            require_origin(request)
            for name, value in path.items():
                if not re.fullmatch(PATH_ID_PATTERN, value):
                    raise InvalidInput(
                        "Identifiant invalide : 1 à 64 lettres, chiffres, points, - ou _.",
                        field=name,
                    )
            arguments: dict[str, Any] = dict(path)
            if route.authenticated:
                officer = current_officer(request)
                if route.supervisor:
                    require_supervisor(officer)
                if "officer" in wants:
                    arguments["officer"] = officer
            for header in route.headers:
                header.check(request)
            if route.query is not None:
                arguments["query"] = read_query(request, route.query)
            if route.body is not None:
                arguments["body"] = read_body(request, route.body)
            if "request" in wants:
                arguments["request"] = request
            return _answer(route, view(**arguments))

        return handler


def _read_signature(route: Route, view: Callable[..., Any]) -> tuple[Route, frozenset[str]]:
    """The route completed with the models the view's signature names, and the optional
    parameters (``officer``, ``request``) it asks for; TypeError when it does not fit."""
    hints = typing.get_type_hints(view)
    names = list(inspect.signature(view).parameters)
    models: dict[str, Any] = {}
    for name in ("body", "query"):
        if name in names:
            model = hints.get(name)
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                raise TypeError(f"{route.method} {route.path}: {name} must be a pydantic model")
            models[name] = model
    answer = hints.get("return")
    if isinstance(answer, type) and issubclass(answer, Answer):
        models["response"] = answer
    elif answer is not Response and not (answer is type(None) and route.status == 204):
        raise TypeError(f"{route.method} {route.path}: answers an Answer, a Response or None")
    path = set(route.path_parameters)
    optional = {"request", "officer"} if route.authenticated else {"request"}
    if not path <= set(names) or not set(names) <= path | {"body", "query"} | optional:
        raise TypeError(
            f"{route.method} {route.path}: {view.__name__} takes {names}: the path's "
            f"{sorted(path)}, body, query and {sorted(optional)} only"
        )
    return dataclasses.replace(route, **models), frozenset(set(names) & optional)


def _answer(route: Route, result: Any) -> Response:
    """The HTTP answer of what a view returned (see the module docstring)."""
    if isinstance(result, Response):
        return result
    if result is None and route.status == 204:
        return Response(body="", status_code=204)
    if route.response is not None and isinstance(result, route.response):
        return json_response(result.to_json(), route.status, {"Cache-Control": route.cache_control})
    raise TypeError(f"{route.method} {route.path} answered a {type(result).__name__}")
