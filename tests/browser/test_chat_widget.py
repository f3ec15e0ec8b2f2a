"""The chat widget of /discuter/ in Chromium, against the local platform, with an officer
driven over the WebSocket protocol from Python (docs/protocol.md).

A whole conversation (topic, queue, assignment, typing, read receipt, messages as text, a
reload mid-conversation while the officer writes, closing links, transcript, survey), a
message written while the connection is down and sent once it is back, discreet mode,
quick exit, and a 360 px phone.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chat_pages import (
    CHAT_KEY,
    EXIT_URL,
    SURVEY_KEY,
    axe_violations,
    new_context,
    officer,
    saved_chat,
    wait_conversation_id,
    watch,
)
from tests.e2e.ws_client import WsClient
from tests.local_platform import Platform

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def marker() -> str:
    """A word of this test's own, to tell its messages apart on the shared platform."""
    return uuid.uuid4().hex[:8]


def start_chat(page: Any, platform: Platform, topic: str | None, text: str) -> str:
    """Open /discuter/, choose a topic, write the first message, start; the conversation id."""
    query = f"?sujet={topic}" if topic else ""
    page.goto(f"{platform.url}/discuter/{query}", wait_until="networkidle")
    page.get_by_label("Votre question (facultatif)").fill(text)
    page.get_by_role("button", name="Commencer la conversation").click()
    return wait_conversation_id(page)


def texts(page: Any) -> list[str]:
    return page.locator("[data-chat-log] .message__texte").all_inner_texts()


def end_waiting(platform: Platform, conversation_id: str, token: str) -> None:
    """Leave no waiting citizen behind on the shared platform."""
    citizen = WsClient(platform.ws_url, "cleanup")
    try:
        citizen.request(
            {"type": "resume", "conversation_id": conversation_id, "token": token, "last_seq": 0},
            "resumed",
        )
        citizen.send({"type": "end"})
        citizen.wait_for(lambda f: f["type"] in ("closed", "error"))
    finally:
        citizen.close()


