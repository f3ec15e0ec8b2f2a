"""The citizen's journey around a conversation (issue 13): service hours and the closed state,
a message left while closed, the short code that reopens a conversation from another device,
its rate-limited lookups, and the transcript a citizen can bring to the commissariat."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from chalice.test import Client as HttpClient

import app
from tests.integration.chat_harness import (
    Client,
    RecordingSender,
    install_recorder,
    officer_token,
    pin_moto_keys,
)
from tests.integration.moto_world import MotoAws

PARIS = ZoneInfo("Europe/Paris")
# Wednesday 24 December 2025, 23:22 in Paris (22:22 UTC): outside weekday hours. (Moments in
# the past: the demo accounts' tokens are checked against the app's clock.)
CHRISTMAS_EVE_LATE = dt.datetime(2025, 12, 24, 23, 22, tzinfo=PARIS).timestamp()
WEEKDAY_HOURS = "mon-fri 08:00-20:00; sat 09:00-13:00"


@pytest.fixture
def chat(aws: MotoAws) -> RecordingSender:
    pin_moto_keys()
    return install_recorder()


def configure(with_settings: Any, **env: str) -> RecordingSender:
    """Change settings (configure_app resets the sender): a new recorder to read pushes."""
    with_settings(**env)
    pin_moto_keys()
    return install_recorder()


@pytest.fixture
def at_paris(clock: Any) -> Callable[[float], None]:
    """Put the app's frozen clock at a moment."""

    def move(moment: float) -> None:
        clock.advance(moment - clock.now())

    return move


def citizen(chat: RecordingSender, text: str | None = "Bonjour", topic: str = "vol") -> Client:
    client = Client(chat)
    frame: dict[str, Any] = {"type": "join", "topic": topic}
    if text:
        frame |= {"text": text, "client_id": "first"}
    client.send(frame)
    return client


def joined_of(client: Client) -> dict[str, Any]:
    return next(f for f in client.all() if f["type"] == "joined")


def officer(chat: RecordingSender, aws: MotoAws, username: str = "officier1") -> Client:
    client = Client(chat, {"role": "officer", "token": officer_token(aws, username)})
    client.send({"type": "presence", "status": "online"})
    return client


def status(aws: MotoAws) -> dict[str, Any]:
    """GET /status as CloudFront calls it (with the origin secret)."""
    with HttpClient(app.app) as http:
        origin = aws.secret_value("ORIGIN_SECRET_ID")
        response = http.http.get("/status", headers={"X-Origin-Verify": origin})
    assert response.status_code == 200
    return dict(json.loads(response.body))


# -- hours and the closed state ----------------------------------------------------------


def test_outside_the_hours_the_status_says_closed_with_the_next_opening_and_the_hours(
    chat: RecordingSender, aws: MotoAws, with_settings: Any, at_paris: Any
) -> None:
    configure(with_settings, CHAT_HOURS=WEEKDAY_HOURS)
    at_paris(CHRISTMAS_EVE_LATE)
    answer = status(aws)
    assert answer["open"] is False
    assert answer["within_hours"] is False
    # 25 December is a holiday: the next opening is Friday 26 at 8:00, Paris time.
    assert answer["next_opening"] == "2025-12-26T08:00:00+01:00"
    assert answer["hours"] == [
        "Du lundi au vendredi, de 8 h à 20 h.",
        "Le samedi, de 9 h à 13 h.",
        "Fermé le dimanche.",
        "Fermé les jours fériés.",
    ]
    assert answer["messages"] is False


def test_within_the_hours_the_chat_is_open_only_while_an_officer_is_on_duty(
    chat: RecordingSender, aws: MotoAws, with_settings: Any, at_paris: Any
) -> None:
    chat = configure(with_settings, CHAT_HOURS=WEEKDAY_HOURS)
    at_paris(dt.datetime(2025, 12, 23, 10, 0, tzinfo=PARIS).timestamp())  # a Tuesday
    nobody = status(aws)
    assert (nobody["within_hours"], nobody["open"], nobody["next_opening"]) == (True, False, None)
    agent = Client(chat, {"role": "officer", "token": officer_token(aws, "officier1")})
    agent.send({"type": "presence", "status": "away"})
    on_duty = status(aws)
    assert on_duty["open"] is True
    assert (on_duty["officers_on_duty"], on_duty["officers_online"]) == (1, 0)


