"""Transactions across a conversation and officers: claim, release, transfer.

Each is one TransactWrite. The conversation's status is a condition (exactly
one officer wins a waiting conversation) and each officer's load is updated
with an exact-match condition on the load it was read with (nobody exceeds
capacity, and the ``available`` index keys stay true).
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.models.base import ConditionFailed, cancelled_on_condition, transaction
from chalicelib.models.conversation import Conversation, history_action, queue_key
from chalicelib.models.officer import Officer, availability_actions


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


def claim(conversation_id: str, officer: Officer, at: float, *, manual: bool) -> None:
    """Give a waiting conversation to an officer with free capacity."""
    count = int(officer.active_count)
    officer_condition = (Officer.active_count == count) & (Officer.capacity > count)
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
                    history_action("assigned", at, officer=officer.officer_id, manual=manual),
                ],
                condition=Conversation.status == "waiting",
            )
            tx.update(
                officer,
                actions=_load_actions(officer, count + 1, at, assigned=True),
                condition=officer_condition,
            )
    except TransactWriteError as error:
        raise Contention(cancelled_on_condition(error)) from error


def _release(conversation_id: str, officer: Officer, at: float, actions: list[Any]) -> None:
    """Apply ``actions`` to an active conversation held by ``officer`` and free one slot."""
    count = int(officer.active_count)
    try:
        with transaction() as tx:
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


def requeue(conversation: Conversation, officer: Officer, at: float, *, reason: str) -> None:
    """Put an active conversation back in the queue, at the head of its own lane (after the
    urgent ones when it is not urgent), and free the officer's slot."""
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
            history_action("requeued", at, officer=officer.officer_id, reason=reason),
        ],
    )


def transfer(conversation_id: str, source: Officer, target: Officer, at: float) -> None:
    """Move an active conversation from one officer to another with free capacity."""
    source_count, target_count = int(source.active_count), int(target.active_count)
    try:
        with transaction() as tx:
            tx.update(
                Conversation(conversation_id),
                actions=[
                    Conversation.officer_id.set(target.officer_id),
                    Conversation.officer_name.set(target.username),
                    Conversation.active_officer.set(target.officer_id),
                    Conversation.assigned_at.set(at),
                    history_action(
                        "transferred", at, officer=source.officer_id, to=target.officer_id
                    ),
                ],
                condition=(Conversation.status == "active")
                & (Conversation.officer_id == source.officer_id),
            )
            tx.update(
                source,
                actions=_load_actions(source, max(0, source_count - 1), at, assigned=False),
                condition=Officer.active_count == source_count,
            )
            tx.update(
                target,
                actions=_load_actions(target, target_count + 1, at, assigned=True),
                condition=(Officer.active_count == target_count)
                & (Officer.capacity > target_count)
                & (Officer.status != "offline"),
            )
    except TransactWriteError as error:
        raise Contention(cancelled_on_condition(error)) from error
