"""Public HTTP routes that need no identity: health, and the OpenAPI document itself."""

from __future__ import annotations

from chalice.app import Response

from chalicelib.api.http import json_response
from chalicelib.api.openapi import document
from chalicelib.api.routes import Routes
from chalicelib.config import settings
from chalicelib.fields import Answer

public = Routes(__name__, tag="public")


class Health(Answer):
    status: str
    version: str
    stage: str


@public.get("/health", summary="État du service et version", cors=True)
def health() -> Health:
    """Liveness: the app answers and says which version it runs."""
    conf = settings()
    return Health(status="ok", version=conf.version, stage=conf.stage)


@public.get("/openapi.json", summary="Ce document OpenAPI", cors=True)
def openapi_document() -> Response:
    """The OpenAPI document of every HTTP route."""
    return json_response(document())
