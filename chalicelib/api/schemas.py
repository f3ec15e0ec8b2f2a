"""Pydantic models of the public edge routes (imported lazily: see chalicelib/api/openapi.py)."""

from __future__ import annotations

from pydantic import BaseModel


class Health(BaseModel):
    status: str
    version: str
    stage: str
