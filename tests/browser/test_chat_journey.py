"""The citizen's chat journey of issue 13, on a phone (390 × 844, touch), in Chromium against
the local platform: the closed state outside the hours, help while waiting, the short code
that reopens the conversation in another browser, tappable links and numbers, the lost
connection shown within 10 s, and the transcript in Paris time with absolute links. axe on
every new state.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.chat_pages import (
    EXIT_URL,
    axe_violations,
    officer,
    on_duty,
    start_chat,
    texts,
    watch,
)
from tests.local_platform import Platform, http_json, start_platform, stop_platform

pytestmark = pytest.mark.browser

PARIS = ZoneInfo("Europe/Paris")
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
NOTICE = re.compile(r"^Connexion perdue, reconnexion…")


@pytest.fixture(scope="module", autouse=True)
def someone_on_duty(local_platform: Platform) -> Iterator[None]:
    """The chat is offered only while an officer is on duty: officier1 stays « away »."""
    with on_duty(local_platform):
        yield


def phone(browser: Any, timezone: str = "Europe/Paris") -> Any:
    """A fresh phone-sized, touch profile (no keyboard, coarse pointer)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
        timezone_id=timezone,
        accept_downloads=True,
    )
    context.route(
        f"{EXIT_URL}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Sortie</p>"),
    )
    return context


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    opened = phone(browser)
    yield opened
    opened.close()


def open_page(context: Any) -> Any:
    page = context.new_page()
    page.problems = watch(page)
    return page


# -- closed hours --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def closed_platform() -> Iterator[tuple[Platform, str]]:
    """A platform whose only opening day is the day after tomorrow (Paris time): closed now."""
    today = dt.datetime.now(PARIS).date()
    day = (today.weekday() + 2) % 7
    platform = start_platform(env={"CHAT_HOURS": f"{DAY_KEYS[day]} 08:00-20:00"})
    try:
        yield platform, DAY_NAMES[day]
    finally:
        stop_platform(platform)


def test_outside_the_hours_the_page_offers_what_is_open_now_and_no_queue_form(
    closed_platform: tuple[Platform, str], context: Any
) -> None:
    from playwright.sync_api import expect

    platform, opening_day = closed_platform
    page = open_page(context)
    page.goto(f"{platform.url}/discuter/?sujet=violences", wait_until="networkidle")
    closed = page.locator("[data-chat-service-closed]")
    expect(closed.get_by_role("heading", name="Le tchat est fermé pour le moment")).to_be_visible()
    expect(closed.locator("[data-chat-reopen]")).to_have_text(
        re.compile(rf"^Il rouvre {opening_day} \d+(er)? \S+ à 8 h \(heure de Paris\)\.$")
    )
    expect(closed.locator("[data-chat-hours] li").first).to_have_text(
        f"Le {opening_day}, de 8 h à 20 h."
    )
    # What is open now: 17, 112, SMS 114, 3919 and the 24/7 chat of arretonslesviolences.
    for number, href in (("17", "tel:17"), ("112", "tel:112"), ("114", "sms:114")):
        expect(closed.get_by_role("link", name=number, exact=True)).to_have_attribute("href", href)
    expect(closed.get_by_role("link", name="3919", exact=True)).to_have_attribute(
        "href", "tel:3919"
    )
    expect(closed.get_by_role("link", name=re.compile("arretonslesviolences"))).to_have_attribute(
        "href", re.compile(r"^https://arretonslesviolences\.gouv\.fr/")
    )
    expect(closed.get_by_role("link", name=re.compile("trouvez la bonne démarche"))).to_be_visible()
    # No queue form, and no message to leave (the service does not offer it here).
    expect(page.get_by_role("button", name="Commencer la conversation")).to_be_hidden()
    expect(page.get_by_label("Votre question (facultatif)")).to_be_hidden()
    expect(page.get_by_role("button", name="Laisser un message")).to_be_hidden()
    # The status says the same, and a join sent anyway is refused.
    status, body = http_json(f"{platform.url}/api/status")
    assert status == 200 and body["open"] is False and body["within_hours"] is False
    assert axe_violations(page) == [], "closed state"
    assert page.problems == []


