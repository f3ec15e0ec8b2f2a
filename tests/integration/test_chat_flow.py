"""The conversation lifecycle through the WebSocket handlers, on in-process moto."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.chat_harness import (
    Client,
    RecordingSender,
    install_recorder,
    officer_token,
    pin_moto_keys,
)
from tests.integration.moto_world import MotoAws


@pytest.fixture
def chat(aws: MotoAws) -> RecordingSender:
    pin_moto_keys()
    return install_recorder()


def officer(chat: RecordingSender, aws: MotoAws, username: str, online: bool = True) -> Client:
    client = Client(chat, {"role": "officer", "token": officer_token(aws, username)})
    assert client.status == 200
    if online:
        state = client.send({"type": "presence", "status": "online"})
        assert any(f["type"] == "officer_state" and f["status"] == "online" for f in state)
    return client


def citizen(
    chat: RecordingSender, topic: str = "vol", text: str | None = None
) -> tuple[Client, dict[str, Any]]:
    client = Client(chat)
    frame: dict[str, Any] = {"type": "join", "topic": topic}
    if text:
        frame["text"] = text
        frame["client_id"] = "first"
    frames = client.send(frame)
    joined = next(f for f in frames if f["type"] == "joined")
    return client, joined


def officer_then_citizen(
    chat: RecordingSender, aws: MotoAws, topic: str = "vol", text: str | None = None
) -> tuple[Client, Client, str]:
    """officier1 online, then a citizen joins and is assigned to them: both, and the
    conversation id."""
    agent = officer(chat, aws, "officier1")
    person, joined = citizen(chat, topic, text)
    return agent, person, joined["conversation_id"]


def test_a_citizen_waits_then_an_officer_going_online_gets_the_conversation(
    chat: RecordingSender, aws: MotoAws
) -> None:
    person, joined = citizen(chat, text="On m'a volé mon vélo")
    assert joined["status"] == "waiting"
    assert len(joined["token"]) >= 40
    queue_frames = person.of_type("queue")
    assert queue_frames and queue_frames[-1]["position"] == 1

    agent = officer(chat, aws, "officier1")
    assigned = agent.of_type("conversation_assigned")
    assert len(assigned) == 1
    conversation = assigned[0]["conversation"]
    assert conversation["conversation_id"] == joined["conversation_id"]
    assert [m["text"] for m in conversation["messages"] if m["sender"] == "citizen"] == [
        "On m'a volé mon vélo"
    ]
    assert person.of_type("assigned")


def test_messages_flow_both_ways_in_order_and_retries_are_idempotent(
    chat: RecordingSender, aws: MotoAws
) -> None:
    agent, person, cid = officer_then_citizen(chat, aws)
    ack = person.send({"type": "send", "client_id": "m1", "text": "Bonjour"})
    ack_frame = next(f for f in ack if f["type"] == "ack")
    retry = person.send({"type": "send", "client_id": "m1", "text": "Bonjour"})
    retry_ack = next(f for f in retry if f["type"] == "ack")
    assert retry_ack["seq"] == ack_frame["seq"]
    assert retry_ack["duplicate"] is True
    agent.send(
        {
            "type": "send",
            "conversation_id": cid,
            "client_id": "o1",
            "text": "Bonjour, je vous écoute.",
        }
    )
    texts = [(m["sender"], m["text"]) for m in person.messages() if m["kind"] == "message"]
    assert texts == [("citizen", "Bonjour"), ("officer", "Bonjour, je vous écoute.")]
    officer_seen = [f["text"] for f in agent.of_type("message") if f["sender"] == "citizen"]
    assert officer_seen == ["Bonjour"]


def test_urgent_conversations_go_ahead_and_get_the_emergency_numbers(
    chat: RecordingSender, aws: MotoAws
) -> None:
    first, _ = citizen(chat, "demarches")
    urgent, joined = citizen(chat, "autre", text="Au secours il me frappe")
    assert joined["urgent"] is True
    system = [m["text"] for m in urgent.messages() if m["kind"] == "system"]
    assert any("17" in t and "112" in t and "114" in t and "3919" in t for t in system)
    agent = officer(chat, aws, "officier1")
    got = [f["conversation"]["conversation_id"] for f in agent.of_type("conversation_assigned")]
    assert got[0] == joined["conversation_id"]
    assert first.of_type("queue")


def test_close_sends_the_outcome_links_and_survey_invitation(
    chat: RecordingSender, aws: MotoAws
) -> None:
    agent, person, cid = officer_then_citizen(chat, aws, "escroquerie")
    result = agent.send(
        {
            "type": "close",
            "conversation_id": cid,
            "outcome": "thesee",
            "links": [{"label": "Porter plainte", "url": "/fiches/porter-plainte/"}],
        }
    )
    assert any(f["type"] == "ok" for f in result)
    closed = person.of_type("closed")
    assert closed and closed[0]["outcome"] == "thesee" and closed[0]["survey"] is True
    assert closed[0]["links"][0]["url"] == "/fiches/porter-plainte/"
    again = agent.send({"type": "close", "conversation_id": cid, "outcome": "autre"})
    assert any(f["type"] == "error" and f["code"] == "conversation_closed" for f in again)


def test_resume_returns_missed_messages_once_in_order(chat: RecordingSender, aws: MotoAws) -> None:
    agent = officer(chat, aws, "officier1")
    person, joined = citizen(chat)
    cid, token = joined["conversation_id"], joined["token"]
    person.send({"type": "send", "client_id": "a", "text": "un"})
    seen = max(m["seq"] for m in person.messages())
    person.disconnect()
    for n in range(3):
        agent.send(
            {"type": "send", "conversation_id": cid, "client_id": f"o{n}", "text": f"réponse {n}"}
        )
    again = Client(chat)
    frames = again.send(
        {"type": "resume", "conversation_id": cid, "token": token, "last_seq": seen}
    )
    assert frames[0]["type"] == "resumed"
    history = [m for f in frames if f["type"] == "history" for m in f["messages"]]
    assert [m["text"] for m in history if m["kind"] == "message"] == [
        "réponse 0",
        "réponse 1",
        "réponse 2",
    ]
    assert [m["seq"] for m in history] == sorted({m["seq"] for m in history})
    assert all(m["seq"] > seen for m in history)


def test_a_wrong_token_cannot_resume_someone_elses_conversation(chat: RecordingSender) -> None:
    _, joined = citizen(chat)
    intruder = Client(chat)
    frames = intruder.send(
        {
            "type": "resume",
            "conversation_id": joined["conversation_id"],
            "token": "x" * 43,
            "last_seq": 0,
        }
    )
    assert frames == [
        {
            "type": "error",
            "code": "conversation_not_found",
            "message": "Conversation introuvable ou lien de reprise invalide.",
        }
    ]


def test_officers_cannot_write_in_a_conversation_they_do_not_hold(
    chat: RecordingSender, aws: MotoAws
) -> None:
    holder = officer(chat, aws, "officier1")
    other = officer(chat, aws, "officier2", online=False)
    _, joined = citizen(chat)
    assert holder.of_type("conversation_assigned")
    frames = other.send(
        {
            "type": "send",
            "conversation_id": joined["conversation_id"],
            "client_id": "x",
            "text": "intrus",
        }
    )
    assert frames[-1]["type"] == "error" and frames[-1]["code"] == "not_your_conversation"


def test_citizen_message_rate_is_limited(chat: RecordingSender, monkeypatch: Any) -> None:
    person, _ = citizen(chat)
    codes = []
    for n in range(22):
        frames = person.send({"type": "send", "client_id": f"c{n}", "text": "hop"})
        codes.append(frames[-1].get("code") or frames[-1]["type"])
    assert codes.count("ack") == 20
    assert codes[-1] == "rate_limited"


def test_officer_sockets_need_a_valid_token(chat: RecordingSender, aws: MotoAws) -> None:
    assert Client(chat, {"role": "officer"}).status == 403
    assert Client(chat, {"role": "officer", "token": "a.b.c"}).status == 403
    assert Client(chat, {"role": "officer", "token": officer_token(aws, "officier1")}).status == 200


def test_a_resume_token_opens_at_most_three_sockets(chat: RecordingSender) -> None:
    _, joined = citizen(chat)
    answers = []
    for _ in range(3):
        frames = Client(chat).send(
            {
                "type": "resume",
                "conversation_id": joined["conversation_id"],
                "token": joined["token"],
                "last_seq": 0,
            }
        )
        answers.append(frames[0].get("code") or frames[0]["type"])
    # The joining socket is the first of three.
    assert answers == ["resumed", "resumed", "too_many_connections"]


def test_officer_connect_refuses_expired_forged_unsigned_and_foreign_tokens(
    chat: RecordingSender, aws: MotoAws
) -> None:
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    from chalicelib.clock import FrozenClock, SystemClock, use_clock
    from local.aws import DemoAccount, create_account, create_user_pool

    genuine = officer_token(aws, "officier1")
    claims = jwt.decode(genuine, options={"verify_signature": False})
    kid = jwt.get_unverified_header(genuine)["kid"]
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": kid})
    unsigned = jwt.encode(claims, key="", algorithm="none")
    cognito = aws.client("cognito-idp")
    pool, client_id = create_user_pool(cognito, "autre-pool")
    create_account(cognito, pool, DemoAccount("intrus", "Commissariat-2026!", ("officers",), "I"))
    foreign = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "intrus", "PASSWORD": "Commissariat-2026!"},
    )["AuthenticationResult"]["IdToken"]
    for token in (forged, unsigned, foreign, ""):
        assert Client(chat, {"role": "officer", "token": token}).status == 403
    assert Client(chat, {"role": "officer", "token": genuine}).status == 200
    use_clock(FrozenClock(start=claims["exp"] + 60))
    try:
        assert Client(chat, {"role": "officer", "token": genuine}).status == 403
    finally:
        use_clock(SystemClock())


def test_transfer_to_a_colleague_keeps_the_history_and_moves_the_load(
    chat: RecordingSender, aws: MotoAws
) -> None:
    from chalicelib.models import officer as officers
    from chalicelib.models.conversation import Conversation

    first, person, cid = officer_then_citizen(chat, aws, text="Bonjour")
    assert first.of_type("conversation_assigned")
    second = officer(chat, aws, "officier2", online=False)
    second.send({"type": "presence", "status": "away"})
    second_id = second.stored_officer_id()
    answer = first.send({"type": "transfer", "conversation_id": cid, "to_officer_id": second_id})
    assert any(f["type"] == "ok" for f in answer)
    assert [f["conversation_id"] for f in first.of_type("conversation_removed")] == [cid]
    moved = second.of_type("conversation_assigned")
    assert moved and moved[-1]["conversation"]["conversation_id"] == cid
    assert "Bonjour" in [m["text"] for m in moved[-1]["conversation"]["messages"]]
    assert any("autre policier" in m["text"] for m in person.messages() if m["kind"] == "system")
    stored = Conversation.get(cid, consistent_read=True)
    assert stored.officer_id == second_id
    assert [e["event"] for e in stored.history] == ["assigned", "transferred"]
    source = officers.get(first.stored_officer_id())
    target = officers.get(second_id)
    assert source is not None and target is not None
    assert (int(source.active_count), int(target.active_count)) == (0, 1)
    # The colleague answers; the first officer can no longer write there.
    refused = first.send(
        {"type": "send", "conversation_id": cid, "client_id": "x", "text": "encore moi"}
    )
    assert refused[-1]["code"] == "not_your_conversation"


def test_transfer_back_to_the_queue_and_to_an_unavailable_officer(
    chat: RecordingSender, aws: MotoAws
) -> None:
    from chalicelib.models.conversation import Conversation

    holder, _, cid = officer_then_citizen(chat, aws)
    offline = officer(chat, aws, "officier3", online=False)
    refused = holder.send(
        {"type": "transfer", "conversation_id": cid, "to_officer_id": offline.stored_officer_id()}
    )
    assert refused[-1]["code"] == "officer_unavailable"
    holder.send({"type": "presence", "status": "away"})  # so it is not reassigned at once
    answer = holder.send({"type": "transfer", "conversation_id": cid})
    assert any(f["type"] == "ok" for f in answer)
    stored = Conversation.get(cid, consistent_read=True)
    assert stored.status == "waiting" and stored.officer_id is None
    assert [e["event"] for e in stored.history] == ["assigned", "requeued"]


def test_a_transfer_note_reaches_the_next_officer_and_never_the_citizen(
    chat: RecordingSender, aws: MotoAws
) -> None:
    from chalice.test import Client as HttpClient

    import app
    from chalicelib.models.conversation import Conversation

    first, person, cid = officer_then_citizen(chat, aws, text="Bonjour")
    second = officer(chat, aws, "officier2", online=False)
    second.send({"type": "presence", "status": "away"})
    note = "Usager très inquiet, a déjà appelé le 17 : vérifier l'adresse."
    first.send(
        {
            "type": "transfer",
            "conversation_id": cid,
            "to_officer_id": second.stored_officer_id(),
            "note": note,
        }
    )
    moved = second.of_type("conversation_assigned")[-1]["conversation"]
    assert moved["notes"] == [
        {"at": moved["notes"][0]["at"], "by": "Agent Camille Martin", "text": note}
    ]
    # Given back to the queue with a second note: both stay, in order, for whoever is next.
    second.send({"type": "transfer", "conversation_id": cid, "note": "Rappel : pas de plainte."})
    stored = Conversation.get(cid, consistent_read=True)
    assert [e.get("note") for e in stored.history_list() if e.get("note")] == [
        note,
        "Rappel : pas de plainte.",
    ]
    # Never to the citizen: no frame, no message, no transcript line carries it.
    assert note not in json.dumps(person.all())
    token = person.of_type("joined")[0]["token"]
    with HttpClient(app.app) as http:
        transcript = http.http.get(
            f"/conversations/{cid}/transcript",
            headers={
                "X-Resume-Token": token,
                "X-Origin-Verify": aws.secret_value("ORIGIN_SECRET_ID"),
            },
        )
    text = transcript.body.decode() if isinstance(transcript.body, bytes) else transcript.body
    assert transcript.status_code == 200 and "Bonjour" in text
    assert note not in text and "pas de plainte" not in text


def test_an_urgent_conversation_is_offered_to_an_officer_at_capacity_who_may_take_one_more(
    chat: RecordingSender, aws: MotoAws
) -> None:
    from chalicelib.models import officer as officers

    agent = officer(chat, aws, "officier1")
    agent.send({"type": "presence", "status": "online", "capacity": 1})
    citizen(chat, "demarches", "Une procuration")  # fills the only slot
    assert len(agent.of_type("conversation_assigned")) == 1
    normal = agent.send({"type": "take_next"})
    assert normal[-1]["code"] == "at_capacity"
    nothing = agent.send({"type": "take_next", "priority": True})
    assert nothing[-1]["code"] == "queue_empty"

    agent.new()
    _, urgent = citizen(chat, "violences", "Il me menace")
    pushed = [f for f in agent.new() if f["type"] == "queue_state"]
    assert pushed and pushed[-1]["items"][0]["conversation_id"] == urgent["conversation_id"]
    assert pushed[-1]["items"][0]["urgent"] is True
    assert pushed[-1]["items"][0]["preview"] == "Il me menace"
    taken = agent.send({"type": "take_next", "priority": True})
    assert any(f["type"] == "taken" for f in taken)
    stored = officers.get(agent.stored_officer_id())
    assert stored is not None and (int(stored.active_count), int(stored.capacity)) == (2, 1)

    # One above the maximum, never two; and only for an urgent conversation.
    citizen(chat, "violences", "Au secours")
    again = agent.send({"type": "take_next", "priority": True})
    assert again[-1]["code"] == "at_capacity"


def test_a_conversation_given_back_goes_to_another_officer_unless_none_is_online(
    chat: RecordingSender, aws: MotoAws
) -> None:
    first = officer(chat, aws, "officier1", online=False)
    first.send({"type": "presence", "status": "away"})
    second = officer(chat, aws, "officier2", online=False)
    second.send({"type": "presence", "status": "away"})
    citizen(chat, "autre", "Première")
    second.send({"type": "take_next"})
    _, mine = citizen(chat, "vol", "Seconde")
    first.send({"type": "take_next"})
    cid = mine["conversation_id"]
    first.send({"type": "presence", "status": "online"})
    second.send({"type": "presence", "status": "online"})

    # officier1 now holds nothing, officier2 one: the least loaded would be officier1.
    answer = first.send({"type": "transfer", "conversation_id": cid})
    ok = next(f for f in answer if f["type"] == "ok")
    assert "alone" not in ok
    moved = second.of_type("conversation_assigned")
    assert [m["conversation"]["conversation_id"] for m in moved][-1] == cid
    assert [
        m["conversation"]["conversation_id"] for m in first.of_type("conversation_assigned")
    ] == [cid]

    # Alone online: given back all the same, and the console is told it may come back.
    second.send({"type": "presence", "status": "offline"})
    _, third = citizen(chat, "vol", "Troisième")
    alone = first.send({"type": "transfer", "conversation_id": third["conversation_id"]})
    assert next(f for f in alone if f["type"] == "ok").get("alone") is True


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"type": "join", "topic": "vol", "text": "x" * 2001}, "text"),
        ({"type": "join", "topic": "plage"}, "topic"),
        ({"type": "join", "topic": "vol", "text": "   "}, "text"),
        ({"type": "send", "client_id": "a b", "text": "ok"}, "client_id"),
        (
            {"type": "resume", "conversation_id": "<script>", "token": "t" * 43, "last_seq": 0},
            "conversation_id",
        ),
        (
            {"type": "resume", "conversation_id": "0" * 32, "token": "t" * 43, "last_seq": -1},
            "last_seq",
        ),
    ],
)
def test_bad_frames_are_refused_naming_the_field(
    chat: RecordingSender, frame: dict[str, Any], field: str
) -> None:
    answer = Client(chat).send(frame)
    assert answer[-1]["type"] == "error"
    assert answer[-1]["code"] == "invalid_input"
    assert answer[-1]["field"] == field


def test_an_oversized_frame_is_refused_and_nothing_is_stored(chat: RecordingSender) -> None:
    from chalicelib.models import conversation as conversations

    person, joined = citizen(chat)
    answer = person.send({"type": "send", "client_id": "big", "text": "x" * 40_000})
    assert answer[-1]["code"] == "invalid_input"
    assert [m.kind for m in conversations.messages_after(joined["conversation_id"], 0)] == []
