"""Short codes: the hash of a code a citizen can read aloud → what it opens.

One item per code in the ``codes`` table, keyed by the SHA-256 of the normalised code
(chalicelib/auth.py: the code itself is never stored). ``kind`` says what it opens
(``conversation`` or ``report``) and ``target`` which one; a conversation's code also keeps
the conversation's resume token sealed under the code (AES-GCM), so that the code alone can
hand the token to a new tab or device. Written once, with a condition (a collision is
ConditionFailed: draw another code); read with one consistent GetItem.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.models import Model

from chalicelib.clock import now
from chalicelib.models.base import ConditionFailed, is_condition_failure, register


@register("codes")
class ShortCode(Model):
    """What one short code opens."""

    class Meta:
        table_name = "codes"

    code_hash = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()  # conversation | report
    target = UnicodeAttribute()  # the conversation id or the report id
    sealed = UnicodeAttribute(null=True)  # the conversation's resume token, sealed by the code
    created_at = NumberAttribute()
    ttl = NumberAttribute()


def short_code_item(
    code_hash: str, kind: str, target: str, ttl: int, sealed: str | None = None
) -> ShortCode:
    """A new code item (saved by :func:`create`, or in a report's transaction)."""
    return ShortCode(
        code_hash, kind=kind, target=target, sealed=sealed, created_at=int(now()), ttl=ttl
    )


def create(item: ShortCode) -> None:
    """Store a new code; ConditionFailed when that hash is taken already (draw again)."""
    try:
        item.save(condition=ShortCode.code_hash.does_not_exist())
    except PutError as error:
        if is_condition_failure(error):
            raise ConditionFailed(str(error)) from error
        raise


def get(code_hash: str) -> ShortCode | None:
    """What a code opens, or None (unknown, or past its TTL: moto never expires items)."""
    try:
        item = ShortCode.get(code_hash, consistent_read=True)
    except DoesNotExist:
        return None
    return item if float(item.ttl) > now() else None
