"""HTTP edge helpers: reading bodies with pydantic, the one error mapping, JSON answers."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from chalice.app import Request, Response

from chalicelib.auth import OfficerIdentity
from chalicelib.errors import (
    DomainError,
    Forbidden,
    InvalidInput,
    InvalidJson,
    PayloadTooLarge,
    Unauthorized,
    from_validation_error,
)
from chalicelib.observability import logger

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")
F = TypeVar("F", bound=Callable[..., Any])

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
MAX_BODY_BYTES = 64 * 1024


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer (pydantic models are dumped by alias, without None)."""
    if hasattr(body, "model_dump"):
        body = body.model_dump(mode="json", by_alias=True, exclude_none=True)
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={**JSON_HEADERS, **(headers or {})},
    )


def error_response(error: DomainError) -> Response:
    """The one mapping of a domain error to HTTP."""
    return json_response({"error": error.payload()}, error.status, error.headers)


def guarded(view: F) -> F:
    """Map domain and validation errors of a view to 4xx JSON; anything else to a logged 500."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            return error_response(error)
        except Exception:
            logger.exception("unhandled error in view")
            return json_response(
                {
                    "error": {
                        "code": "internal_error",
                        "message": "Une erreur interne est survenue. Réessayez plus tard.",
                    }
                },
                500,
            )

    return wrapper  # type: ignore[return-value]


def read_json(request: Request) -> Any:
    """The parsed JSON body, or InvalidJson / PayloadTooLarge."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    if not raw.strip():
        raise InvalidJson("Le corps de la requête est vide : un objet JSON est attendu.")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidJson() from error


def validate(model: type[M], data: Any) -> M:
    """``data`` validated by ``model``, or InvalidInput naming every bad field."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise from_validation_error(error) from error


def read_body(request: Request, model: type[M]) -> M:
    """The JSON body validated by ``model``, or an error naming the bad fields."""
    data = read_json(request)
    if not isinstance(data, dict):
        raise InvalidInput("Un objet JSON est attendu.", field="body")
    return validate(model, data)


def read_query(request: Request, model: type[M]) -> M:
    """Query string parameters validated by ``model``."""
    return validate(model, dict(request.query_params or {}))


def current_officer(request: Request) -> OfficerIdentity:
    """The officer the authorizer let through (its context travels with the request)."""
    context = (request.context or {}).get("authorizer") or {}
    officer_id = context.get("principalId") or context.get("officer_id")
    if not officer_id:
        raise Unauthorized()
    groups = frozenset(filter(None, str(context.get("groups", "")).split(",")))
    return OfficerIdentity(
        officer_id=str(officer_id), username=str(context.get("username", "")), groups=groups
    )


def require_supervisor(officer: OfficerIdentity) -> None:
    """Refuse a route reserved to supervisors."""
    if not officer.is_supervisor:
        raise Forbidden("Réservé aux superviseurs.")
