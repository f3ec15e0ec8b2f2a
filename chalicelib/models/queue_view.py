"""The waiting queue as the fan-out last read it, and the lease that keeps fan-outs one at a time.

One item (``name = "waiting"``) in the ``queue`` table:

- ``version`` is taken (+1) by every fan-out when it starts: the ``version`` of the ``queue``
  frames it sends, strictly increasing, so a client drops a frame older than one it applied;
- ``lease_until`` is set while a fan-out runs (released when it publishes, or when it expires
  if the fan-out died): a second fan-out waits for it rather than interleave its pushes;
- the figures (``waiting``, ``urgent``, ``oldest_enqueued_at``, ``head`` = the first 50,
  ``slots``, ``handle_seconds``…) are what the fan-out read, published with its version:
  officers' queue view, the public status and the dashboard read them with one GetItem
  instead of reading the waiting queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import ConditionFailed, plain, refused_on_condition, register

VIEW = "waiting"
HEAD_SIZE = 50


@register("queue")
class QueueView(Model):
    """The published view of the waiting queue and the fan-out's lease."""

    class Meta:
        table_name = "queue"

    name = UnicodeAttribute(hash_key=True)
    version = NumberAttribute(default=0)
    lease_until = NumberAttribute(null=True)
    published = NumberAttribute(default=0)
    read_at = NumberAttribute(default=0)
    waiting = NumberAttribute(default=0)
    urgent = NumberAttribute(default=0)
    oldest_enqueued_at = NumberAttribute(null=True)
    officers_online = NumberAttribute(default=0)
    slots = NumberAttribute(default=0)
    handle_seconds = NumberAttribute(default=0)
    # The first conversations of the queue: conversation_id, topic, urgent, enqueued_at.
    head = ListAttribute(of=MapAttribute, default=list)

    def head_list(self) -> list[dict[str, Any]]:
        """The first waiting conversations, in queue order, as plain dicts."""
        items: Any = self.head or []
        return [plain(item) for item in items]


@dataclass(frozen=True)
class Lease:
    """A fan-out's turn: its version, and the version published before it."""

    version: int
    previous: int


@dataclass(frozen=True)
class Figures:
    """What a fan-out read of the queue, published for readers that must not read it."""

    read_at: float
    waiting: int
    urgent: int
    oldest_enqueued_at: float | None
    officers_online: int
    slots: int
    handle_seconds: float
    head: list[dict[str, Any]]


def take_lease(at: float, seconds: float) -> Lease | None:
    """Start a fan-out: take the next version and the lease, or None while another runs."""
    item = QueueView(VIEW)
    try:
        with refused_on_condition():
            item.update(
                actions=[QueueView.version.add(1), QueueView.lease_until.set(at + seconds)],
                condition=QueueView.lease_until.does_not_exist() | (QueueView.lease_until < at),
            )
    except ConditionFailed:
        return None
    return Lease(int(item.version), int(item.published or 0))


def publish(lease: Lease, figures: Figures) -> bool:
    """Publish what the fan-out read and release its lease.

    False (nothing written) when the lease expired and a later fan-out took the next
    version: its figures are newer.
    """
    try:
        with refused_on_condition():
            QueueView(VIEW).update(
                actions=[
                    QueueView.published.set(lease.version),
                    QueueView.read_at.set(figures.read_at),
                    QueueView.waiting.set(figures.waiting),
                    QueueView.urgent.set(figures.urgent),
                    (
                        QueueView.oldest_enqueued_at.set(figures.oldest_enqueued_at)
                        if figures.oldest_enqueued_at is not None
                        else QueueView.oldest_enqueued_at.remove()
                    ),
                    QueueView.officers_online.set(figures.officers_online),
                    QueueView.slots.set(figures.slots),
                    QueueView.handle_seconds.set(figures.handle_seconds),
                    QueueView.head.set(figures.head[:HEAD_SIZE]),  # type: ignore[arg-type]
                    QueueView.lease_until.remove(),
                ],
                condition=QueueView.version == lease.version,
            )
    except ConditionFailed:
        return False
    return True


def release(lease: Lease) -> None:
    """Give the lease back without publishing (the fan-out failed)."""
    try:
        with refused_on_condition():
            QueueView(VIEW).update(
                actions=[QueueView.lease_until.remove()],
                condition=QueueView.version == lease.version,
            )
    except ConditionFailed:
        pass  # expired and taken meanwhile: nothing of ours to release


def read() -> QueueView | None:
    """The published view (one GetItem), or None before the first fan-out."""
    try:
        return QueueView.get(VIEW)
    except QueueView.DoesNotExist:
        return None