def test_a_join_outside_the_hours_is_refused_with_the_reopening_and_the_emergency_numbers(
    chat: RecordingSender, aws: MotoAws, with_settings: Any, at_paris: Any
) -> None:
    chat = configure(with_settings, CHAT_HOURS=WEEKDAY_HOURS)
    at_paris(CHRISTMAS_EVE_LATE)
    person = citizen(chat, "Mon conjoint me menace", topic="violences")
    errors = person.of_type("error")
    assert [e["code"] for e in errors] == ["service_closed"]
    assert "vendredi 26 décembre à 8 h" in errors[0]["message"]
    assert "17" in errors[0]["message"] and "114" in errors[0]["message"]
    assert not person.of_type("joined")
    assert status(aws)["waiting"] == 0


def test_with_messages_offered_a_join_while_closed_is_a_message_left_that_is_never_abandoned(
    chat: RecordingSender, aws: MotoAws, with_settings: Any, at_paris: Any
) -> None:
    from chalicelib.chat.lifecycle import sweep
    from chalicelib.clock import now

    chat = configure(with_settings, CHAT_HOURS=WEEKDAY_HOURS, CHAT_ASYNC_MESSAGES="true")
    at_paris(CHRISTMAS_EVE_LATE)
    assert status(aws)["messages"] is True
    person = citizen(chat, "Comment faire une procuration ?", topic="demarches")
    joined = joined_of(person)
    assert joined["deferred"] is True and joined["code"]
    person.disconnect()
    sweep(now() + 3600)  # far past the grace period
    assert status(aws)["waiting"] == 1
    # Opened again by its code, it is still a message left (the page says so, not a queue).
    back = Client(chat)
    back.send({"type": "resume", "code": joined["code"], "last_seq": 0})
    assert back.of_type("resumed")[0]["deferred"] is True
    back.disconnect()
    # The next opening: an officer answers and closes; the citizen reads it days later.
    at_paris(dt.datetime(2025, 12, 26, 9, 5, tzinfo=PARIS).timestamp())
    agent = officer(chat, aws)
    conversation_id = joined["conversation_id"]
    agent.send(
        {"type": "send", "conversation_id": conversation_id, "client_id": "o1", "text": "Voici."}
    )
    agent.send(
        {"type": "close", "conversation_id": conversation_id, "outcome": "information", "links": []}
    )
    at_paris(dt.datetime(2025, 12, 29, 18, 0, tzinfo=PARIS).timestamp())
    later = Client(chat)
    later.send({"type": "resume", "code": joined["code"], "last_seq": 0})
    assert later.of_type("resumed")[0]["status"] == "closed"
    assert "Voici." in [m["text"] for m in later.messages()]


# -- the short code ----------------------------------------------------------------------


