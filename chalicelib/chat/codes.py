"""A conversation's short code: come back to it from any tab or device.

At join the citizen is given a code of 10 symbols (chalicelib/auth.py: an alphabet without
0/O/1/I/L, shown « K7MQ2-XH9PD », 49.5 bits). Only its hash is stored (the ``codes`` table,
chalicelib/models/short_code.py), with the conversation id and the resume token sealed under
the code: a new tab that types the code gets the token back and is from then on like the
tab that joined (reconnects, transcript, survey), without counting against the lookup limit.

A code opens its conversation while it is open and for ``RESUME_CODE_HOURS_AFTER_CLOSE``
hours after it ended (``DEFERRED_ANSWER_DAYS`` days for a message left while the service was
closed: the answer is read later). Lookups are limited per client — a wrong code is counted,
a right one is given back (:func:`chalicelib.models.ratelimit.give_back`) — and every wrong,
expired or malformed code is the same ConversationNotFound: no hint which.
"""

from __future__ import annotations

from chalicelib.auth import (
    display_short_code,
    hash_short_code,
    new_short_code,
    normalise_short_code,
    seal_with_code,
    unseal_with_code,
)
from chalicelib.chat.errors import ConversationNotFound
from chalicelib.clock import now
from chalicelib.config import settings
from chalicelib.models import ConditionFailed, ratelimit
from chalicelib.models import conversation as conversations
from chalicelib.models import short_code as store
from chalicelib.models.conversation import Conversation

CODE_LENGTH = 10
KIND = "conversation"
ATTEMPTS = 5
OPEN = ("waiting", "active")
TOO_MANY_LOOKUPS = (
    "Trop de codes essayés en peu de temps. Vérifiez le code et réessayez dans quelques minutes."
)


def issue(conversation: Conversation, token: str) -> str:
    """Give a new conversation its short code (shown grouped: « K7MQ2-XH9PD »)."""
    for _ in range(ATTEMPTS):
        code = new_short_code(CODE_LENGTH)
        item = store.short_code_item(
            hash_short_code(code),
            KIND,
            conversation.conversation_id,
            ttl=int(conversation.ttl),
            sealed=seal_with_code(token, code),
        )
        try:
            store.create(item)
        except ConditionFailed:
            continue  # 2^-49 per draw: another code is drawn
        return display_short_code(code)
    raise RuntimeError("no free short code after several draws")  # pragma: no cover


def still_open(conversation: Conversation, at: float) -> bool:
    """Whether a conversation's code still opens it at ``at``."""
    if float(conversation.ttl) <= at:
        return False
    if conversation.status in OPEN or not conversation.closed_at:
        return True
    conf = settings()
    grace = (
        conf.deferred_answer_days * 86400
        if conversation.deferred
        else conf.resume_code_hours_after_close * 3600
    )
    return at < float(conversation.closed_at) + grace


def open_with(code: str, client: str) -> tuple[str, str]:
    """The conversation id and resume token a short code opens, for ``client`` (a source
    address, only ever stored as a keyed hash). ConversationNotFound for any wrong, expired or
    malformed code; RateLimited once the client has tried too many wrong ones."""
    conf = settings()
    counted = ratelimit.enforce(
        "code-lookup",
        client,
        conf.code_lookups_per_client_per_window,
        conf.code_lookup_window_seconds,
        TOO_MANY_LOOKUPS,
    )
    normal = normalise_short_code(code, CODE_LENGTH)
    item = store.get(hash_short_code(normal)) if normal else None
    token = unseal_with_code(item.sealed, normal) if item and item.sealed and normal else None
    conversation = conversations.get(item.target) if item and token else None
    if (
        item is None
        or item.kind != KIND
        or token is None
        or conversation is None
        or not still_open(conversation, now())
    ):
        raise ConversationNotFound("Aucune conversation ne correspond à ce code.")
    ratelimit.give_back(counted)
    return conversation.conversation_id, token
