"""PynamoDB models, one module per aggregate. Only this package and push.py talk to AWS."""

from chalicelib.models.base import bind_models, registered_models
from chalicelib.models.connection import Connection
from chalicelib.models.conversation import Conversation, Message, MessageId
from chalicelib.models.counter import DailyCounter
from chalicelib.models.feedback import ChatSurvey, NonUserSurvey, Volunteer
from chalicelib.models.officer import CannedResponse, Officer
from chalicelib.models.ratelimit import RateWindow
from chalicelib.models.report import (
    ReportContact,
    ReportEvent,
    ReportItem,
    ReportPhoto,
    SpotItem,
)

__all__ = [
    "CannedResponse",
    "ChatSurvey",
    "Connection",
    "Conversation",
    "DailyCounter",
    "Message",
    "MessageId",
    "NonUserSurvey",
    "Officer",
    "RateWindow",
    "ReportContact",
    "ReportEvent",
    "ReportItem",
    "ReportPhoto",
    "SpotItem",
    "Volunteer",
    "bind_models",
    "registered_models",
]
