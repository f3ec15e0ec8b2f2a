"""The OpenAPI document of every HTTP route, generated from the route declarations.

Every route is declared once with :class:`chalicelib.api.routes.Routes`; the
document is built from those declarations and their pydantic models on
request (the models' schemas are not built at cold start).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from chalicelib.api.routes import PATH_ID_SCHEMA, Route, declared
from chalicelib.config import settings

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic.json_schema import JsonSchemaMode

# Every error answer has this shape (see chalicelib/errors.py).
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
                "retry_after": {"type": "integer"},
            },
        }
    },
}

# HTTP status of each error code a route may declare.
ERROR_STATUS = {
    "invalid_json": 400,
    "invalid_input": 422,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "payload_too_large": 413,
    "rate_limited": 429,
}


def _schema(model: type[BaseModel], components: dict[str, Any], mode: JsonSchemaMode) -> Any:
    """A ``$ref`` to the JSON schema of a model, its definitions moved into components."""
    schema = model.model_json_schema(
        ref_template="#/components/schemas/{model}", mode=mode, by_alias=True
    )
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _parameters(route: Route) -> list[dict[str, Any]]:
    """Path, query and header parameters of a route."""
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": dict(PATH_ID_SCHEMA),
        }
        for name in route.path_parameters
    ]
    if route.query is not None:
        query_schema = route.query.model_json_schema()
        required = set(query_schema.get("required", []))
        for name, prop in query_schema.get("properties", {}).items():
            parameters.append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    parameters += [
        {
            "name": header.name,
            "in": "header",
            "required": header.required,
            "description": header.description,
            "schema": header.schema(),
        }
        for header in route.headers
    ]
    return parameters


def _operation(route: Route, components: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI operation of one route."""
    item: dict[str, Any] = {
        "summary": route.summary,
        "tags": [route.tag],
        "operationId": re.sub(r"[^a-zA-Z0-9]+", "_", f"{route.method}_{route.path}").strip("_"),
        "responses": {},
    }
    parameters = _parameters(route)
    if parameters:
        item["parameters"] = parameters
    if route.body is not None:
        item["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": _schema(route.body, components, "validation")}
            },
        }
    ok: dict[str, Any] = {"description": "OK"}
    if route.response is not None:
        schema = _schema(route.response, components, "serialization")
        ok["content"] = {route.content_type: {"schema": schema}}
    elif route.content_type != "application/json":
        ok["content"] = {route.content_type: {"schema": {"type": "string"}}}
    item["responses"][str(route.status)] = ok
    codes = set(route.errors)
    if route.body is not None:
        codes |= {"invalid_json", "invalid_input", "payload_too_large"}
    if parameters:
        codes.add("invalid_input")
    if route.authenticated:
        codes |= {"unauthorized", "forbidden"}
    for status in sorted({ERROR_STATUS[code] for code in codes}):
        item["responses"][str(status)] = {
            "description": ", ".join(sorted(c for c in codes if ERROR_STATUS[c] == status)),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    if route.authenticated:
        item["security"] = [{"cognito": []}]
    return item


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (paths under the ``/api`` server)."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for route in declared():
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "moncommissariat API",
            "version": settings().version,
            "description": (
                "API HTTP de moncommissariat. Erreurs : {error: {code, message}}. "
                "Elle se sert derrière le CDN du site : une requête qui ne passe pas par lui "
                "est refusée (403)."
            ),
        },
        "servers": [{"url": "/api"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
