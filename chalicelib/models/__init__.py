"""PynamoDB models, one module per aggregate. Only this package and chalicelib/websocket/push.py
talk to AWS; callers get plain values or ConditionFailed, never a PynamoDB exception."""

from chalicelib.models.base import ConditionFailed, bind_models, registered_models
from chalicelib.models.canned import CannedResponse
from chalicelib.models.connection import Connection
from chalicelib.models.conversation import Conversation, Message, MessageId
from chalicelib.models.counter import DailyCounter
from chalicelib.models.feedback import ChatSurvey, NonUserSurvey, Volunteer
from chalicelib.models.officer import Officer
from chalicelib.models.queue_view import QueueView
from chalicelib.models.ratelimit import RateWindow
from chalicelib.models.report import (
    ReportContact,
    ReportEvent,
    ReportItem,
    ReportPhoto,
    SpotItem,
)
from chalicelib.models.short_code import ShortCode

__all__ = [
    "CannedResponse",
    "ChatSurvey",
    "ConditionFailed",
    "Connection",
    "Conversation",
    "DailyCounter",
    "Message",
    "MessageId",
    "NonUserSurvey",
    "Officer",
    "QueueView",
    "RateWindow",
    "ReportContact",
    "ReportEvent",
    "ReportItem",
    "ReportPhoto",
    "ShortCode",
    "SpotItem",
    "Volunteer",
    "bind_models",
    "registered_models",
]
