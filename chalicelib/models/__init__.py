"""PynamoDB models, one module per aggregate. Only this package and push.py talk to AWS."""

from chalicelib.models.base import bind_models, registered_models
from chalicelib.models.connection import Connection

__all__ = ["Connection", "bind_models", "registered_models"]
