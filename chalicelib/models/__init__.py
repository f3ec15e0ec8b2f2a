"""PynamoDB models, one module per aggregate. Only this package and push.py talk to AWS."""

from chalicelib.models.base import bind_models, registered_models
from chalicelib.models.connection import Connection
from chalicelib.models.counter import DailyCounter

__all__ = ["Connection", "DailyCounter", "bind_models", "registered_models"]
