"""Transactions across a conversation and officers: claim, release, transfer.

Each is one TransactWrite. The conversation's status is a condition (exactly
one officer wins a waiting conversation) and each officer's load is updated
with an exact-match condition on the load it was read with (nobody exceeds
capacity, and the ``available`` index keys stay true).
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.models.base import ConditionFailed, cancelled_on_condition, transaction
from chalicelib.models.conversation import Conversation, history_action, queue_key
from chalicelib.models.officer import Officer, availability_actions

# « Prendre en priorité »: how many conversations above their capacity an officer may hold
# for urgent ones (docs/protocol.md).
PRIORITY_OVERFLOW = 1


class Contention(ConditionFailed):
    """A condition failed: ``conversation`` and/or ``officers`` changed meanwhile."""

    def __init__(self, failed: list[bool]) -> None:
        super().__init__("transaction condition failed")
        self.failed = failed

    @property
    def conversation_changed(self) -> bool:
        return bool(self.failed and self.failed[0])


def _load_actions(officer: Officer, new_count: int, at: float, *, assigned: bool) -> list[Any]:
    last = at if assigned else float(officer.last_assigned_at)
    actions = [Officer.active_count.set(new_count), Officer.updated_at.set(at)]
    if assigned:
        actions.append(Officer.last_assigned_at.set(at))
    # An officer whose sockets all dropped (``gone``) keeps their status for a return, but
    # a slot they free is not offered: the sweeper requeues their conversations.
    return actions + availability_actions(
        str(officer.status),
        new_count,
        int(officer.capacity),
        last,
        officer.officer_id,
        reachable=officer.gone_pk is None,
    )


def claim(
    conversation_id: str, officer: Officer, at: float, *, manual: bool, priority: bool = False
) -> None:
    """Give a waiting conversation to an officer with free capacity.

    ``priority`` (« prendre en priorité »): only an urgent conversation, and the officer may
    hold one more than their capacity for it (never two more)."""
    count = int(officer.active_count)
    overflow = PRIORITY_OVERFLOW if priority else 0
    officer_condition = (Officer.active_count == count) & (Officer.capacity > count - overflow)
    conversation_condition = Conversation.status == "waiting"
    if priority:
        conversation_condition &= Conversation.urgent == True  # noqa: E712 - a condition
    if manual:
        officer_condition &= Officer.status != "offline"
    else:
        # Assigned automatically: online, with a socket (whatever the index says).
        officer_condition &= (Officer.status == "online") & Officer.gone_pk.does_not_exist()
    try:
        with transaction() as tx:
            tx.update(
                Conversation(conversation_id),
                actions=[
                    Conversation.status.set("active"),
                    Conversation.officer_id.set(officer.officer_id),
                    Conversation.officer_name.set(officer.username),
                    Conversation.active_officer.set(officer.officer_id),
                    Conversation.assigned_at.set(at),
                    Conversation.first_assigned_at.set(Conversation.first_assigned_at | at),
                    Conversation.queue_pk.remove(),
                    Conversation.queue_sk.remove(),
                    Conversation.not_for.remove(),
                    history_action(
                        "assigned",
                        at,
                        officer=officer.officer_id,
                        manual=manual,
                        priority=priority or None,
                    ),
                ],
                condition=conversation_condition,
            )
            tx.update(
                officer,
                actions=_load_actions(officer, count + 1, at, assigned=True),
                condition=officer_condition,
            )
    except TransactWriteError as error:
        raise Contention(cancelled_on_condition(error)) from error


def _let_go(
    tx: TransactWrite, conversation_id: str, officer: Officer, at: float, actions: list[Any]
) -> None:
    """Add to ``tx``: ``actions`` on the active conversation ``officer`` holds, and one slot of
    theirs freed — each conditional on nothing having changed since they were read."""
    count = int(officer.active_count)
    tx.update(
        Conversation(conversation_id),
        actions=actions,
        condition=(Conversation.status == "active")
        & (Conversation.officer_id == officer.officer_id),
    )
    tx.update(
        officer,
        actions=_load_actions(officer, max(0, count - 1), at, assigned=False),
        condition=Officer.active_count == count,
    )


def _release(conversation_id: str, officer: Officer, at: float, actions: list[Any]) -> None:
    """Apply ``actions`` to an active conversation held by ``officer`` and free one slot."""
    try:
        with transaction() as tx:
            _let_go(tx, conversation_id, officer, at, actions)
    except TransactWriteError as error:
        raise Contention(cancelled_on_condition(error)) from error


def close(
    conversation_id: str, officer: Officer, at: float, outcome: str, links: list[dict[str, str]]
) -> None:
    """Close an active conversation held by ``officer`` and free their capacity."""
    _release(
        conversation_id,
        officer,
        at,
        [
            Conversation.status.set("closed"),
            Conversation.closed_at.set(at),
            Conversation.outcome.set(outcome),
            Conversation.links.set(links),  # type: ignore[arg-type]
            Conversation.active_officer.remove(),
            Conversation.gone_pk.remove(),
            Conversation.gone_at.remove(),
            history_action("closed", at, officer=officer.officer_id, outcome=outcome),
        ],
    )


def requeue(
    conversation: Conversation,
    officer: Officer,
    at: float,
    *,
    reason: str,
    note: str | None = None,
    not_for: str | None = None,
) -> None:
    """Put an active conversation back in the queue, at the head of its own lane (after the
    urgent ones when it is not urgent), and free the officer's slot; ``note``, for the next
    officer only, is kept in its history with the name of who wrote it; ``not_for``: the
    officer it is not offered to while another is online."""
    cid = conversation.conversation_id
    key = queue_key(
        urgent=bool(conversation.urgent),
        requeued=True,
        enqueued_at=float(conversation.enqueued_at),
        conversation_id=cid,
    )
    _release(
        cid,
        officer,
        at,
        [
            Conversation.status.set("waiting"),
            Conversation.queue_pk.set("waiting"),
            Conversation.queue_sk.set(key),
            Conversation.officer_id.remove(),
            Conversation.officer_name.remove(),
            Conversation.active_officer.remove(),
            Conversation.assigned_at.remove(),
            Conversation.not_for.set(not_for) if not_for else Conversation.not_for.remove(),
            history_action(
                "requeued",
                at,
                officer=officer.officer_id,
                reason=reason,
                note=note,
                by_name=officer.shown_name if note else None,
            ),
        ],
    )


def transfer(
    conversation_id: str, source: Officer, target: Officer, at: float, note: str | None = None
) -> None:
    """Move an active conversation from one officer to another with free capacity (``note``:
    see :func:`requeue`)."""
    target_count = int(target.active_count)
    try:
        with transaction() as tx:
            moved = [
                Conversation.officer_id.set(target.officer_id),
                Conversation.officer_name.set(target.username),
                Conversation.active_officer.set(target.officer_id),
                Conversation.assigned_at.set(at),
                history_action(
                    "transferred",
                    at,
                    officer=source.officer_id,
                    to=target.officer_id,
                    note=note,
                    by_name=source.shown_name if note else None,
                ),
            ]
            _let_go(tx, conversation_id, source, at, moved)
            tx.update(
                target,
                actions=_load_actions(target, target_count + 1, at, assigned=True),
                condition=(Officer.active_count == target_count)
                & (Officer.capacity > target_count)
                & (Officer.status != "offline"),
            )
    except TransactWriteError as error:
        raise Contention(cancelled_on_condition(error)) from error
