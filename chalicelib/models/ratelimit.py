"""Rate limits and per-source chat slots, in the ``ratelimits`` table, expired by TTL.

Fixed windows: one counter item per (limit, client, window). A hit is one conditional
UpdateItem (``ADD hits 1`` if ``hits < limit``), so concurrent Lambdas cannot overshoot a
limit, and nothing but the counter is touched.

Chat slots: one item per chat source listing its waiting conversations (slot id →
conversation id, or ``pending:<epoch>`` while the join runs), written optimistically on a
``version`` number, so that two joins from one source cannot both take the last slot.

Clients are only ever stored as keyed digests (HMAC, chalicelib/keys.py): a key is
``<limit>#<digest>#<window>``, never an address, and without the stage's key a digest cannot
be tied back to one.
"""

from __future__ import annotations

import math

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.models import Model

from chalicelib.clock import now
from chalicelib.errors import RateLimited
from chalicelib.keys import client_digest
from chalicelib.models.base import ConditionFailed, is_condition_failure, plain, register


@register("ratelimits")
class RateWindow(Model):
    """Hits of one client against one limit during one window."""

    class Meta:
        table_name = "ratelimits"

    key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    ttl = NumberAttribute()


@register("ratelimits")
class SourceSlots(Model):
    """The conversations one chat source has in the queue, by slot."""

    class Meta:
        table_name = "ratelimits"

    key = UnicodeAttribute(hash_key=True)
    slots = MapAttribute(default=dict)  # type: ignore[var-annotated]
    version = NumberAttribute(default=0)
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


def _window(name: str, subject: str, window_seconds: int, at: float) -> tuple[str, int]:
    """The counter key of ``subject`` for limit ``name`` in the window of ``at``, and the
    window's end."""
    window = int(at // window_seconds)
    return f"{name}#{client_digest(name, subject)}#{window}", (window + 1) * window_seconds


def over_limit(name: str, subject: str, limit: int, window_seconds: int) -> int | None:
    """Count one request of ``subject`` against the limit ``name``: None when counted, else
    the seconds left in the window (nothing counted)."""
    at = now()
    key, window_end = _window(name, subject, window_seconds, at)
    # The item outlives its window a little, so a late reader never sees a reset counter.
    if hit(key, limit, expires_at=window_end + window_seconds):
        return None
    return max(1, math.ceil(window_end - at))


def enforce(name: str, subject: str, limit: int, window_seconds: int, message: str) -> None:
    """Count one request of ``subject`` against the limit ``name``; RateLimited when over.

    The answer's ``Retry-After`` is the time left in the current window.
    """
    retry_after = over_limit(name, subject, limit, window_seconds)
    if retry_after is not None:
        raise RateLimited(retry_after, message)


def tally(name: str, subject: str, window_seconds: int) -> int:
    """Count one event of ``subject`` under ``name`` in the current window (no limit);
    returns the window's count so far, this one included."""
    at = now()
    key, window_end = _window(name, subject, window_seconds, at)
    item = RateWindow(key)
    item.update(actions=[RateWindow.hits.add(1), RateWindow.ttl.set(window_end + window_seconds)])
    return int(item.hits)


# -- chat sources ------------------------------------------------------------------------


def _slots_key(source: str) -> str:
    return f"chat-waiting#{client_digest('chat-waiting', source)}"


def source_slots(source: str) -> tuple[dict[str, str], int]:
    """The slots of a chat source (slot id → conversation id or ``pending:<epoch>``) and
    the version they were read at (0: none yet)."""
    try:
        item = SourceSlots.get(_slots_key(source), consistent_read=True)
    except DoesNotExist:
        return {}, 0
    if float(item.ttl) <= now():
        return {}, int(item.version or 0)
    return {str(k): str(v) for k, v in plain(item.slots).items()}, int(item.version or 0)


def write_slots(source: str, slots: dict[str, str], version: int, expires_at: int) -> None:
    """Replace a source's slots if nobody wrote them since ``version`` was read;
    ConditionFailed otherwise."""
    condition = (
        SourceSlots.version.does_not_exist() | (SourceSlots.version == 0)
        if version == 0
        else SourceSlots.version == version
    )
    try:
        SourceSlots(_slots_key(source)).update(
            actions=[
                SourceSlots.slots.set(slots),
                SourceSlots.version.set(version + 1),
                SourceSlots.ttl.set(expires_at),
            ],
            condition=condition,
        )
    except UpdateError as error:
        if is_condition_failure(error):
            raise ConditionFailed(str(error)) from error
        raise


def set_slot(source: str, slot: str, value: str | None) -> None:
    """Fill a reserved slot (a conversation id), or free it (None)."""
    action = (
        SourceSlots.slots[slot].remove() if value is None else SourceSlots.slots[slot].set(value)
    )
    try:
        SourceSlots(_slots_key(source)).update(
            actions=[action, SourceSlots.version.add(1)],
            condition=SourceSlots.slots.exists(),
        )
    except UpdateError as error:
        if not is_condition_failure(error):
            raise
