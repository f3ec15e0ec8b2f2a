"""The officer authorizer, on a blueprint so every officer blueprint can reference it.

Use it as ``@bp.route(..., authorizer=officer_auth)``; the view then reads the
officer with ``current_officer(bp.current_request)``.
"""

from __future__ import annotations

from typing import Any

from chalice.app import AuthResponse, Blueprint

from chalicelib.auth import verify_officer_token
from chalicelib.errors import DomainError

authorizer = Blueprint(__name__)


@authorizer.authorizer(ttl_seconds=60)
def officer_auth(auth_request: Any) -> AuthResponse:
    """Officer routes: a valid Cognito JWT in the Authorization header (``Bearer`` allowed)."""
    try:
        officer = verify_officer_token(auth_request.token or "")
    except DomainError:
        return AuthResponse(routes=[], principal_id="anonymous")
    return AuthResponse(
        routes=["*"],
        principal_id=officer.officer_id,
        context={"username": officer.username, "groups": ",".join(sorted(officer.groups))},
    )
