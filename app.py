"""moncommissariat: the Chalice app. Routes and handlers only; the work is in chalicelib/.

HTTP: each blueprint of chalicelib/api/ declares its routes. WebSocket: the three decorators
must live here (they do not work on a Blueprint in chalice 1.34); they hand API Gateway's
events to chalicelib/websocket/edge.py, and frames are dispatched by the table in
chalicelib/websocket/routes.py. docs/architecture.md follows a request and a frame through.
"""

from __future__ import annotations

from typing import Any

from chalice.app import Chalice

from chalicelib.api.authorizer import authorizer
from chalicelib.api.chat import chat_api
from chalicelib.api.feedback import feedback
from chalicelib.api.officer_chat import officer_chat
from chalicelib.api.public import public
from chalicelib.api.reports import reports
from chalicelib.config import settings
from chalicelib.observability import flush_metrics, logger
from chalicelib.websocket import edge

app = Chalice(app_name="moncommissariat")
app.experimental_feature_flags.update(["WEBSOCKETS"])
app.register_blueprint(authorizer)
app.register_blueprint(public.blueprint)
app.register_blueprint(chat_api.blueprint)
app.register_blueprint(officer_chat.blueprint)
app.register_blueprint(reports.blueprint)
app.register_blueprint(feedback.blueprint)


@app.middleware("all")
def correlation(event: Any, get_response: Any) -> Any:
    """Tie every log line of an invocation (HTTP, WebSocket, schedule) to its request id."""
    raw = event.to_dict() if hasattr(event, "to_dict") else {}
    context = raw.get("requestContext") or {}
    request_id = context.get("requestId") or raw.get("id")
    logger.set_correlation_id(request_id)
    logger.append_keys(
        route=context.get("routeKey") or context.get("resourcePath"), stage=settings().stage
    )
    try:
        return get_response(event)
    finally:
        flush_metrics()
        logger.remove_keys(["route"])


@app.on_ws_connect()
def ws_connect(event: Any) -> dict[str, Any]:
    return edge.on_connect(event.to_dict())


@app.on_ws_message()
def ws_message(event: Any) -> dict[str, Any]:
    # The dispatch table (frame type -> model, handler), imported on the first message only:
    # its models are pydantic, which $connect and $disconnect never need.
    from chalicelib.websocket.routes import FRAMES

    return edge.on_message(event.to_dict(), FRAMES)


@app.on_ws_disconnect()
def ws_disconnect(event: Any) -> dict[str, Any]:
    return edge.on_disconnect(event.to_dict())


@app.schedule("rate(1 minute)")
def chat_sweeper(event: Any) -> dict[str, int]:
    """Abandon vanished citizens, requeue vanished officers' chats, assign, refresh positions."""
    from chalicelib.chat.lifecycle import sweep

    return sweep()


# Every change of the waiting queue sends one small message to this SQS queue; Lambda's
# event source gathers them over a window and the fan-out tells every waiting citizen
# where they stand, off the request paths (docs/architecture.md: queue positions).
@app.on_sqs_message(
    queue=settings().queue_events_name,
    batch_size=1000,
    maximum_batching_window_in_seconds=settings().queue_batching_window_seconds,
    maximum_concurrency=settings().fanout_concurrency,
    name="queue_fanout",
)
def queue_fanout(event: Any) -> dict[str, int]:
    from chalicelib.chat.fanout import fan_out

    return fan_out(record.body for record in event)
