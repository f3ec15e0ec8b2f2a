"""Fixed-window rate limits: one counter item per (limit, client, window), expired by TTL.

A hit is one conditional UpdateItem (``ADD hits 1`` if ``hits < limit``), so
concurrent Lambdas cannot overshoot a limit, and nothing but the counter is
touched. Clients are only ever stored as a keyed hash.
"""

from __future__ import annotations

import math

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.models import Model

from chalicelib.auth import hash_secret
from chalicelib.clock import now
from chalicelib.errors import RateLimited
from chalicelib.models.base import is_condition_failure, register


@register("ratelimits")
class RateWindow(Model):
    """Hits of one client against one limit during one window."""

    class Meta:
        table_name = "ratelimits"

    key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    ttl = NumberAttribute()


def hit(key: str, limit: int, expires_at: int) -> bool:
    """Count one hit on ``key``; False (and nothing counted) when ``limit`` is reached."""
    try:
        RateWindow(key).update(
            actions=[RateWindow.hits.add(1), RateWindow.ttl.set(expires_at)],
            condition=RateWindow.hits.does_not_exist() | (RateWindow.hits < limit),
        )
    except UpdateError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def enforce(name: str, subject: str, limit: int, window_seconds: int, message: str) -> str:
    """Count one request of ``subject`` against the limit ``name``; RateLimited when over.

    The answer's ``Retry-After`` is the time left in the current window. Returns the counter's
    key, for :func:`give_back`.
    """
    at = now()
    window = int(at // window_seconds)
    window_end = (window + 1) * window_seconds
    key = f"{name}#{hash_secret(name + ':' + subject)[:32]}#{window}"
    # The item outlives its window a little, so a late reader never sees a reset counter.
    if not hit(key, limit, expires_at=window_end + window_seconds):
        raise RateLimited(math.ceil(window_end - at), message)
    return key


def give_back(key: str) -> None:
    """Uncount a hit :func:`enforce` counted (a limit on failures only: the attempt
    succeeded). The same counter, even if its window ended meanwhile."""
    try:
        RateWindow(key).update(actions=[RateWindow.hits.add(-1)], condition=RateWindow.hits > 0)
    except UpdateError as error:
        if not is_condition_failure(error):
            raise