@pytest.fixture(scope="module")
def closed_with_messages() -> Iterator[Platform]:
    """Closed now (no opening day at all), but the service offers to leave a message."""
    platform = start_platform(env={"CHAT_HOURS": "never", "CHAT_ASYNC_MESSAGES": "true"})
    try:
        yield platform
    finally:
        stop_platform(platform)


def test_when_the_service_offers_it_a_message_is_left_with_a_code_to_read_the_answer(
    closed_with_messages: Platform, browser: Any, context: Any
) -> None:
    from playwright.sync_api import expect

    platform = closed_with_messages
    page = open_page(context)
    page.goto(f"{platform.url}/discuter/?sujet=demarches", wait_until="networkidle")
    closed = page.locator("[data-chat-service-closed]")
    expect(closed.get_by_role("heading", name="Le tchat est fermé pour le moment")).to_be_visible()
    expect(page.get_by_role("button", name="Commencer la conversation")).to_be_hidden()
    closed.get_by_role("button", name="Laisser un message").click()
    expect(page.get_by_role("heading", name="Laisser un message", exact=True).last).to_be_focused()
    question = f"Comment renouveler ma carte d'identité ? ({uuid.uuid4().hex[:6]})"
    page.get_by_label("Votre question (facultatif)").fill(question)
    page.get_by_role("button", name="Envoyer mon message").click()
    expect(page.locator("[data-chat-state]")).to_have_text(
        re.compile(r"^Votre message est enregistré\. Un policier vous répondra à la réouverture")
    )
    code = page.locator("[data-chat-code]")
    expect(code).to_have_text(re.compile(r"^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$"))
    assert axe_violations(page) == [], "message left"
    value = code.inner_text().strip()
    context.close()
    # Later, from another device: the code opens the message (once), still waiting.
    other = phone(browser)
    try:
        again = open_page(other)
        again.goto(f"{platform.url}/discuter/", wait_until="networkidle")
        again.get_by_label("Code de reprise").fill(value)
        again.get_by_role("button", name="Reprendre la conversation").click()
        expect(again.locator("[data-chat-log]")).to_contain_text(question)
        assert texts(again).count(question) == 1, texts(again)
        expect(again.locator("[data-chat-state]")).to_have_text(
            re.compile(r"^Votre message est enregistré\.")
        )
        assert again.problems == []
    finally:
        other.close()
    assert page.problems == []


# -- help while waiting, the short code, tappable text -------------------------------------


def test_waiting_suggests_the_procuration_fiche_without_leaving_the_queue(
    local_platform: Platform, context: Any
) -> None:
    from playwright.sync_api import expect

    page = open_page(context)
    conversation_id = start_chat(
        page,
        local_platform,
        "demarches",
        "Bonjour, comment faire une procuration pour voter ?",
    )
    suggestions = page.locator("[data-chat-suggestions]")
    expect(suggestions.get_by_role("heading")).to_have_text(
        "En attendant, ces fiches peuvent vous aider"
    )
    links = suggestions.get_by_role("link")
    expect(links.first).to_be_visible()
    assert links.count() <= 3, links.all_inner_texts()
    assert any("procuration" in t for t in links.all_inner_texts()), links.all_inner_texts()
    fiche = suggestions.get_by_role("link", name=re.compile("procuration", re.I))
    expect(fiche).to_have_attribute("href", "/fiches/procuration-vote/")
    expect(fiche).to_have_attribute("target", "_blank")
    # Opened in a new tab: the conversation and its place in the queue stay.
    with context.expect_page() as opened:
        fiche.click()
    opened.value.wait_for_load_state()
    assert "/fiches/procuration-vote/" in opened.value.url
    opened.value.close()
    expect(page.locator("[data-chat-state]")).to_have_text(
        re.compile(r"(Vous êtes la prochaine personne|\d+ personnes? avant vous)\.")
    )
    # The short code is shown to be copied or noted.
    expect(page.locator("[data-chat-code]")).to_have_text(
        re.compile(r"^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$")
    )
    assert axe_violations(page) == [], "waiting with suggestions and the code"
    with officer(local_platform) as police:
        police.take(conversation_id)  # leave nobody waiting on the shared platform
    assert page.problems == []


