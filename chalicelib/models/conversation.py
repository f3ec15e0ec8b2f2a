"""Conversations and their messages. State is keyed by conversation id, never by connection.

Indexes (all sparse: an item is in an index only while the attribute is set):
- ``queue``: waiting conversations, ``queue_pk = "waiting"``, sorted by ``queue_sk =
  <lane>#<turn>#<enqueued_at>#<id>``: lane 0 = urgent, 1 = normal; within a lane, turn 0 =
  put back in the queue (at the head of its lane), 1 = in arrival order. A conversation
  being created sits in the partition ``"joining"`` until its citizen has been told
  ``joined``: nothing that reads ``"waiting"`` (assignment, positions) can see it before.
- ``by_officer``: active conversations of an officer (``active_officer``, ``assigned_at``).
- ``by_day``: every conversation by creation day, for history pages.
- ``citizen_gone``: conversations whose citizen has no socket (``gone_pk``, ``gone_at``).
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import size
from pynamodb.expressions.update import Action
from pynamodb.indexes import (
    AllProjection,
    GlobalSecondaryIndex,
    IncludeProjection,
    KeysOnlyProjection,
)
from pynamodb.models import Model

from chalicelib.models.base import (
    ConditionFailed,
    cancelled_on_condition,
    plain,
    refused_on_condition,
    register,
    transaction,
)

QUEUE_PK = "waiting"
JOINING_PK = "joining"
GONE_PK = "gone"
LANE_URGENT, LANE_NORMAL = 0, 1
TURN_REQUEUED, TURN_ARRIVAL = 0, 1


class QueueIndex(GlobalSecondaryIndex["Conversation"]):
    class Meta:
        index_name = "queue"
        projection = IncludeProjection(["citizen_conns", "topic", "urgent", "enqueued_at"])

    queue_pk = UnicodeAttribute(hash_key=True)
    queue_sk = UnicodeAttribute(range_key=True)


class ByOfficerIndex(GlobalSecondaryIndex["Conversation"]):
    class Meta:
        index_name = "by_officer"
        projection = AllProjection()

    active_officer = UnicodeAttribute(hash_key=True)
    assigned_at = NumberAttribute(range_key=True)


class ByDayIndex(GlobalSecondaryIndex["Conversation"]):
    class Meta:
        index_name = "by_day"
        projection = IncludeProjection(
            [
                "status",
                "topic",
                "urgent",
                "officer_id",
                "outcome",
                "closed_at",
                "assigned_at",
                "last_seq",
            ]
        )

    created_day = UnicodeAttribute(hash_key=True)
    created_at = NumberAttribute(range_key=True)


class CitizenGoneIndex(GlobalSecondaryIndex["Conversation"]):
    class Meta:
        index_name = "citizen_gone"
        projection = KeysOnlyProjection()

    gone_pk = UnicodeAttribute(hash_key=True)
    gone_at = NumberAttribute(range_key=True)


@register("conversations")
class Conversation(Model):
    """One citizen's conversation, from the queue to its close."""

    class Meta:
        table_name = "conversations"

    conversation_id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute()  # waiting | active | closed | cancelled | abandoned
    topic = UnicodeAttribute()
    urgent = BooleanAttribute(default=False)
    # A message left while the service was closed: never abandoned, answered later.
    deferred = BooleanAttribute(null=True)
    token_hash = UnicodeAttribute()
    created_at = NumberAttribute()
    created_day = UnicodeAttribute()
    enqueued_at = NumberAttribute()
    queue_pk = UnicodeAttribute(null=True)
    queue_sk = UnicodeAttribute(null=True)
    officer_id = UnicodeAttribute(null=True)
    officer_name = UnicodeAttribute(null=True)
    active_officer = UnicodeAttribute(null=True)
    assigned_at = NumberAttribute(null=True)
    first_assigned_at = NumberAttribute(null=True)
    closed_at = NumberAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    links = ListAttribute(of=MapAttribute, null=True)
    last_seq = NumberAttribute(default=0)
    # connection id -> "domainName|stage" of each open citizen socket
    citizen_conns = MapAttribute(default=dict)  # type: ignore[var-annotated]
    gone_pk = UnicodeAttribute(null=True)
    gone_at = NumberAttribute(null=True)
    read_citizen = NumberAttribute(default=0)
    read_officer = NumberAttribute(default=0)
    rate_window = NumberAttribute(default=0)
    rate_count = NumberAttribute(default=0)
    typing_citizen_at = NumberAttribute(default=0)
    typing_officer_at = NumberAttribute(default=0)
    # The citizen's first message not answered yet (removed when the officer writes).
    awaiting_since = NumberAttribute(null=True)
    # The first words of the first message, for the officers' view of the queue.
    preview = UnicodeAttribute(null=True)
    # Given back to the queue by this officer: not offered to them while another is online.
    not_for = UnicodeAttribute(null=True)
    history = ListAttribute(of=MapAttribute, default=list)
    ttl = NumberAttribute()

    queue = QueueIndex()
    by_officer = ByOfficerIndex()
    by_day = ByDayIndex()
    citizen_gone = CitizenGoneIndex()

    def connections(self) -> dict[str, str]:
        """The citizen's open sockets: connection id -> ``domainName|stage``."""
        return {str(key): str(value) for key, value in plain(self.citizen_conns).items()}

    def link_list(self) -> list[dict[str, str]]:
        """The closing links (``label``, ``url``) as plain dicts."""
        links: Any = self.links or []
        return [{str(k): str(v) for k, v in plain(link).items()} for link in links]

    def history_list(self) -> list[dict[str, Any]]:
        """The lifecycle events (assigned, requeued, transferred, closed…) as plain dicts."""
        events: Any = self.history or []
        return [plain(event) for event in events]


