"""Connection lifecycle shared by ``$disconnect`` and gone pushes.

Domains (chat) register a hook to learn that a socket went away, whatever
the way: a clean close, a vanished client, or a 410 on push.
"""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.models.connection import Connection, delete_connection
from chalicelib.observability import logger
from chalicelib.push import Target

ForgetHook = Callable[[Connection], None]

_hooks: list[ForgetHook] = []


def on_forget(hook: ForgetHook) -> ForgetHook:
    """Register ``hook(connection)``, called once when a stored connection is removed."""
    _hooks.append(hook)
    return hook


def forget(connection_id: str) -> None:
    """Delete a connection and tell the domains about it. Idempotent."""
    old = delete_connection(connection_id)
    if old is None:
        return
    for hook in _hooks:
        try:
            hook(old)
        except Exception:
            logger.exception("forget hook failed", extra={"connection_id": connection_id})


def target_of(connection: Connection) -> Target:
    """The push target of a stored connection."""
    return Target(connection.connection_id, connection.domain_name, connection.stage)
