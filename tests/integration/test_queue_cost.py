"""Every request path costs the same whatever the number of waiting citizens (issue 11).

The same round of queue operations is counted twice on in-process moto — AWS calls, items
DynamoDB returned, frames pushed on the request itself — with ten citizens waiting, then
with sixty. The fan-out (positions, officers' view) runs off the request paths and is
not counted: it is delivered between the rounds only. `make bench` gives the same figures
at 10 and 1,000 waiting (``chat.ddb_calls.<op>@waiting…``).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from local import aws_calls
from tests.integration.chat_harness import (
    Client,
    RecordingSender,
    deliver_queue_events,
    install_recorder,
    officer_token,
    pin_moto_keys,
)
from tests.integration.moto_world import MotoAws

Figures = dict[str, tuple[Counter[str], int, int]]  # op -> (AWS calls, items read, pushes)


def _pushes(recorder: RecordingSender) -> int:
    return sum(len(frames) for frames in recorder.frames.values())


def _round(recorder: RecordingSender, agent: Client) -> Figures:
    """join, officer ping and hello, take_next, transfer back, close, cancel.

    A request reads at most the first few of the queue (five): with at least that many
    waiting, any number more must change nothing."""
    figures: Figures = {}

    def measure(op: str, client: Client, frame: dict[str, Any]) -> list[dict[str, Any]]:
        before = _pushes(recorder)
        with aws_calls.counting() as tally:
            answers = client.send(frame)
        assert not [a for a in answers if a["type"] == "error"], (op, answers)
        figures[op] = (tally.calls, tally.total_items_read(), _pushes(recorder) - before)
        deliver_queue_events()  # the fan-out, off the request path: not counted
        return answers

    citizen = Client(recorder, deliver=False)
    measure("join", citizen, {"type": "join", "topic": "vol", "text": "On m'a volé mon sac"})
    measure("officer_ping", agent, {"type": "ping"})
    measure("officer_hello", agent, {"type": "hello"})
    taken = measure("take_next", agent, {"type": "take_next"})
    cid = next(a for a in taken if a["type"] == "taken")["conversation_id"]
    measure("transfer", agent, {"type": "transfer", "conversation_id": cid, "note": "À orienter."})
    agent.send({"type": "take_next"})  # the same one, back at the head of its lane
    deliver_queue_events()
    measure("close", agent, {"type": "close", "conversation_id": cid, "outcome": "information"})
    measure("cancel", citizen, {"type": "end"})
    return figures


def test_queue_operations_cost_the_same_with_10_or_60_citizens_waiting(aws: MotoAws) -> None:
    pin_moto_keys()
    recorder = install_recorder()
    token = officer_token(aws, "officier1")
    agent = Client(recorder, {"role": "officer", "token": token}, deliver=False)
    # Away: takes conversations by hand, nothing is assigned to them.
    agent.send({"type": "presence", "status": "away"})
    waiting = [Client(recorder, deliver=False) for _ in range(60)]
    for client in waiting[:10]:
        client.send({"type": "join", "topic": "autre", "text": "Bonjour"})
    deliver_queue_events()
    few = _round(recorder, agent)
    for client in waiting[10:]:
        client.send({"type": "join", "topic": "autre", "text": "Bonjour"})
    deliver_queue_events()
    many = _round(recorder, agent)

    assert set(few) == {
        "join",
        "officer_ping",
        "officer_hello",
        "take_next",
        "transfer",
        "close",
        "cancel",
    }
    for op in few:
        assert many[op] == few[op], (op, few[op], many[op])
        calls = few[op][0]
        # Never a Scan, and no Query of the waiting queue without a limit (a read of it all
        # would return more items with 60 waiting than with 10: caught above).
        assert calls.get("dynamodb.Scan", 0) == 0, op


def _joined(client: Client, text: str) -> str:
    answers = client.send({"type": "join", "topic": "autre", "text": text})
    return str(next(a for a in answers if a["type"] == "joined")["conversation_id"])


def _assigned(answers: list[dict[str, Any]]) -> list[str]:
    return [
        a["conversation"]["conversation_id"]
        for a in answers
        if a["type"] == "conversation_assigned"
    ]


def test_a_join_takes_no_slot_from_the_citizens_before_it(aws: MotoAws) -> None:
    """A join is assigned at once only when it heads the queue: a slot free while others
    wait goes to the first of them (here by the fan-out)."""
    from chalicelib.clock import now
    from chalicelib.models import officer as officers

    pin_moto_keys()
    recorder = install_recorder()
    agent = Client(
        recorder, {"role": "officer", "token": officer_token(aws, "officier1")}, deliver=False
    )
    agent.send({"type": "hello"})
    agent.send({"type": "presence", "status": "away", "capacity": 2})
    earlier = _joined(Client(recorder, deliver=False), "Avant")
    deliver_queue_events()
    # Online with two free slots, written directly: no dispatch ran since.
    officer = next(o for o in officers.present())
    officers.set_status(officer, "online", now())
    agent.new()
    later = _joined(Client(recorder, deliver=False), "Après")
    assert _assigned(agent.new()) == []  # the newcomer did not take the earlier one's place
    deliver_queue_events()
    assert _assigned(agent.new()) == [earlier, later]
