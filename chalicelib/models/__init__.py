"""PynamoDB models, one module per aggregate. Only this package and push.py talk to AWS."""

from chalicelib.models.base import bind_models, registered_models
from chalicelib.models.connection import Connection
from chalicelib.models.conversation import Conversation, Message, MessageId
from chalicelib.models.counter import DailyCounter
from chalicelib.models.officer import CannedResponse, Officer

__all__ = [
    "CannedResponse",
    "Connection",
    "Conversation",
    "DailyCounter",
    "Message",
    "MessageId",
    "Officer",
    "bind_models",
    "registered_models",
]
