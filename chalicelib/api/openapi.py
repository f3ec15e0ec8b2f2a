"""The OpenAPI document of every HTTP route, generated from the pydantic models.

Each route declares itself next to its view with :func:`operation`. Models are
named by import path (``"chalicelib.reports.schemas:ReportIn"``) and only
imported when the document is generated, so declaring costs nothing at cold
start.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from typing import Any

from chalicelib.config import settings

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


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    tag: str
    request: str | None = None
    response: str | None = None
    status: int = 200
    errors: tuple[str, ...] = ()
    auth: bool = False
    query: str | None = None
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # (name, description, JSON schema) of headers the route cannot do without.
    required_headers: tuple[tuple[str, str, dict[str, Any]], ...] = field(default_factory=tuple)


_operations: list[Operation] = []


def operation(
    method: str,
    path: str,
    *,
    summary: str,
    tag: str,
    request: str | None = None,
    response: str | None = None,
    status: int = 200,
    errors: tuple[str, ...] = (),
    auth: bool = False,
    query: str | None = None,
    content_type: str = "application/json",
    headers: tuple[tuple[str, str], ...] = (),
    required_headers: tuple[tuple[str, str, dict[str, Any]], ...] = (),
) -> None:
    """Declare one route of the HTTP API (path as in Chalice, without the ``/api`` stage)."""
    _operations.append(
        Operation(
            method.upper(),
            path,
            summary,
            tag,
            request,
            response,
            status,
            errors,
            auth,
            query,
            content_type,
            headers,
            required_headers,
        )
    )


def operations() -> list[Operation]:
    return list(_operations)


def _model(ref: str) -> Any:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def _schema(ref: str, components: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of a model, its definitions moved into components."""
    model = _model(ref)
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _response_schema(ref: str, components: dict[str, Any]) -> dict[str, Any]:
    model = _model(ref)
    schema = model.model_json_schema(
        ref_template="#/components/schemas/{model}", mode="serialization", by_alias=True
    )
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (paths under the ``/api`` server)."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for op in _operations:
        item: dict[str, Any] = {
            "summary": op.summary,
            "tags": [op.tag],
            "operationId": re.sub(r"[^a-zA-Z0-9]+", "_", f"{op.method}_{op.path}").strip("_"),
            "responses": {},
        }
        parameters = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": 128},
            }
            for name in re.findall(r"{(\w+)}", op.path)
        ]
        if op.query:
            query_schema = _model(op.query).model_json_schema()
            required = set(query_schema.get("required", []))
            for name, prop in query_schema.get("properties", {}).items():
                parameters.append(
                    {"name": name, "in": "query", "required": name in required, "schema": prop}
                )
        for name, description in op.headers:
            parameters.append(
                {
                    "name": name,
                    "in": "header",
                    "required": False,
                    "description": description,
                    "schema": {"type": "string"},
                }
            )
        for name, description, header_schema in op.required_headers:
            parameters.append(
                {
                    "name": name,
                    "in": "header",
                    "required": True,
                    "description": description,
                    "schema": header_schema,
                }
            )
        if parameters:
            item["parameters"] = parameters
        if op.request:
            item["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _schema(op.request, components)}},
            }
        ok: dict[str, Any] = {"description": "OK"}
        if op.response:
            ok["content"] = {op.content_type: {"schema": _response_schema(op.response, components)}}
        elif op.content_type != "application/json":
            ok["content"] = {op.content_type: {"schema": {"type": "string"}}}
        item["responses"][str(op.status)] = ok
        codes = set(op.errors)
        if op.request:
            codes |= {"invalid_json", "invalid_input", "payload_too_large"}
        if op.query or parameters:
            codes.add("invalid_input")
        if op.auth:
            codes |= {"unauthorized", "forbidden"}
        for status in sorted({ERROR_STATUS[code] for code in codes}):
            item["responses"][str(status)] = {
                "description": ", ".join(sorted(c for c in codes if ERROR_STATUS[c] == status)),
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        if op.auth:
            item["security"] = [{"cognito": []}]
        paths.setdefault(op.path, {})[op.method.lower()] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "moncommissariat API",
            "version": settings().version,
            "description": "API HTTP de moncommissariat. Erreurs : {error: {code, message}}.",
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
