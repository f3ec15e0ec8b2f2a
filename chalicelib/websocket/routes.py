"""The one dispatch table of the WebSocket API: frame ``type`` → (model, handler).

API Gateway routes every frame to ``$default``; chalicelib/websocket/edge.py looks the
frame's ``type`` up here, validates it with the model, and calls the handler. To add a frame
type: its model in chalicelib/chat/inbound.py, its handler in chalicelib/websocket/chat.py,
its line here, its row in docs/protocol.md.

Imported by app.py on the first message only (the models are pydantic).
"""

from __future__ import annotations

from chalicelib.chat import inbound
from chalicelib.websocket import chat
from chalicelib.websocket.edge import Route

FRAMES: dict[str, Route] = {
    # both sides
    "ping": Route(inbound.Ping, chat.on_ping),
    "send": Route(inbound.Send, chat.on_send),
    "typing": Route(inbound.Typing, chat.on_typing),
    "read": Route(inbound.Read, chat.on_read),
    # citizens
    "join": Route(inbound.Join, chat.on_join),
    "resume": Route(inbound.Resume, chat.on_resume),
    "end": Route(inbound.End, chat.on_end),
    # officers
    "hello": Route(inbound.Hello, chat.on_hello),
    "presence": Route(inbound.Presence, chat.on_presence),
    "take_next": Route(inbound.TakeNext, chat.on_take_next),
    "close": Route(inbound.Close, chat.on_close),
    "transfer": Route(inbound.Transfer, chat.on_transfer),
}