def test_a_whole_conversation_with_an_officer_including_a_reload(
    local_platform: Platform, context: Any, page: Any, marker: str
) -> None:
    from playwright.sync_api import expect

    first = f"Bonjour, on m'a volé mon vélo ({marker})"

    page.goto(f"{local_platform.url}/discuter/?sujet=vol", wait_until="networkidle")
    expect(page.get_by_label("Vol / cambriolage")).to_be_checked()
    assert axe_violations(page) == [], "topic choice"

    # No topic: the error is next to the question, in words.
    page.evaluate("document.querySelector('input[name=topic]:checked').checked = false")
    page.get_by_role("button", name="Commencer la conversation").click()
    expect(page.locator("#tchat-sujet-erreur")).to_have_text(
        "Erreur : Choisissez le sujet de votre question."
    )
    assert axe_violations(page) == [], "topic error"
    page.get_by_label("Vol / cambriolage").check()
    page.get_by_label("Votre question (facultatif)").fill(first)
    page.get_by_role("button", name="Commencer la conversation").click()
    conversation_id = wait_conversation_id(page)

    # Waiting: position and wait, in words; the first message is shown once.
    state = page.locator("[data-chat-state]")
    expect(state).to_have_text(
        re.compile(r"Vous êtes en tête de la file\.|\d+ personnes? attend(ent)? avant vous\.")
    )
    expect(page.locator("[data-chat-log] .message--citoyen .message__texte")).to_have_text(first)
    saved = saved_chat(page)
    assert saved is not None and saved["token"] and saved["conversationId"] == conversation_id
    assert page.evaluate("localStorage.length") == 0
    assert axe_violations(page) == [], "waiting"

    with officer(local_platform, "officier2") as police:
        police.take(conversation_id)
        expect(state).to_have_text("Un policier vous répond.")

        police.typing(conversation_id)
        expect(page.get_by_text("Le policier écrit…")).to_be_visible()

        police.send(conversation_id, "Bonjour, je suis policier. Où a eu lieu le vol ?")
        expect(page.locator("[data-chat-announce]")).to_have_text(
            "Policier : Bonjour, je suis policier. Où a eu lieu le vol ?"
        )
        expect(page.get_by_text("Le policier écrit…")).to_be_hidden()

        # Officer text is text: shown literally, never run.
        police.send(conversation_id, XSS)
        expect(page.locator("[data-chat-log] .message__texte").last).to_have_text(XSS)
        assert page.locator("[data-chat-log] img").count() == 0

        # The citizen answers with Enter; « envoi… » until the server has it.
        composer = page.get_by_label("Votre message")
        composer.fill(f"Devant la gare ({marker})")
        composer.press("Enter")
        police.wait_citizen_text(conversation_id, f"Devant la gare ({marker})")
        mine = page.locator("[data-chat-log] .message--citoyen").last
        expect(mine.locator(".message__texte")).to_have_text(f"Devant la gare ({marker})")
        expect(mine.locator(".message__etat")).to_have_count(0)
        expect(composer).to_have_value("")

        # Read receipt: « Lu » under the citizen's last message the officer read.
        seq = int(mine.get_attribute("data-seq") or 0)
        police.read(conversation_id, seq)
        expect(mine.locator(".message__lu")).to_have_text("Lu")
        assert axe_violations(page) == [], "conversation"

        # Reload; the officer writes while the page is away. It appears once.
        during = f"Message pendant le rechargement ({marker})"

        def officer_writes_during_reload(route: Any) -> None:
            police.send(conversation_id, during)
            route.continue_()

        widget = re.compile(r"/assets/js/chat/widget\.js")
        context.route(widget, officer_writes_during_reload)
        page.reload(wait_until="domcontentloaded")
        expect(page.locator("[data-chat-log] .message__texte").last).to_have_text(during)
        expect(state).to_have_text("Un policier vous répond.")
        context.unroute(widget)
        shown = texts(page)
        assert shown.count(during) == 1
        assert shown.count(first) == 1
        assert shown.count(XSS) == 1
        assert len(shown) == len(set(shown)), shown
        assert saved_chat(page)["conversationId"] == conversation_id  # type: ignore[index]

        after = f"Et après le rechargement ({marker})"
        page.get_by_label("Votre message").fill(after)
        page.get_by_role("button", name="Envoyer").click()
        police.wait_citizen_text(conversation_id, after)
        texts_officer = [m["text"] for m in police.citizen_messages(conversation_id)]
        assert texts_officer.count(after) == 1

        # The officer closes with an orientation and links.
        police.close(
            conversation_id,
            "plainte_en_ligne",
            [
                {
                    "label": "Plainte en ligne",
                    "url": "https://plainte-en-ligne.masecurite.interieur.gouv.fr/",
                },
                {"label": "Vol de vélo : que faire ?", "url": "/fiches/vol-velo/"},
            ],
        )
        closed = page.locator("[data-chat-closed]")
        expect(closed.get_by_role("heading", name="Conversation terminée")).to_be_focused()
        expect(closed).to_contain_text("Plainte en ligne ou Visioplainte")
        link = closed.get_by_role("link", name="Plainte en ligne", exact=True)
        expect(link).to_have_attribute(
            "href", "https://plainte-en-ligne.masecurite.interieur.gouv.fr/"
        )
        expect(closed.get_by_role("link", name="Vol de vélo : que faire ?")).to_have_attribute(
            "href", "/fiches/vol-velo/"
        )
        expect(page.locator("[data-chat-composer]")).to_be_hidden()
        assert axe_violations(page) == [], "closed"

        # The transcript downloads.
        with page.expect_download() as download_info:
            closed.get_by_role("button", name="Télécharger la conversation").click()
        download = download_info.value
        transcript = Path(download.path()).read_text(encoding="utf-8")
        assert first in transcript and during in transcript and XSS in transcript

        # The survey invitation carries the conversation to /avis/.
        survey = page.evaluate(f"JSON.parse(sessionStorage.getItem('{SURVEY_KEY}'))")
        assert survey["conversation_id"] == conversation_id
        closed.get_by_role("link", name="Donner mon avis").click()
        page.wait_for_url("**/avis/")
        expect(
            page.get_by_role("heading", name="Votre conversation avec un policier")
        ).to_be_visible()
        expect(page.locator('[data-survey="non-user"]')).to_be_hidden()

        # Back on /discuter/ after the end: the outcome, not a new connection.
        page.goto(f"{local_platform.url}/discuter/", wait_until="networkidle")
        expect(page.locator("[data-chat-closed]")).to_contain_text(
            "Plainte en ligne ou Visioplainte"
        )
        page.get_by_role("button", name="Poser une nouvelle question").click()
        expect(page.get_by_role("heading", name="Commencer une conversation")).to_be_visible()
        assert saved_chat(page) is None
    assert page.problems == []


