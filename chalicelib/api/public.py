"""Public HTTP routes that need no identity: health."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.http import guarded, json_response
from chalicelib.config import settings

public = Blueprint(__name__)


@public.route("/health", methods=["GET"], cors=True)
@guarded
def health() -> Response:
    """Liveness: the app answers and says which version it runs."""
    conf = settings()
    return json_response({"status": "ok", "version": conf.version, "stage": conf.stage})
