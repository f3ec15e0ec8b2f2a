"""Feedback: the post-chat survey (one per closed conversation), the non-user survey,
workshop volunteers (90 days, supervisors only), and the aggregates of the console."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import pytest

from local.aws_calls import counting
from tests.integration.reports_harness import Api, FakeConversations, report_body

DAY = 86400


def survey(conversation_id: str = "conv-1", resume: str = "jeton-1", **changes: Any) -> Any:
    body = {
        "conversation_id": conversation_id,
        "token": resume,
        "found_easily": "oui",
        "understood": "en_partie",
        "found_service": "non",
        "rating": 4,
        "comment": "Merci pour votre aide.",
    }
    body.update(changes)
    return body


def volunteer(**changes: Any) -> dict[str, Any]:
    body = {
        "name": "Camille Dupont",
        "reach": "camille@example.fr",
        "availability": "Les mardis après-midi",
        "consent": True,
    }
    body.update(changes)
    return body


def feedback_items(api: Api) -> list[dict[str, Any]]:
    # A Scan is fine here: the test looks into the table, the app never scans.
    client = api.aws.client("dynamodb")
    return list(client.scan(TableName=f"{api.aws.prefix}-feedback")["Items"])


@pytest.fixture
def closed(conversations: FakeConversations) -> FakeConversations:
    conversations.conversations.update(
        {"conv-1": ("jeton-1", True), "conv-2": ("jeton-2", True), "conv-open": ("jeton-3", False)}
    )
    return conversations


# -- post-chat survey ------------------------------------------------------------------


def test_a_closed_conversation_gets_one_survey_and_only_one(api: Api, closed: Any) -> None:
    first = api.call("POST", "/feedback/chat", survey())
    again = api.call("POST", "/feedback/chat", survey(rating=1))
    assert first.status == 201
    assert first.body["status"] == "enregistre"
    assert again.status == 409
    assert "déjà répondu" in again.body["error"]["message"]
    stored = [item for item in feedback_items(api) if item["pk"]["S"] == "chat#conv-1"]
    assert len(stored) == 1 and stored[0]["rating"]["N"] == "4"


def test_another_conversations_token_opens_nothing(api: Api, closed: Any) -> None:
    reply = api.call("POST", "/feedback/chat", survey("conv-1", "jeton-2"))
    unknown = api.call("POST", "/feedback/chat", survey("conv-404", "jeton-1"))
    assert reply.status == unknown.status == 404
    assert reply.body == unknown.body
    assert feedback_items(api) == []
    # The real owner can still answer.
    assert api.call("POST", "/feedback/chat", survey("conv-1", "jeton-1")).status == 201


def test_a_conversation_still_open_cannot_be_surveyed_yet(api: Api, closed: Any) -> None:
    reply = api.call("POST", "/feedback/chat", survey("conv-open", "jeton-3"))
    assert reply.status == 409
    assert feedback_items(api) == []


def test_without_the_chat_access_module_every_survey_is_refused(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "chalicelib.chat.access", None)  # import fails
    reply = api.call("POST", "/feedback/chat", survey())
    assert reply.status == 404
    assert feedback_items(api) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rating": 6}, "rating"),
        ({"rating": "5"}, "rating"),
        ({"found_easily": "peut-être"}, "found_easily"),
        ({"comment": "x" * 2001}, "comment"),
        ({"conversation_id": ""}, "conversation_id"),
    ],
)
def test_survey_answers_are_checked(api: Api, closed: Any, change: Any, field: str) -> None:
    reply = api.call("POST", "/feedback/chat", survey(**change))
    assert reply.status == 422
    assert reply.body["error"]["field"] == field
    assert feedback_items(api) == []


# -- people who never used the service -------------------------------------------------


def test_someone_who_never_used_the_service_can_answer(api: Api) -> None:
    reply = api.call(
        "POST",
        "/feedback/non-users",
        {
            "wanted_online": "oui",
            "how_far": ["s_informer", "deposer_plainte"],
            "comment": "Je préfère en ligne le soir.",
        },
    )
    assert reply.status == 201
    assert reply.body["message"] == "Merci, votre réponse est enregistrée."


def test_the_non_user_survey_refuses_unknown_and_repeated_choices(api: Api) -> None:
    unknown = api.call("POST", "/feedback/non-users", {"wanted_online": "bof"})
    repeated = api.call(
        "POST",
        "/feedback/non-users",
        {"wanted_online": "oui", "how_far": ["suivre_son_dossier"] * 2},
    )
    assert unknown.status == repeated.status == 422
    assert repeated.body["error"]["field"] == "how_far"


def test_the_non_user_survey_is_rate_limited(api: Api, with_settings: Any) -> None:
    with_settings(FEEDBACK_PER_CLIENT_PER_WINDOW="2")
    statuses = [
        api.call("POST", "/feedback/non-users", {"wanted_online": "non"}).status for _ in range(3)
    ]
    assert statuses == [201, 201, 429]


# -- volunteers ------------------------------------------------------------------------


@pytest.mark.parametrize("consent", [False, None, "true", 1])
def test_a_volunteer_must_consent_explicitly(api: Api, consent: Any) -> None:
    body = volunteer(consent=consent) if consent is not None else volunteer()
    if consent is None:
        del body["consent"]
    reply = api.call("POST", "/feedback/volunteers", body)
    assert reply.status == 422
    assert reply.body["error"]["field"] == "consent"
    assert feedback_items(api) == []


def test_a_volunteer_is_kept_90_days_and_read_by_supervisors_only(api: Api, clock: Any) -> None:
    assert api.call("POST", "/feedback/volunteers", volunteer()).status == 201
    stored = feedback_items(api)[0]
    assert int(stored["ttl"]["N"]) == int(clock.now()) + 90 * DAY
    officer = api.officer_get("/officer/volunteers", "officier1")
    assert officer.status == 403
    assert "camille" not in json.dumps(officer.body).lower()
    listed = api.officer_get("/officer/volunteers", "superviseur")
    assert listed.status == 200
    (item,) = listed.body["items"]
    assert item["name"] == "Camille Dupont" and item["reach"] == "camille@example.fr"
    clock.advance(91 * DAY)
    assert api.officer_get("/officer/volunteers", "superviseur").body["items"] == []


def test_volunteers_come_in_pages(api: Api, clock: Any) -> None:
    for index in range(3):
        api.call("POST", "/feedback/volunteers", volunteer(name=f"Volontaire {index}"))
        clock.advance(60)
    first = api.officer_get("/officer/volunteers?limit=2", "superviseur").body
    second = api.officer_get(f"/officer/volunteers?limit=2&next={first['next']}", "superviseur")
    names = [item["name"] for item in first["items"] + second.body["items"]]
    assert names == ["Volontaire 2", "Volontaire 1", "Volontaire 0"]
    assert api.officer_get("/officer/volunteers?next=faux", "superviseur").status == 422


@pytest.mark.parametrize("reach", ["pas un contact", "a@b", "12", ""])
def test_a_volunteer_leaves_an_email_or_a_phone(api: Api, reach: str) -> None:
    reply = api.call("POST", "/feedback/volunteers", volunteer(reach=reach))
    assert reply.status == 422 and reply.body["error"]["field"] == "reach"


# -- aggregates ------------------------------------------------------------------------


def test_the_console_summary_aggregates_answers_reports_and_volunteers(
    api: Api, closed: Any
) -> None:
    api.call("POST", "/feedback/chat", survey("conv-1", "jeton-1", rating=5, found_easily="oui"))
    api.call("POST", "/feedback/chat", survey("conv-2", "jeton-2", rating=2, found_easily="non"))
    api.call("POST", "/feedback/non-users", {"wanted_online": "oui", "how_far": ["s_informer"]})
    api.call("POST", "/feedback/volunteers", volunteer())
    api.filed()
    api.filed(report_body("rodeo_urbain"))
    with counting() as calls:
        reply = api.officer_get("/officer/feedback/summary?days=7", "superviseur")
    assert reply.status == 200
    body = reply.body
    assert body["chat"]["responses"] == 2
    assert body["chat"]["questions"]["found_easily"] == {"oui": 1, "en_partie": 0, "non": 1}
    assert body["chat"]["questions"]["understood"]["en_partie"] == 2
    assert body["chat"]["labels"]["found_easily"] == "Nous avez-vous trouvé facilement ?"
    assert body["chat"]["rating"] == {
        "average": 3.5,
        "distribution": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1},
    }
    assert body["non_users"]["wanted_online"]["oui"] == 1
    assert body["non_users"]["how_far"]["s_informer"] == 1
    assert body["volunteers"] == 1
    assert body["reports"]["received"] == 2
    assert body["reports"]["by_kind"]["rodeo_urbain"] == 1
    assert body["reports"]["entered_status"]["recu"] == 2
    assert len(body["daily"]) == 7 and body["daily"][-1]["reports_received"] == 2
    # Read from the daily counters only: two Queries, no Scan of raw answers.
    assert calls.ddb() == 2 and calls.ddb("Query") == 2


def test_the_summary_is_for_supervisors_only(api: Api) -> None:
    assert api.officer_get("/officer/feedback/summary", "officier2").status == 403
    assert api.officer_get("/officer/feedback/summary?days=400", "superviseur").status == 422


# -- with the chat domain's own verdict (chalicelib.chat.access) ------------------------


def stored_conversation(conversation_id: str, status: str, resume: str, at: float) -> None:
    """A conversation as the chat stores it, with its citizen's resume token (hashed)."""
    from chalicelib.auth import hash_secret
    from chalicelib.models.conversation import Conversation

    Conversation(
        conversation_id,
        status=status,
        topic="vol",
        token_hash=hash_secret(resume),
        created_at=at,
        created_day=time.strftime("%Y-%m-%d", time.gmtime(at)),
        enqueued_at=at,
        ttl=int(at) + 90 * DAY,
    ).save()


def test_the_real_chat_verdict_opens_the_survey_of_a_closed_conversation_only(
    api: Api, clock: Any
) -> None:
    stored_conversation("c" * 32, "closed", "jeton-de-reprise-1", clock.now())
    stored_conversation("d" * 32, "closed", "jeton-de-reprise-2", clock.now())
    stored_conversation("e" * 32, "active", "jeton-de-reprise-3", clock.now())
    mine = api.call("POST", "/feedback/chat", survey("c" * 32, "jeton-de-reprise-1"))
    someone_elses = api.call("POST", "/feedback/chat", survey("d" * 32, "jeton-de-reprise-1"))
    still_open = api.call("POST", "/feedback/chat", survey("e" * 32, "jeton-de-reprise-3"))
    assert mine.status == 201
    assert someone_elses.status == 404
    assert still_open.status == 409
    assert [item["pk"]["S"] for item in feedback_items(api)] == ["chat#" + "c" * 32]