@register("messages")
class Message(Model):
    """A message of a conversation, numbered by its per-conversation sequence."""

    class Meta:
        table_name = "messages"

    conversation_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)
    kind = UnicodeAttribute()  # message | system | closed | void
    sender = UnicodeAttribute()  # citizen | officer | system
    text = UnicodeAttribute(default="")
    client_id = UnicodeAttribute(null=True)
    officer_id = UnicodeAttribute(null=True)
    sent_at = NumberAttribute()
    data = MapAttribute(null=True)  # type: ignore[var-annotated]
    ttl = NumberAttribute()

    def data_dict(self) -> dict[str, Any] | None:
        """The system data of a message (closing details, emergency flag), if any."""
        return None if self.data is None else plain(self.data)


@register("message-ids")
class MessageId(Model):
    """Marks a client message id as used in a conversation: retries are idempotent."""

    class Meta:
        table_name = "message-ids"

    key = UnicodeAttribute(hash_key=True)  # <conversation_id>#<client_id>
    seq = NumberAttribute()
    ttl = NumberAttribute()


# -- operations ------------------------------------------------------------------

OPEN_STATUSES = ("waiting", "active")


def queue_key(*, urgent: bool, requeued: bool, enqueued_at: float, conversation_id: str) -> str:
    """Sort key in the queue index: the urgent lane before the normal one; within a lane, the
    conversations put back in the queue first, then arrival order."""
    lane = LANE_URGENT if urgent else LANE_NORMAL
    turn = TURN_REQUEUED if requeued else TURN_ARRIVAL
    return f"{lane}#{turn}#{enqueued_at:017.6f}#{conversation_id}"


def is_requeued(queue_sk: str | None) -> bool:
    """True for a key of a conversation put back at the head of its lane."""
    parts = (queue_sk or "").split("#")
    return len(parts) > 1 and parts[1] == str(TURN_REQUEUED)


def history_action(kind: str, at: float, **fields: Any) -> Action:
    """The update action appending one event to a conversation's history (None fields left out)."""
    event = {"event": kind, "at": at, **{k: v for k, v in fields.items() if v is not None}}
    return Conversation.history.set(Conversation.history.append([event]))


def add_history(conversation_id: str, kind: str, at: float, **fields: Any) -> None:
    """Append one event to an existing conversation's history."""
    with refused_on_condition():
        Conversation(conversation_id).update(
            actions=[history_action(kind, at, **fields)],
            condition=Conversation.conversation_id.exists(),
        )


def create(conversation: Conversation) -> None:
    """Store a new conversation (fails if the id exists)."""
    conversation.save(condition=Conversation.conversation_id.does_not_exist())


def get(conversation_id: str) -> Conversation | None:
    """A conversation, read strongly consistent, or None."""
    try:
        return Conversation.get(conversation_id, consistent_read=True)
    except Conversation.DoesNotExist:
        return None


def attach_citizen(
    conversation_id: str, connection_id: str, endpoint: str, max_connections: int
) -> Conversation:
    """Add a citizen socket; ConditionFailed past ``max_connections`` or when unknown."""
    conversation = Conversation(conversation_id)
    with refused_on_condition():
        conversation.update(
            actions=[
                Conversation.citizen_conns[connection_id].set(endpoint),
                Conversation.gone_pk.remove(),
                Conversation.gone_at.remove(),
            ],
            condition=Conversation.conversation_id.exists()
            & (size(Conversation.citizen_conns) < max_connections),
        )
    return conversation


