"""HTTP edge helpers: reading bodies and query strings, the one error mapping, answers,
who is calling (the officer, the citizen's address)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from chalice.app import Request, Response

from chalicelib import jsonbody, keys
from chalicelib.auth import OfficerIdentity
from chalicelib.auth import client_address as auth_client_address
from chalicelib.config import settings
from chalicelib.errors import (
    DomainError,
    Forbidden,
    InvalidInput,
    InvalidJson,
    PayloadTooLarge,
    Unauthorized,
)
from chalicelib.fields import validate
from chalicelib.observability import logger

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")
F = TypeVar("F", bound=Callable[..., Any])

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
MAX_BODY_BYTES = 64 * 1024


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer of JSON-ready data."""
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={**JSON_HEADERS, **(headers or {})},
    )


def attachment(text: str, content_type: str, filename: str) -> Response:
    """A text file the browser saves (never cached: it holds personal data)."""
    return Response(
        body=text,
        status_code=200,
        headers={
            "Content-Type": f"{content_type}; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
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
    return jsonbody.decode(raw)


def read_body(request: Request, model: type[M]) -> M:
    """The JSON object body read by ``model`` (its ``from_body`` when it has one), or an
    error naming the bad fields."""
    data = read_json(request)
    if not isinstance(data, dict):
        raise InvalidInput("Un objet JSON est attendu.", field="body")
    reader: Callable[[dict[str, Any]], M] | None = getattr(model, "from_body", None)
    return reader(data) if reader is not None else validate(model, data)


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


ORIGIN_HEADER = "x-origin-verify"


class DirectAccess(Forbidden):
    code = "forbidden"
    default_message = "Accès direct à l'API refusé : passez par le site."


def require_origin(request: Request) -> None:
    """Refuse a request that did not come through CloudFront, when the stage says CloudFront
    proves itself with the origin secret (``ORIGIN_SECRET_ID``, chalicelib/keys.py)."""
    if keys.origin_required() and not keys.origin_verified(
        str(request.headers.get(ORIGIN_HEADER) or "")
    ):
        raise DirectAccess()


def client_address(request: Request) -> str:
    """The citizen's IP address, for rate limits (only ever stored as a keyed digest).

    ``X-Forwarded-For`` is only read when the request carries the origin secret, i.e. came
    through CloudFront, which appends the viewer's address (``TRUSTED_PROXY_HOPS`` = 1);
    otherwise the client is ``sourceIp``. A stage without an origin secret trusts no header.
    """
    identity = (request.context or {}).get("identity") or {}
    source = str(identity.get("sourceIp") or "")
    through_cdn = keys.origin_required() and keys.origin_verified(
        str(request.headers.get(ORIGIN_HEADER) or "")
    )
    hops = settings().trusted_proxy_hops if through_cdn else 0
    return auth_client_address(source, str(request.headers.get("x-forwarded-for") or ""), hops)