def test_a_message_written_offline_is_sent_once_the_connection_is_back(
    local_platform: Platform, context: Any, page: Any, marker: str
) -> None:
    from playwright.sync_api import expect

    conversation_id = start_chat(page, local_platform, "escroquerie", f"Arnaque ({marker})")
    with officer(local_platform, "officier3") as police:
        police.take(conversation_id)
        expect(page.locator("[data-chat-state]")).to_have_text("Un policier vous répond.")

        # Discreet mode: neutral title, kept in sessionStorage.
        page.get_by_label("Mode discret : pas de son, titre d'onglet neutre").check()
        assert page.title() == "Informations"
        page.get_by_label("Mode discret : pas de son, titre d'onglet neutre").uncheck()
        assert page.title() != "Informations"

        # Hidden tab, normal mode: « (1) Nouveau message ».
        set_visibility(page, "hidden")
        police.send(conversation_id, f"Vous êtes là ? ({marker})")
        expect(page).to_have_title("(1) Nouveau message")
        set_visibility(page, "visible")
        expect(page).to_have_title(re.compile("Discuter avec un policier"))

        # The network goes away; the server forgets the socket.
        context.set_offline(True)
        connection = _citizen_connection(local_platform, conversation_id)
        local_platform.management_client().delete_connection(ConnectionId=connection)
        expect(page.locator("[data-chat-state]")).to_contain_text("Reconnexion en cours")
        offline_text = f"Écrit hors connexion ({marker})"
        page.get_by_label("Votre message").fill(offline_text)
        page.get_by_label("Votre message").press("Enter")
        pending = page.locator("[data-chat-log] .message--attente")
        expect(pending.locator(".message__etat")).to_have_text("envoi…")
        assert any(m["text"] == offline_text for m in saved_chat(page)["outbox"])  # type: ignore[index]

        context.set_offline(False)
        police.wait_citizen_text(conversation_id, offline_text, timeout=40)
        expect(page.locator("[data-chat-log] .message--attente")).to_have_count(0)
        expect(page.locator("[data-chat-state]")).to_have_text("Un policier vous répond.")
        time.sleep(0.5)
        received = [m["text"] for m in police.citizen_messages(conversation_id)]
        assert received.count(offline_text) == 1
        assert texts(page).count(offline_text) == 1
        assert saved_chat(page)["outbox"] == []  # type: ignore[index]

        # The citizen ends (with confirmation).
        page.get_by_role("button", name="Terminer la conversation").click()
        page.get_by_role("button", name="Oui, terminer").click()
        expect(page.locator("[data-chat-closed]")).to_contain_text(
            "Vous avez mis fin à la conversation."
        )
    assert page.problems == []