def detach_citizen(conversation_id: str, connection_id: str, at: float) -> Conversation | None:
    """Remove a citizen socket; when none is left, mark the citizen gone (for the sweeper)."""
    conversation = Conversation(conversation_id)
    try:
        conversation.update(
            actions=[Conversation.citizen_conns[connection_id].remove()],
            condition=Conversation.conversation_id.exists(),
        )
    except UpdateError:
        return None
    if not conversation.connections() and conversation.status in OPEN_STATUSES:
        try:
            conversation.update(
                actions=[Conversation.gone_pk.set(GONE_PK), Conversation.gone_at.set(at)],
                condition=size(Conversation.citizen_conns) == 0,
            )
        except UpdateError:
            pass  # a new socket arrived meanwhile
    return conversation


def allocate_seq(
    conversation_id: str, *, officer_id: str | None, at: float, rate_limit: int | None
) -> Conversation:
    """Take the next sequence number of an open conversation, atomically.

    Citizens (``officer_id`` None) are limited to ``rate_limit`` messages per
    minute, counted in the same UpdateItem. Raises ConditionFailed when a
    condition fails; the caller reads the conversation to tell why.
    """
    conversation = Conversation(conversation_id)
    base = Conversation.status.is_in(*OPEN_STATUSES)
    if officer_id is not None:
        base &= Conversation.officer_id == officer_id
        with refused_on_condition():
            conversation.update(
                actions=[Conversation.last_seq.add(1), Conversation.awaiting_since.remove()],
                condition=base,
            )
        return conversation
    window = int(at // 60)
    limit = rate_limit or 1_000_000
    awaiting = Conversation.awaiting_since.set(Conversation.awaiting_since | at)
    try:
        conversation.update(
            actions=[Conversation.last_seq.add(1), Conversation.rate_count.add(1), awaiting],
            condition=base
            & (Conversation.rate_window == window)
            & (Conversation.rate_count < limit),
        )
    except UpdateError:
        with refused_on_condition():
            conversation.update(
                actions=[
                    Conversation.last_seq.add(1),
                    Conversation.rate_window.set(window),
                    Conversation.rate_count.set(1),
                    awaiting,
                ],
                condition=base & (Conversation.rate_window != window),
            )
    return conversation


def next_system_seq(conversation_id: str) -> Conversation:
    """Take the next sequence number for a system message (no rate limit, any status)."""
    conversation = Conversation(conversation_id)
    conversation.update(
        actions=[Conversation.last_seq.add(1)], condition=Conversation.conversation_id.exists()
    )
    return conversation


def store_message(message: Message) -> tuple[int, bool]:
    """Store a message at its sequence number. Returns (seq, duplicate).

    With a client id, a marker makes retries idempotent: a duplicate keeps the
    original's sequence number, and the number just allocated is filled with a
    ``void`` message so that sequences stay contiguous for resuming clients.
    """
    if not message.client_id:
        message.save(condition=Message.seq.does_not_exist())
        return int(message.seq), False
    marker = MessageId(
        f"{message.conversation_id}#{message.client_id}", seq=message.seq, ttl=message.ttl
    )
    try:
        with transaction() as tx:
            tx.save(marker, condition=MessageId.key.does_not_exist())
            tx.save(message, condition=Message.seq.does_not_exist())
    except TransactWriteError as error:
        failed = cancelled_on_condition(error)
        if not failed or not failed[0]:
            raise
        original = MessageId.get(marker.key, consistent_read=True)
        Message(
            message.conversation_id,
            message.seq,
            kind="void",
            sender="system",
            sent_at=message.sent_at,
            ttl=message.ttl,
        ).save()
        return int(original.seq), True
    return int(message.seq), False


def messages_after(conversation_id: str, after_seq: int, limit: int = 500) -> list[Message]:
    """Messages with ``seq > after_seq``, in order (strongly consistent)."""
    return list(
        Message.query(
            conversation_id,
            Message.seq > after_seq,
            consistent_read=True,
            scan_index_forward=True,
            limit=limit,
        )
    )


def message_page(
    conversation_id: str, after_seq: int, page_size: int
) -> tuple[list[Message], bool]:
    """One page of messages after ``after_seq`` and whether more follow."""
    result = Message.query(
        conversation_id, Message.seq > after_seq, scan_index_forward=True, limit=page_size + 1
    )
    items = list(result)
    return items[:page_size], len(items) > page_size


def enter_queue(conversation_id: str, queue_sk: str, at: float) -> bool:
    """Move a conversation from ``"joining"`` to the waiting queue, enqueued at ``at``.

    False when it is not joining any more (already queued, or ended meanwhile).
    """
    try:
        with refused_on_condition():
            Conversation(conversation_id).update(
                actions=[
                    Conversation.queue_pk.set(QUEUE_PK),
                    Conversation.queue_sk.set(queue_sk),
                    Conversation.enqueued_at.set(at),
                ],
                condition=(Conversation.queue_pk == JOINING_PK)
                & (Conversation.status == "waiting"),
            )
    except ConditionFailed:
        return False
    return True


def waiting(limit: int | None = None) -> list[Conversation]:
    """Waiting conversations in queue order (index projection: ids, topic, sockets).

    Without ``limit``, every page of the index: only the fan-out reads the whole queue,
    never a request path.
    """
    return list(Conversation.queue.query(QUEUE_PK, scan_index_forward=True, limit=limit))


def joining() -> list[Conversation]:
    """Conversations created but not yet in the queue (a join still being answered, or one
    whose Lambda stopped between the two writes: the sweeper queues those)."""
    return list(Conversation.queue.query(JOINING_PK))


def previews(conversation_ids: list[str]) -> dict[str, str]:
    """The ``preview`` of each conversation (one BatchGetItem of at most 100 keys, only that
    attribute): the queue index does not project it."""
    found: dict[str, str] = {}
    ids = list(dict.fromkeys(conversation_ids))[:100]
    if not ids:
        return found
    for item in Conversation.batch_get(ids, attributes_to_get=["conversation_id", "preview"]):
        if item.preview:
            found[item.conversation_id] = str(item.preview)
    return found


def active_of(officer_id: str) -> list[Conversation]:
    """The conversations an officer holds now."""
    return list(Conversation.by_officer.query(officer_id))


def citizens_gone_before(at: float) -> list[str]:
    """Ids of conversations whose citizen has had no socket since before ``at``."""
    return [
        item.conversation_id
        for item in Conversation.citizen_gone.query(GONE_PK, Conversation.gone_at < at)
    ]


def created_on(
    day: str, page_size: int, cursor: dict[str, Any] | None
) -> tuple[list[Conversation], dict[str, Any] | None]:
    """A page of the conversations created on ``day``, newest first."""
    result = Conversation.by_day.query(
        day, scan_index_forward=False, limit=page_size, last_evaluated_key=cursor
    )
    items = list(result)
    return items, result.last_evaluated_key


def leave_queue(conversation: Conversation, status: str, at: float) -> bool:
    """Take a waiting conversation out of the queue with its final ``status``.

    False when it was not waiting any more (assigned or ended meanwhile): nothing written.
    """
    try:
        with refused_on_condition():
            conversation.update(
                actions=[
                    Conversation.status.set(status),
                    Conversation.closed_at.set(at),
                    Conversation.queue_pk.remove(),
                    Conversation.queue_sk.remove(),
                    Conversation.gone_pk.remove(),
                    Conversation.gone_at.remove(),
                    history_action(status, at),
                ],
                condition=Conversation.status == "waiting",
            )
    except ConditionFailed:
        return False
    return True


def mark_typing(
    conversation_id: str, role: str, officer_id: str | None, at: float, throttle_seconds: int
) -> Conversation | None:
    """Record that ``role`` is typing, at most once per throttle period and side.

    None when throttled, closed, or (for an officer) not theirs: an indicator is not worth
    an error. One throttle per side: a citizen typing never hides the officer's indicator.
    """
    last = Conversation.typing_citizen_at if role == "citizen" else Conversation.typing_officer_at
    condition = Conversation.status.is_in(*OPEN_STATUSES) & (last < at - throttle_seconds)
    if role == "officer":
        condition &= Conversation.officer_id == officer_id
    conversation = Conversation(conversation_id)
    try:
        with refused_on_condition():
            conversation.update(actions=[last.set(at)], condition=condition)
    except ConditionFailed:
        return None
    return conversation


def mark_read(
    conversation_id: str, role: str, officer_id: str | None, seq: int
) -> Conversation | None:
    """Record that ``role`` has read up to ``seq``; None when already further, or not theirs."""
    attribute = Conversation.read_citizen if role == "citizen" else Conversation.read_officer
    condition = (attribute < seq) & (Conversation.last_seq >= seq)
    if role == "officer":
        condition &= Conversation.officer_id == officer_id
    conversation = Conversation(conversation_id)
    try:
        with refused_on_condition():
            conversation.update(actions=[attribute.set(seq)], condition=condition)
    except ConditionFailed:
        return None
    return conversation
