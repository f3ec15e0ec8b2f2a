"""The officer console's live workspace, in Chromium against the local platform.

Acceptance of issue 6: a whole conversation with a citizen ending in an orientation and a
survey that the supervisor's dashboard counts (1), three conversations at once without a
message going astray (3), keyboard-only take next / answer / close (4), plus the
reconnect, the read state, typing, canned responses and the fiche search.

The citizen speaks the WebSocket protocol from Python (docs/protocol.md).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.console_pages import (
    OFFICER,
    SUPERVISOR,
    Citizen,
    api_get,
    leave_officer_clean,
    open_console,
    panel,
    post_json,
    set_presence,
    tab,
    take,
)
from tests.local_platform import Platform

pytestmark = pytest.mark.browser


@pytest.fixture
def officer_page(browser: Any, local_platform: Platform) -> Iterator[Any]:
    leave_officer_clean(local_platform, OFFICER)  # before as well as after (console_pages.Desk)
    console = open_console(browser, local_platform, OFFICER)
    set_presence(console.page, "away")  # take_next only: nothing is pushed to us unasked
    yield console
    console.close()
    leave_officer_clean(local_platform, OFFICER)
    assert console.dialogs == []


def kpi(page: Any, name: str) -> str:
    return page.locator(f"#kpis [data-kpi='{name}'] dd").inner_text()


def number(text: str) -> float:
    return float(re.sub(r"[^\d,]", "", text).replace(",", ".") or 0)


def test_a_whole_conversation_closed_with_an_orientation_is_counted_on_the_dashboard(
    browser: Any, local_platform: Platform, officer_page: Any
) -> None:
    page = officer_page.page
    supervisor = open_console(browser, local_platform, SUPERVISOR)
    citizens: list[Citizen] = []
    try:
        supervisor.page.click("nav a[data-route=supervision]")
        supervisor.page.wait_for_selector("#kpis [data-kpi='closed']")
        supervisor.page.wait_for_selector("#charts figure[data-chart='per-day'] canvas")
        closed_before = number(kpi(supervisor.page, "closed"))
        survey_before = number(kpi(supervisor.page, "survey"))

        marker = uuid.uuid4().hex[:8]
        citizen = Citizen(local_platform, "vol", f"Bonjour, on m'a volé mon vélo ({marker})")
        citizens.append(citizen)
        take(page, citizen.conversation_id)
        box = panel(page, citizen.conversation_id)
        box.get_by_text(f"Bonjour, on m'a volé mon vélo ({marker})").wait_for()
        # Taking a conversation puts the cursor in its reply box.
        assert page.evaluate("document.activeElement.id") == f"reply-{citizen.conversation_id}"

        page.keyboard.type("Bonjour, je suis policier. Où et quand le vol a-t-il eu lieu ?")
        page.keyboard.press("Enter")
        citizen.wait_message("Bonjour, je suis policier. Où et quand le vol a-t-il eu lieu ?")

        # The server throttles typing per conversation (both sides share it): let the
        # officer's own indicator age past the 3 s window first.
        time.sleep(3.2)
        citizen.typing()
        box.get_by_text("L'usager écrit…").wait_for()
        seq = citizen.say("Hier soir devant la gare, il était attaché.")
        box.get_by_text("Hier soir devant la gare, il était attaché.").wait_for()
        citizen.read(seq)
        box.locator("li.from-officer .receipt", has_text="Lu").wait_for()

        # A fiche from the site's search goes into the message and the closing links.
        box.locator("summary", has_text="Insérer une fiche du site").click()
        box.get_by_label("Chercher une fiche du site").fill("vol de vélo")
        box.get_by_role("button", name="Chercher").click()
        box.locator(".pick", has_text="/fiches/vol-velo/").click()
        reply = box.locator("textarea.reply")
        assert "/fiches/vol-velo/" in reply.input_value()
        assert (
            box.locator(".link-rows input[id^=link-url-]").first.input_value()
            == "/fiches/vol-velo/"
        )
        reply.press("Enter")
        citizen.client.wait_for(
            lambda f: f.get("type") == "message" and "/fiches/vol-velo/" in f.get("text", "")
        )

        box.get_by_label("Orientation donnée").select_option("commissariat")
        box.get_by_role("button", name="Clore la conversation").click()
        closed = citizen.client.wait_for(lambda f: f.get("type") == "closed")
        assert closed["outcome"] == "commissariat"
        assert closed["survey"] is True
        assert {"label": closed["links"][0]["label"], "url": "/fiches/vol-velo/"} == closed[
            "links"
        ][0]
        tab(page, citizen.conversation_id).wait_for(state="detached")
        assert page.evaluate("document.activeElement.id") == "take-next"

        status, answer = post_json(
            local_platform,
            "/api/feedback/chat",
            {
                "conversation_id": citizen.conversation_id,
                "token": citizen.token,
                "found_easily": "oui",
                "understood": "oui",
                "found_service": "en_partie",
                "rating": 4,
                "comment": "Merci pour votre aide.",
            },
        )
        assert status == 201, answer

        supervisor.page.click("#dashboard-refresh")
        supervisor.page.wait_for_function(
            "([name, before]) => parseFloat(document.querySelector(`#kpis [data-kpi='${name}'] dd`)"
            ".textContent.replace(/[^\\d,]/g, '').replace(',', '.')) > before",
            arg=["closed", closed_before],
        )
        supervisor.page.wait_for_function(
            "([name, before]) => parseFloat(document.querySelector(`#kpis [data-kpi='${name}'] dd`)"
            ".textContent.replace(/[^\\d,]/g, '').replace(',', '.')) > before",
            arg=["survey", survey_before],
        )
        supervisor.page.locator(
            "figure[data-chart='outcomes'] table", has_text="Se rendre au commissariat"
        ).wait_for(state="attached")
        stats = api_get(local_platform, "/api/officer/stats/chat?days=1")
        assert stats["totals"]["outcomes"].get("commissariat", 0) >= 1
        assert supervisor.errors == [] and officer_page.errors == []
    finally:
        for citizen in citizens:
            citizen.close()
        supervisor.close()


def test_one_officer_handles_three_conversations_without_mixing_messages(
    local_platform: Platform, officer_page: Any
) -> None:
    page = officer_page.page
    citizens = [
        Citizen(local_platform, topic, f"Citoyen {n} ({uuid.uuid4().hex[:6]})")
        for n, topic in enumerate(("vol", "escroquerie", "demarches"), start=1)
    ]
    try:
        ours = {citizen.conversation_id for citizen in citizens}
        for citizen in citizens:
            take(page, citizen.conversation_id, keep=ours)
        assert page.locator("#tabs [role=tab]").count() >= 3

        # The officer answers each one in its own tab, in a shuffled order.
        for index in (1, 0, 2):
            citizen = citizens[index]
            tab(page, citizen.conversation_id).click()
            box = panel(page, citizen.conversation_id)
            box.locator("textarea.reply").fill(f"Réponse pour le citoyen {index + 1}")
            box.get_by_role("button", name="Envoyer").click()
        # Meanwhile the three citizens write at the same time.
        for index, citizen in enumerate(citizens):
            citizen.say(f"Message du citoyen {index + 1}")

        for index, citizen in enumerate(citizens):
            citizen.wait_message(f"Réponse pour le citoyen {index + 1}")
            box = panel(page, citizen.conversation_id)
            box.get_by_text(f"Message du citoyen {index + 1}", exact=True).wait_for(
                state="attached"
            )
        time.sleep(0.5)  # anything misrouted would have arrived by now
        for index, citizen in enumerate(citizens):
            assert citizen.officer_texts() == [f"Réponse pour le citoyen {index + 1}"]
            texts = (
                panel(page, citizen.conversation_id).locator("li.message .text").all_inner_texts()
            )
            mine = {f"Message du citoyen {index + 1}", f"Réponse pour le citoyen {index + 1}"}
            others = {
                f"{kind} du citoyen {n}" if kind == "Message" else f"Réponse pour le citoyen {n}"
                for n in (1, 2, 3)
                if n != index + 1
                for kind in ("Message", "Réponse")
            }
            assert mine <= set(texts)
            assert not others & set(texts), texts

        # Unread badges count the messages of the tabs not shown (reading clears them).
        tab(page, citizens[1].conversation_id).click()
        tab(page, citizens[1].conversation_id).locator(".badge").wait_for(state="hidden")
        tab(page, citizens[0].conversation_id).click()
        citizens[1].say("Encore une question")
        badge = tab(page, citizens[1].conversation_id).locator(".badge")
        badge.wait_for()
        assert badge.inner_text().startswith("1")
        tab(page, citizens[1].conversation_id).click()
        badge.wait_for(state="hidden")

        for citizen in citizens:
            box = panel(page, citizen.conversation_id)
            tab(page, citizen.conversation_id).click()
            box.get_by_label("Orientation donnée").select_option("information")
            box.get_by_role("button", name="Clore la conversation").click()
            citizen.client.wait_for(lambda f: f.get("type") == "closed")
            tab(page, citizen.conversation_id).wait_for(state="detached")
        assert page.locator("#tabs [role=tab]").count() == 0
    finally:
        for citizen in citizens:
            citizen.close()


def test_keyboard_only_take_next_answer_and_close(
    local_platform: Platform, officer_page: Any
) -> None:
    page = officer_page.page
    citizen = Citizen(
        local_platform, "escroquerie", f"Arnaque au faux conseiller {uuid.uuid4().hex[:6]}"
    )
    try:
        # Leftovers from other tests are taken (and closed) first, then ours comes.
        page.focus("#take-next")
        for _ in range(12):
            if tab(page, citizen.conversation_id).count():
                break
            page.focus("#take-next")
            page.keyboard.press("Enter")
            page.wait_for_function(
                "() => document.activeElement.id.startsWith('reply-') || "
                "document.querySelector('#take-next-error').textContent.length > 0"
            )
            active = page.evaluate("document.activeElement.id")
            if active.startswith("reply-") and active != f"reply-{citizen.conversation_id}":
                # Someone else's conversation: close it by keyboard too.
                close_by_keyboard(page, active.removeprefix("reply-"), "autre")
        box = panel(page, citizen.conversation_id)
        assert page.evaluate("document.activeElement.id") == f"reply-{citizen.conversation_id}"

        page.keyboard.type("Ne donnez jamais vos codes. Je vous oriente vers la plateforme THESEE.")
        page.keyboard.press("Enter")
        citizen.wait_message(
            "Ne donnez jamais vos codes. Je vous oriente vers la plateforme THESEE."
        )
        box.locator("li.from-officer[data-seq]").wait_for()

        close_by_keyboard(page, citizen.conversation_id, "thesee")
        closed = citizen.client.wait_for(lambda f: f.get("type") == "closed")
        assert closed["outcome"] == "thesee"
        assert page.evaluate("document.activeElement.id") == "take-next"
    finally:
        citizen.close()


def close_by_keyboard(page: Any, conversation_id: str, outcome: str) -> None:
    """From the reply box: Tab to the orientation, pick it with the arrows, Tab to « Clore »."""
    target = f"outcome-{conversation_id}"
    for _ in range(30):
        if page.evaluate("document.activeElement.id") == target:
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == target
    for _ in range(15):
        if page.evaluate("document.activeElement.value") == outcome:
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == outcome
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Clore la conversation":
            break
    page.keyboard.press("Enter")
    tab(page, conversation_id).wait_for(state="detached")


def test_reconnect_is_transparent_and_pending_messages_are_sent_once(
    local_platform: Platform, officer_page: Any
) -> None:
    page = officer_page.page
    citizen = Citizen(local_platform, "vol", f"Vol de téléphone {uuid.uuid4().hex[:6]}")
    try:
        take(page, citizen.conversation_id)
        box = panel(page, citizen.conversation_id)
        # The pipe drops; the officer keeps typing; the citizen writes meanwhile.
        page.evaluate(
            "window.consoleSocket.stop = window.consoleSocket.stop; window.consoleSocket.ws.close()"
        )
        page.wait_for_function(
            "() => document.querySelector('#connection-state').dataset.state === 'reconnecting'"
        )
        box.locator("textarea.reply").fill("Message écrit pendant la coupure")
        box.get_by_role("button", name="Envoyer").click()
        citizen.say("Vous êtes toujours là ?")
        page.wait_for_function(
            "() => document.querySelector('#connection-state').dataset.state === 'connected'"
        )
        citizen.wait_message("Message écrit pendant la coupure")
        box.get_by_text("Vous êtes toujours là ?").wait_for()
        box.locator(
            "li.from-officer[data-seq]", has_text="Message écrit pendant la coupure"
        ).wait_for()
        time.sleep(0.5)
        assert citizen.officer_texts().count("Message écrit pendant la coupure") == 1
        assert box.get_by_text("Message écrit pendant la coupure").count() == 1
        assert box.get_by_text("Vous êtes toujours là ?").count() == 1
        assert box.locator("li[data-client-id]").count() == 0
    finally:
        citizen.close()


def test_canned_response_with_a_link_goes_into_the_reply_and_the_closing_links(
    local_platform: Platform, officer_page: Any
) -> None:
    page = officer_page.page
    supervisor_token = local_platform.token(SUPERVISOR)
    title = f"Perceval {uuid.uuid4().hex[:6]}"
    status, canned = post_json(
        local_platform,
        "/api/officer/canned",
        {
            "title": title,
            "text": "Pour une fraude à la carte bancaire, signalez-la sur Perceval.",
            "link": {
                "label": "Perceval",
                "url": "https://www.service-public.fr/particuliers/vosdroits/R46526",
            },
        },
        Authorization=f"Bearer {supervisor_token}",
    )
    assert status == 201, canned
    citizen = Citizen(local_platform, "escroquerie", "Paiement inconnu sur ma carte")
    try:
        take(page, citizen.conversation_id)
        box = panel(page, citizen.conversation_id)
        box.locator("summary", has_text="Réponses types").click()
        box.get_by_label("Chercher une réponse type").fill(title)
        box.locator(".pick", has_text=title).click()
        value = box.locator("textarea.reply").input_value()
        assert "signalez-la sur Perceval." in value
        assert "https://www.service-public.fr/particuliers/vosdroits/R46526" in value
        urls = box.locator(".link-rows input[id^=link-url-]")
        assert (
            urls.first.input_value()
            == "https://www.service-public.fr/particuliers/vosdroits/R46526"
        )
    finally:
        citizen.close()
        from tests.local_platform import http_json

        http_json(
            f"{local_platform.url}/api/officer/canned/{canned['id']}",
            method="DELETE",
            headers={"Authorization": f"Bearer {supervisor_token}"},
        )


def test_a_new_conversation_pushed_to_an_online_officer_is_announced(
    local_platform: Platform, officer_page: Any
) -> None:
    page = officer_page.page
    page.evaluate("window.__chimes = 0; addEventListener('console:chime', () => window.__chimes++)")
    set_presence(page, "online")
    citizen = Citizen(local_platform, "demarches", f"Procuration {uuid.uuid4().hex[:6]}")
    try:
        deadline = time.time() + 15
        while time.time() < deadline and not tab(page, citizen.conversation_id).count():
            time.sleep(0.1)
        # Leftovers may be pushed first (we are online): close them as they come.
        if not tab(page, citizen.conversation_id).count():
            take(page, citizen.conversation_id)
        page.locator("#notice", has_text="Nouvelle conversation").wait_for()
        assert page.evaluate("window.__chimes") >= 1
        assert "(1)" in page.title() or page.locator("#tabs .tab.fresh").count() >= 0
    finally:
        set_presence(page, "offline")
        citizen.close()


def test_links_and_numbers_can_be_tapped_and_a_citizen_who_left_is_said_to_be_able_to_return(
    local_platform: Platform, officer_page: Any
) -> None:
    from playwright.sync_api import expect

    page = officer_page.page
    text = (
        "J'ai lu https://www.service-public.fr/particuliers/vosdroits/F1435 et /fiches/vol-velo/ "
        "<b>mais</b> j'ai appelé le 17 en 2017."
    )
    citizen = Citizen(local_platform, "vol", text)
    try:
        take(page, citizen.conversation_id)
        message = panel(page, citizen.conversation_id).locator(".message.from-citizen .text")
        expect(message).to_contain_text("<b>mais</b>")  # text, never HTML
        external = message.get_by_role("link", name=re.compile("service-public"))
        expect(external).to_have_attribute(
            "href", "https://www.service-public.fr/particuliers/vosdroits/F1435"
        )
        expect(external).to_have_attribute("rel", "noopener noreferrer")
        expect(message.get_by_role("link", name=re.compile("vol-velo"))).to_have_attribute(
            "href", f"{local_platform.url}/fiches/vol-velo/"
        )
        expect(message.get_by_role("link", name="17", exact=True)).to_have_attribute(
            "href", "tel:17"
        )
        assert message.locator("a").count() == 3  # « 2017 » is not a help line
        status = panel(page, citizen.conversation_id).locator(".citizen-status")
        expect(status).to_have_text("Usager en ligne.")
        # The citizen's tab goes: « peut revenir » is said with until when, because it is true.
        citizen.close()
        expect(status).to_have_text(
            re.compile(r"^Usager hors ligne : peut revenir avec son code jusqu'à \d\d:\d\d ;")
        )
    finally:
        citizen.close()