def test_a_join_gives_a_short_code_that_is_easy_to_read_aloud(chat: RecordingSender) -> None:
    from chalicelib.auth import SHORT_CODE_ALPHABET

    codes = {joined_of(citizen(chat))["code"] for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        first, dash, second = code.partition("-")
        assert dash and len(first) == len(second) == 5, code
        assert set(first + second) <= set(SHORT_CODE_ALPHABET), code
        assert not set(first + second) & set("01OIL"), code


def test_the_code_resumes_the_conversation_on_another_device_with_every_message_once(
    chat: RecordingSender, aws: MotoAws
) -> None:
    agent = officer(chat, aws)
    person = citizen(chat, "On m'a volé mon téléphone")
    joined = joined_of(person)
    conversation_id = joined["conversation_id"]
    agent.send(
        {"type": "send", "conversation_id": conversation_id, "client_id": "o1", "text": "Où ?"}
    )
    person.disconnect()  # the tab is closed: its token is gone with it
    # The officer is told the citizen left, and until when the citizen can come back.
    from chalicelib.clock import now

    away = [f for f in agent.of_type("citizen_status") if f["connected"] is False]
    assert away and away[-1]["returns_until"] == pytest.approx(now() + 300, abs=5)
    phone = Client(chat)
    typed = joined["code"].lower().replace("-", " ")  # as someone would type it
    phone.send({"type": "resume", "code": typed, "last_seq": 0})
    resumed = phone.of_type("resumed")[0]
    assert resumed["conversation_id"] == conversation_id
    assert resumed["token"] == joined["token"]  # from now on, like the tab that joined
    seqs = [m["seq"] for f in phone.of_type("history") for m in f["messages"]]
    assert seqs == sorted(set(seqs)) and len(seqs) >= 3
    assert [m["text"] for m in phone.messages() if m["kind"] == "message"] == [
        "On m'a volé mon téléphone",
        "Où ?",
    ]
    # The officer sees the citizen back.
    assert {"type": "citizen_status", "conversation_id": conversation_id, "connected": True} in [
        {k: f[k] for k in ("type", "conversation_id", "connected")}
        for f in agent.of_type("citizen_status")
    ]
    phone.send({"type": "send", "client_id": "c2", "text": "Dans le métro"})
    assert phone.of_type("ack")


def test_any_wrong_code_gets_the_same_answer(chat: RecordingSender) -> None:
    real = joined_of(citizen(chat))["code"]
    tries = [
        "ABCDE-FGHJK",  # well formed, unknown
        real[:-1] + ("2" if real[-1] != "2" else "3"),  # one symbol off
        "0O1IL-0O1IL",  # letters the alphabet leaves out
        "court",
        "x" * 40,
    ]
    answers = []
    for code in tries:
        client = Client(chat)
        client.send({"type": "resume", "code": code, "last_seq": 0})
        answers.append({k: v for k, v in client.of_type("error")[0].items() if k != "ref"})
    assert all(answer == answers[0] for answer in answers), answers
    assert answers[0]["code"] == "conversation_not_found"


def test_wrong_codes_are_limited_per_client_and_right_ones_do_not_count(
    chat: RecordingSender, aws: MotoAws, with_settings: Any
) -> None:
    chat = configure(with_settings, CODE_LOOKUPS_PER_CLIENT_PER_WINDOW="3")
    real = joined_of(citizen(chat))["code"]
    socket = Client(chat)

    def attempt(code: str) -> dict[str, Any]:
        return socket.send({"type": "resume", "code": code, "last_seq": 0})[0]

    for _ in range(5):  # right codes are given back: never limited
        assert attempt(real)["type"] == "resumed"
    for _ in range(3):
        assert attempt("ABCDE-FGHJK")["code"] == "conversation_not_found"
    refused = attempt("ABCDE-FGHJK")
    assert refused["code"] == "rate_limited" and refused["retry_after"] > 0
    # Even the right code waits now: a guesser cannot tell a hit from the limit.
    assert attempt(real)["code"] == "rate_limited"
    # Another client is not affected.
    other = Client(chat)
    assert other.send({"type": "resume", "code": real, "last_seq": 0})[0]["type"] == "resumed"


def test_a_code_opens_its_conversation_for_a_few_hours_after_it_closed(
    chat: RecordingSender, aws: MotoAws, at_paris: Any, clock: Any
) -> None:
    agent = officer(chat, aws)
    joined = joined_of(citizen(chat))
    agent.send(
        {
            "type": "close",
            "conversation_id": joined["conversation_id"],
            "outcome": "information",
            "links": [],
        }
    )
    clock.advance(5 * 3600)
    soon = Client(chat)
    assert soon.send({"type": "resume", "code": joined["code"], "last_seq": 0})[0]["type"] == (
        "resumed"
    )
    clock.advance(2 * 3600)
    late = Client(chat)
    assert late.send({"type": "resume", "code": joined["code"], "last_seq": 0})[0]["code"] == (
        "conversation_not_found"
    )


def test_resume_takes_a_code_or_an_id_and_a_token_never_both(chat: RecordingSender) -> None:
    joined = joined_of(citizen(chat))
    client = Client(chat)
    both = client.send(
        {
            "type": "resume",
            "code": joined["code"],
            "conversation_id": joined["conversation_id"],
            "token": joined["token"],
            "last_seq": 0,
        }
    )
    assert both[0]["code"] == "invalid_input"
    neither = client.send({"type": "resume", "last_seq": 0})
    assert neither[0]["code"] == "invalid_input"