def test_the_short_code_reopens_the_conversation_in_another_browser_every_message_once(
    local_platform: Platform, browser: Any, context: Any
) -> None:
    from playwright.sync_api import expect

    marker = uuid.uuid4().hex[:6]
    first = f"On m'a volé mon sac dans le tram ({marker})"
    page = open_page(context)
    conversation_id = start_chat(page, local_platform, "vol", first)
    code = page.locator("[data-chat-code]").inner_text().strip()
    with officer(local_platform) as police:
        police.take(conversation_id)
        answer = f"Bonjour, que contenait le sac ? ({marker})"
        police.send(conversation_id, answer)
        expect(page.locator("[data-chat-log]")).to_contain_text(answer)
        context.close()  # the tab and its sessionStorage are gone

        other = phone(browser)
        try:
            again = open_page(other)
            again.goto(f"{local_platform.url}/discuter/", wait_until="networkidle")
            again.get_by_label("Code de reprise").fill("ABCDE-FGHJK")
            again.get_by_role("button", name="Reprendre la conversation").click()
            expect(again.locator("[data-chat-code-error]")).to_contain_text(
                "Aucune conversation ne correspond à ce code"
            )
            assert axe_violations(again) == [], "code error"
            again.get_by_label("Code de reprise").fill(code.lower().replace("-", " "))
            again.get_by_role("button", name="Reprendre la conversation").click()
            expect(again.locator("[data-chat-log]")).to_contain_text(answer)
            shown = texts(again)
            assert shown.count(first) == 1 and shown.count(answer) == 1, shown
            # The officer sees the citizen back; the citizen goes on from the new device.
            later = f"Mes papiers et mes clés ({marker})"
            again.get_by_label("Votre message").fill(later)
            again.get_by_role("button", name="Envoyer").click()
            police.wait_citizen_text(conversation_id, later)
            time.sleep(0.5)
            shown = texts(again)
            assert [shown.count(t) for t in (first, answer, later)] == [1, 1, 1], shown
            expect(again.locator("[data-chat-code]")).to_have_text(code)
            assert again.problems == []
        finally:
            other.close()


def test_a_canned_link_and_the_emergency_numbers_can_be_tapped(
    local_platform: Platform, context: Any
) -> None:
    from playwright.sync_api import expect

    page = open_page(context)
    conversation_id = start_chat(page, local_platform, "vol", "Je veux porter plainte")
    status, canned = http_json(
        f"{local_platform.url}/api/officer/canned",
        headers={"Authorization": f"Bearer {local_platform.token('officier2')}"},
    )
    assert status == 200
    response = next(item for item in canned["items"] if item["title"] == "Plainte en ligne")
    with officer(local_platform) as police:
        police.take(conversation_id)
        # As the console inserts it: the text, then the link made absolute on the site.
        police.send(
            conversation_id, f"{response['text']}\n{local_platform.url}{response['link']['url']}"
        )
        police.send(conversation_id, "En danger, appelez le 17 ou envoyez un SMS au 114.")
        log = page.locator("[data-chat-log]")
        link = log.get_by_role("link", name=re.compile("plainte-en-ligne"))
        expect(link).to_have_attribute("href", f"{local_platform.url}/fiches/plainte-en-ligne/")
        expect(link).to_have_attribute("rel", "noopener noreferrer")
        expect(link).to_contain_text("127.0.0.1")  # shown with its domain
        expect(log.get_by_role("link", name="17", exact=True)).to_have_attribute("href", "tel:17")
        expect(log.get_by_role("link", name="114", exact=True)).to_have_attribute("href", "sms:114")
        # The emergency system message of a violence conversation is tappable too.
    violence = open_page(context)
    other_id = start_chat(violence, local_platform, "violences", "Il me menace")
    emergency = violence.locator("[data-chat-log] .message--urgence")
    for number, href in (
        ("17", "tel:17"),
        ("112", "tel:112"),
        ("114", "sms:114"),
        ("3919", "tel:3919"),
    ):
        expect(emergency.get_by_role("link", name=number, exact=True)).to_have_attribute(
            "href", href
        )
    assert axe_violations(page) == [], "tappable messages"
    with officer(local_platform) as police:
        police.take(other_id)
    assert page.problems == [] and violence.problems == []


