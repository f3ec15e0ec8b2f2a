"""Public HTTP routes that need no identity: health."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.http import guarded, json_response
from chalicelib.api.openapi import document, operation
from chalicelib.config import settings

public = Blueprint(__name__)

operation(
    "GET",
    "/health",
    summary="État du service et version",
    tag="public",
    response="chalicelib.api.schemas:Health",
)


@public.route("/health", methods=["GET"], cors=True)
@guarded
def health() -> Response:
    """Liveness: the app answers and says which version it runs."""
    conf = settings()
    return json_response({"status": "ok", "version": conf.version, "stage": conf.stage})


operation("GET", "/openapi.json", summary="Ce document OpenAPI", tag="public")


@public.route("/openapi.json", methods=["GET"], cors=True)
@guarded
def openapi_document() -> Response:
    """The OpenAPI document of every HTTP route."""
    return json_response(document())
