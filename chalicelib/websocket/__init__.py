"""The WebSocket edge of the app, and the one way to push to a socket.

The path of a frame (docs/architecture.md):

- ``app.py`` wires API Gateway's three routes to :mod:`chalicelib.websocket.edge`:
  ``$connect`` (officers' JWT checked, the connection stored), ``$default`` (every frame),
  ``$disconnect`` (the connection forgotten, the chat told).
- :mod:`chalicelib.websocket.routes` is the one dispatch table: frame ``type`` → (pydantic
  model, handler). ``app.py`` imports it on the first message only.
- The handlers of the chat's frames are in :mod:`chalicelib.websocket.chat`: identify the
  sender, call the chat domain, answer with a frame built by ``chalicelib/chat/outbound.py``.
- :mod:`chalicelib.websocket.push` posts frames through API Gateway's management API; it
  imports nothing of the edge or of a domain.
"""