# -- the connection -------------------------------------------------------------------------


def test_a_lost_connection_is_shown_within_10_seconds(
    local_platform: Platform, context: Any
) -> None:
    from playwright.sync_api import expect

    page = open_page(context)
    # A pipe that can go silent on demand: nothing passes either way, as on a dead link.
    silent = {"on": False}
    seen: list[str] = []

    def relay(route: Any) -> None:
        server = route.connect_to_server()
        seen.append("connect")

        def from_page(message: Any) -> None:
            seen.append(f"page: {str(message)[:24]} silent={silent['on']}")
            if not silent["on"]:
                server.send(message)

        def from_server(message: Any) -> None:
            seen.append(f"server: {str(message)[:24]} silent={silent['on']}")
            if not silent["on"]:
                route.send(message)

        route.on_message(from_page)
        server.on_message(from_server)

    page.route_web_socket(re.compile(r"/ws"), relay)
    conversation_id = start_chat(page, local_platform, "autre", "Une question")
    notice = page.locator("[data-chat-connection]")
    expect(page.locator("[data-chat-code]")).to_be_visible()
    expect(notice).to_be_empty()
    # The page settled first (the suggestions' index loaded): cut mid-load, pagefind reports
    # its failed fetch as a page error, which is not what this test is about.
    page.wait_for_load_state("networkidle")

    # 1. The network is cut: said at once (well within 10 s).
    context.set_offline(True)
    try:
        expect(notice).to_have_text(NOTICE, timeout=10_000)
    except AssertionError as error:
        raise AssertionError(seen) from error
    assert axe_violations(page) == [], "connection lost"
    context.set_offline(False)
    expect(notice).to_be_empty(timeout=30_000)

    # 2. The link dies silently (nothing answers any more): seen at the next probe, < 10 s.
    silent["on"] = True
    page.evaluate("window.dispatchEvent(new Event('online'))")  # e.g. a phone waking up
    try:
        expect(notice).to_have_text(NOTICE, timeout=10_000)
    except AssertionError as error:
        raise AssertionError(seen) from error
    silent["on"] = False
    expect(notice).to_be_empty(timeout=30_000)
    with officer(local_platform) as police:
        police.take(conversation_id)
    assert page.problems == []


# -- the transcript ---------------------------------------------------------------------------


