"""The one place where tests (and `make bench`) point the app's module-level state at new settings.

The app reads its settings once per process and keeps what it built from them (the models'
tables, the WebSocket sender, the token verifier); a test process changes settings between
tests, so each change goes through :func:`configure_app`.
"""

from __future__ import annotations

import os


def configure_app(env: dict[str, str]) -> None:
    """Apply settings to the app modules already imported in this process.

    The models are bound again only when the settings changed: binding drops PynamoDB's
    connections, and each new one builds a botocore session (about 0.1 s).
    """
    os.environ.update(env)
    from chalicelib import auth
    from chalicelib.config import reload_settings, settings
    from chalicelib.models import bind_models
    from chalicelib.websocket.push import use_sender

    before = settings()
    current = reload_settings()
    if current != before:
        bind_models(current)
    use_sender(None)
    auth.reset_verifier()