def set_visibility(page: Any, state: str) -> None:
    """Pretend the tab is hidden or shown (headless Chromium is always visible)."""
    page.evaluate(
        """state => {
            Object.defineProperty(document, "visibilityState", {value: state, configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        state,
    )


def _citizen_connection(platform: Platform, conversation_id: str) -> str:
    """The citizen's socket id, from the conversation item (what API Gateway would know)."""
    dynamodb = platform.aws_client("dynamodb")
    item = dynamodb.get_item(
        TableName="moncommissariat-local-conversations",
        Key={"conversation_id": {"S": conversation_id}},
        ConsistentRead=True,
    )["Item"]
    connections = item["citizen_conns"]["M"]
    assert len(connections) == 1, connections
    return next(iter(connections))


def test_quick_exit_from_the_chat_clears_session_storage(
    local_platform: Platform, context: Any
) -> None:
    from playwright.sync_api import expect

    page = context.new_page()
    conversation_id = start_chat(page, local_platform, "violences", "J'ai besoin d'aide")
    saved = saved_chat(page)
    assert saved is not None
    # Violences: discreet mode by default, the emergency numbers prominent.
    expect(page.get_by_label("Mode discret : pas de son, titre d'onglet neutre")).to_be_checked()
    assert page.title() == "Informations"
    expect(page.locator(".message--urgence")).to_contain_text("17")
    try:
        page.get_by_role("link", name="Quitter rapidement").click()
        page.wait_for_url(EXIT_URL)
        page.goto(f"{local_platform.url}/discuter/", wait_until="networkidle")
        assert page.evaluate("sessionStorage.length") == 0
        assert page.evaluate("localStorage.length") == 0
        expect(page.get_by_role("heading", name="Commencer une conversation")).to_be_visible()
        assert page.title() != "Informations"
    finally:
        end_waiting(local_platform, conversation_id, saved["token"])


def test_the_chat_on_a_360_px_phone(local_platform: Platform, browser: Any) -> None:
    from playwright.sync_api import expect

    context = new_context(browser, width=360, height=640)
    try:
        page = context.new_page()
        problems = watch(page)
        conversation_id = start_chat(page, local_platform, "demarches", "Procuration de vote")
        with officer(local_platform, "officier2") as police:
            police.take(conversation_id)
            for n in range(6):
                police.send(
                    conversation_id,
                    f"Réponse {n} : pour une procuration, rendez-vous sur maprocuration.gouv.fr "
                    "puis au commissariat avec une pièce d'identité.",
                )
            expect(page.locator("[data-chat-log] .message--policier")).to_have_count(6)
            composer = page.get_by_label("Votre message")
            send = page.get_by_role("button", name="Envoyer")
            page.locator("[data-chat-conversation] h2").scroll_into_view_if_needed()
            for control in (composer, send):
                box = control.bounding_box()
                assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 640, box
                assert box["height"] >= 44
            assert page.evaluate("document.documentElement.scrollWidth") <= 360

            # Shift+Enter: a new line; Enter: send.
            composer.click()
            page.keyboard.type("ligne 1")
            page.keyboard.press("Shift+Enter")
            page.keyboard.type("ligne 2")
            page.keyboard.press("Enter")
            police.wait_citizen_text(conversation_id, "ligne 1\nligne 2")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert problems == []
    finally:
        context.close()


def test_a_conversation_id_that_no_longer_exists_starts_afresh(
    local_platform: Platform, context: Any
) -> None:
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto(f"{local_platform.url}/plan-du-site/")
    gone = {"conversationId": "0" * 32, "token": "x" * 43, "lastSeq": 3, "outbox": []}
    page.evaluate(
        "([key, value]) => sessionStorage.setItem(key, JSON.stringify(value))", [CHAT_KEY, gone]
    )
    page.goto(f"{local_platform.url}/discuter/", wait_until="networkidle")
    expect(page.get_by_text("Cette conversation n'est plus disponible")).to_be_visible()
    expect(page.get_by_role("heading", name="Commencer une conversation")).to_be_visible()
    assert saved_chat(page) is None