def test_the_transcript_is_in_paris_time_with_absolute_links_and_prints_alone(
    local_platform: Platform, browser: Any
) -> None:
    from playwright.sync_api import expect

    # A browser far from Paris: the times shown must still be Paris time.
    context = phone(browser, timezone="America/New_York")
    try:
        page = open_page(context)
        conversation_id = start_chat(page, local_platform, "vol", "On m'a volé mon vélo")
        with officer(local_platform) as police:
            police.take(conversation_id)
            police.send(conversation_id, "Voyez /fiches/vol-velo/ avant de porter plainte.")
            sent_at = dt.datetime.now(PARIS)
            police.close(
                conversation_id,
                "plainte_en_ligne",
                [{"label": "Vol de vélo", "url": "/fiches/vol-velo/"}],
            )
        closed = page.locator("[data-chat-closed]")
        closed.get_by_role("button", name="Afficher la conversation à imprimer").click()
        transcript = page.locator("[data-chat-transcript]")
        expect(
            transcript.get_by_role("heading", name="Transcription de votre conversation")
        ).to_be_focused()
        facts = transcript.locator("[data-transcript-facts]")
        expect(facts).to_contain_text(re.compile(r"RéférenceMC-\d{8}-[0-9A-F]{6}"))
        expect(facts).to_contain_text("Réponses")
        times = transcript.locator("[data-transcript-messages] time").all_inner_texts()
        paris = {
            (sent_at + dt.timedelta(minutes=delta)).strftime("%d/%m/%Y %H:%M")
            for delta in (-1, 0, 1)
        }
        assert paris & set(times), (times, paris)
        new_york = sent_at.astimezone(ZoneInfo("America/New_York")).strftime("%d/%m/%Y %H:%M")
        assert new_york not in times
        expect(
            transcript.locator("[data-transcript-messages]").get_by_role(
                "link", name=re.compile("vol-velo")
            )
        ).to_have_attribute("href", f"{local_platform.url}/fiches/vol-velo/")
        expect(transcript.locator("[data-transcript-links]").get_by_role("link")).to_have_attribute(
            "href", f"{local_platform.url}/fiches/vol-velo/"
        )
        expect(transcript).to_contain_text("Orientation donnée")
        expect(transcript).to_contain_text("heure de Paris")
        assert axe_violations(page) == [], "transcript"
        # Printed, only the transcript shows.
        page.emulate_media(media="print")
        expect(transcript).to_be_visible()
        for hidden in (
            "[data-chat-closed]",
            "header.entete",
            "footer.pied",
            ".transcription__actions",
        ):
            expect(page.locator(hidden)).to_be_hidden()
        page.emulate_media(media="screen")
        # The text file says the same.
        with page.expect_download() as download:
            closed.get_by_role("button", name="Télécharger la conversation (texte)").click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert "heure de Paris" in text and "UTC" not in text
        assert f"{local_platform.url}/fiches/vol-velo/" in text
        assert re.search(r"Référence : MC-\d{8}-[0-9A-F]{6}", text)
        assert page.problems == []
    finally:
        context.close()


# -- words -------------------------------------------------------------------------------------


def test_escape_is_only_mentioned_where_there_is_a_keyboard(
    local_platform: Platform, browser: Any, context: Any
) -> None:
    from playwright.sync_api import expect

    touch = open_page(context)
    touch.goto(f"{local_platform.url}/fiches/violences-conjugales/", wait_until="networkidle")
    expect(touch.locator("[data-quick-exit-hint]")).to_be_hidden()
    expect(touch.get_by_text("deux appuis sur Échap")).to_be_hidden()
    # Nor the Enter / Shift+Enter keys of the chat's message box: a phone has a send button.
    touch.goto(f"{local_platform.url}/discuter/", wait_until="networkidle")
    expect(touch.locator("#tchat-message-aide")).to_have_css("display", "none")
    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    try:
        page = desktop.new_page()
        page.goto(f"{local_platform.url}/fiches/violences-conjugales/", wait_until="networkidle")
        expect(page.locator("[data-quick-exit-hint]")).to_have_text(
            "ou appuyez deux fois sur Échap"
        )
        expect(page.get_by_text("deux appuis sur Échap")).to_be_visible()
        page.goto(f"{local_platform.url}/discuter/", wait_until="networkidle")
        expect(page.locator("#tchat-message-aide")).to_have_count(1)
        expect(page.locator("#tchat-message-aide")).to_have_css("display", "block")
    finally:
        desktop.close()
