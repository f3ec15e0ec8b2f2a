"""Citizen journeys in Chromium: wizard by keyboard, search, quick exit, small screens."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.browser

EXIT_URL = "https://www.google.fr/"


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile; the quick-exit target is answered locally (no internet)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.route(
        f"{EXIT_URL}**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Sortie</title><p>Sortie</p>"
        ),
    )
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


def focused_text(page: Any) -> str:
    return str(
        page.evaluate("document.activeElement ? document.activeElement.textContent : ''")
    ).strip()


def tab_to(page: Any, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element reads `text` (keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_text(page) == text:
            return
    raise AssertionError(f"« {text} » is not reachable with Tab")


# -- orientation wizard ---------------------------------------------------------------


def test_keyboard_only_path_through_the_wizard_reaches_a_fiche(
    local_platform: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{local_platform.url}/orientation/", wait_until="networkidle")
    page.evaluate("window.sameDocument = true")  # survives in-place steps, not reloads

    tab_to(page, "J'ai été victime d'une arnaque ou d'une fraude")
    page.keyboard.press("Enter")
    heading = page.locator("h1")
    expect(heading).to_have_text("Que s'est-il passé ?")
    expect(heading).to_be_focused()
    assert page.url.endswith("/orientation/arnaque/")

    tab_to(page, "Des paiements par carte que je n'ai pas faits")
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Notre conseil")
    expect(heading).to_be_focused()
    expect(page.locator(".resultat")).to_contain_text("Perceval")
    assert page.url.endswith("/orientation/fraude-carte-result/")
    assert page.evaluate("window.sameDocument") is True, "the wizard reloaded the page"

    tab_to(page, "Fraude à la carte bancaire")
    page.keyboard.press("Enter")
    page.wait_for_url("**/fiches/fraude-carte-bancaire/")
    expect(page.locator("h1")).to_have_text("Fraude à la carte bancaire")


def test_wizard_back_button_returns_to_the_previous_question(
    local_platform: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{local_platform.url}/orientation/", wait_until="networkidle")
    page.get_by_role("link", name="On m'a volé quelque chose").click()
    expect(page.locator("h1")).to_have_text("Qu'est-ce qui a été volé ?")
    page.get_by_role("link", name="Mon vélo").click()
    expect(page.locator("h1")).to_have_text("Notre conseil")
    page.go_back()
    expect(page.locator("h1")).to_have_text("Qu'est-ce qui a été volé ?")
    expect(page.locator("h1")).to_be_focused()
    assert page.url.endswith("/orientation/vol/")
    page.go_back()
    expect(page.locator("h1")).to_have_text("Que vous est-il arrivé ?")
    page.reload()  # every state is a real page
    expect(page.locator("h1")).to_have_text("Que vous est-il arrivé ?")


def test_wizard_shows_quick_exit_once_violence_is_chosen(local_platform: Any, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{local_platform.url}/orientation/", wait_until="networkidle")
    exit_link = page.get_by_role("link", name="Quitter rapidement")
    expect(exit_link).to_be_hidden()
    page.get_by_role("link", name="J'ai subi des violences ou du harcèlement").click()
    expect(page.locator("h1")).to_have_text("Quelle situation vous concerne ?")
    expect(exit_link).to_be_visible()


def test_wizard_works_without_javascript(browser: Any, local_platform: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{local_platform.url}/orientation/")
        page.get_by_role("link", name="J'ai perdu mes papiers, ou on utilise mon identité").click()
        page.wait_for_url("**/orientation/papiers/")
        page.get_by_role("link", name="Quelqu'un utilise mon identité").click()
        page.wait_for_url("**/orientation/usurpation-result/")
        page.locator(".resultat__fiche a").click()
        page.wait_for_url("**/fiches/usurpation-identite/")
        assert "Que faire maintenant ?" in page.content()
    finally:
        context.close()


# -- search ---------------------------------------------------------------------------


def test_search_for_carte_bancaire_shows_the_perceval_fiche_first(
    local_platform: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{local_platform.url}/", wait_until="networkidle")
    page.get_by_label("Mots-clés (par exemple : carte bancaire, vol de vélo)").fill(
        "carte bancaire"
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche/?q=carte+bancaire")
    first = page.locator("#recherche-resultats > li").first
    expect(first).to_be_visible(timeout=15_000)
    link = first.locator("a")
    assert link.get_attribute("href") == "/fiches/fraude-carte-bancaire/"
    expect(link).to_have_text("Fraude à la carte bancaire")
    expect(page.locator("#recherche-statut")).to_contain_text("pour « carte bancaire »")
    # Excerpts are built as DOM nodes: highlighted words are <mark>, no markup shows as text.
    assert first.locator("mark").count() >= 1
    assert "<mark>" not in first.inner_text()
    expect(page.locator("#recherche-sans-js")).to_be_hidden()


def test_search_without_results_offers_other_ways(local_platform: Any, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{local_platform.url}/recherche/?q=zzzqqqxxx", wait_until="networkidle")
    expect(page.locator("#recherche-statut")).to_contain_text("Aucun résultat", timeout=15_000)
    expect(page.get_by_role("link", name="la liste de toutes les fiches").last).to_be_visible()


# -- quick exit -----------------------------------------------------------------------


def test_quick_exit_replaces_the_page_and_clears_storage(local_platform: Any, page: Any) -> None:
    page.goto(f"{local_platform.url}/", wait_until="networkidle")
    page.goto(f"{local_platform.url}/discuter/", wait_until="networkidle")
    page.evaluate("sessionStorage.setItem('resume', 'secret'); localStorage.setItem('x', '1')")
    page.get_by_role("link", name="Quitter rapidement").click()
    page.wait_for_url(EXIT_URL)
    # location.replace: Back skips the page that was left.
    page.go_back()
    page.wait_for_url(f"{local_platform.url}/")
    assert page.evaluate("[sessionStorage.length, localStorage.length]") == [0, 0]


def test_escape_twice_leaves_a_sensitive_page(local_platform: Any, page: Any) -> None:
    page.goto(f"{local_platform.url}/fiches/violences-conjugales/", wait_until="networkidle")
    page.evaluate("sessionStorage.setItem('resume', 'secret')")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)


def test_quick_exit_works_without_javascript(browser: Any, local_platform: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    context.route(
        f"{EXIT_URL}**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Sortie</title>"
        ),
    )
    try:
        page = context.new_page()
        page.goto(f"{local_platform.url}/discuter/")
        page.get_by_role("link", name="Quitter rapidement").click()
        page.wait_for_url(EXIT_URL)
    finally:
        context.close()


# -- chat status ----------------------------------------------------------------------


def test_chat_status_shows_officers_and_wait_when_the_api_answers(
    local_platform: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    status = {"officers_online": 3, "waiting": 2, "estimated_wait_seconds": 240, "open": True}
    page.route(
        "**/api/status",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(status)
        ),
    )
    page.goto(f"{local_platform.url}/", wait_until="networkidle")
    expect(page.locator("[data-chat-status]")).to_have_text(
        "3 policiers en ligne · attente estimée : environ 4 minutes"
    )


def test_chat_status_degrades_to_a_plain_link_when_the_api_fails(
    local_platform: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    page.route("**/api/status", lambda route: route.fulfill(status=503, body="indisponible"))
    page.goto(f"{local_platform.url}/", wait_until="networkidle")
    expect(page.locator("[data-chat-status]")).to_be_hidden()
    expect(page.get_by_role("link", name="Discuter avec un policier").last).to_be_visible()


# -- layout ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/fiches/violences-conjugales/",
        "/orientation/",
        "/recherche/?q=vol",
        "/donnees-personnelles/",
        "/discuter/",
    ],
)
def test_no_horizontal_scroll_at_360_px(browser: Any, local_platform: Any, path: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(local_platform.url + path, wait_until="networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide"
    finally:
        context.close()


def test_unknown_address_gets_the_french_404(local_platform: Any, page: Any) -> None:
    response = page.goto(f"{local_platform.url}/cette-page-n-existe-pas/")
    assert response is not None and response.status == 404
    assert re.search("Page introuvable", page.content())


# -- issue 14: quick exit leaves no trace it can control, tel: links, visible focus ----------


def test_quick_exit_from_the_violence_fiche_then_back_does_not_show_it(
    local_platform: Any, page: Any
) -> None:
    page.goto(f"{local_platform.url}/", wait_until="networkidle")
    page.goto(f"{local_platform.url}/fiches/violences-conjugales/", wait_until="networkidle")
    assert page.title() == "Informations pratiques"  # neutral in the tab and the history
    page.get_by_role("link", name="Quitter rapidement").click()
    page.wait_for_url(EXIT_URL)
    page.go_back()
    page.wait_for_url(f"{local_platform.url}/")
    assert "violences" not in page.url


def test_quick_exit_steps_over_the_sensitive_pages_visited_just_before(
    local_platform: Any, page: Any
) -> None:
    page.goto(f"{local_platform.url}/", wait_until="networkidle")
    page.goto(f"{local_platform.url}/fiches/violences-conjugales/", wait_until="networkidle")
    page.locator("#liees-titre + ul").get_by_role("link", name="Violences sexuelles").click()
    page.wait_for_url("**/fiches/violences-sexuelles/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Quitter rapidement").click()
    page.wait_for_url(EXIT_URL)
    page.go_back()
    page.wait_for_url(f"{local_platform.url}/")


def test_quick_exit_from_the_wizard_steps_over_its_violence_questions(
    local_platform: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{local_platform.url}/", wait_until="networkidle")
    page.goto(f"{local_platform.url}/orientation/", wait_until="networkidle")
    page.get_by_role("link", name="J'ai subi des violences ou du harcèlement").click()
    expect(page.locator("h1")).to_have_text("Quelle situation vous concerne ?")
    page.get_by_role("link", name="Des violences de mon conjoint ou ex-conjoint").click()
    expect(page.locator("h1")).to_have_text("Notre conseil")
    assert page.title() == "Informations pratiques"
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)
    page.go_back()
    page.wait_for_url(re.compile(r".*/orientation/$"))
    expect(page.locator("h1")).to_have_text("Que vous est-il arrivé ?")


def test_emergency_result_offers_quick_exit_and_tel_links(local_platform: Any, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{local_platform.url}/orientation/", wait_until="networkidle")
    page.get_by_role("link", name="Je suis en danger maintenant").click()
    expect(page.locator("h1")).to_have_text("Notre conseil")
    advice = page.locator(".resultat")
    expect(advice.get_by_role("link", name="17", exact=True)).to_have_attribute("href", "tel:17")
    expect(advice.get_by_role("link", name="112", exact=True)).to_have_attribute("href", "tel:112")
    expect(advice.get_by_role("link", name="114", exact=True)).to_have_attribute("href", "sms:114")
    expect(page.get_by_role("link", name="Quitter rapidement")).to_be_visible()
    page.reload()  # the page itself, without the script's rendering
    expect(page.locator(".resultat a[href='tel:17']")).to_have_count(1)
    expect(page.get_by_role("link", name="Quitter rapidement")).to_be_visible()


def test_help_lines_in_fiches_can_be_tapped(local_platform: Any, page: Any) -> None:
    page.goto(f"{local_platform.url}/fiches/violences-conjugales/", wait_until="networkidle")
    hrefs = set(page.locator("main a.numero").evaluate_all("links => links.map(a => a.href)"))
    assert {"tel:3919", "tel:17", "tel:112", "sms:114", "tel:116006"} <= hrefs


def test_wizard_previous_question_goes_back_one_step(local_platform: Any, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{local_platform.url}/orientation/", wait_until="networkidle")
    page.get_by_role("link", name="Je veux signaler quelque chose").click()
    page.get_by_role("link", name="Un enfant en danger").click()
    expect(page.locator("h1")).to_have_text("Notre conseil")
    page.get_by_role("link", name="Question précédente").click()
    expect(page.locator("h1")).to_have_text("Que voulez-vous signaler ?")  # the one answered
    expect(page.locator("h1")).to_be_focused()


def test_wizard_previous_question_works_without_javascript(
    browser: Any, local_platform: Any
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{local_platform.url}/orientation/vol/")
        page.get_by_role("link", name="Question précédente").click()
        page.wait_for_url(re.compile(r".*/orientation/$"))
    finally:
        context.close()


def test_date_and_time_fields_show_a_visible_focus(local_platform: Any, page: Any) -> None:
    page.goto(f"{local_platform.url}/signaler/point-de-deal/", wait_until="networkidle")
    for selector in ("input[type='date']", "input[type='time']"):
        field = page.locator(selector).first
        before = field.evaluate(
            "e => getComputedStyle(e).boxShadow + getComputedStyle(e).outlineStyle"
        )
        field.focus()
        style = field.evaluate(
            "e => { const s = getComputedStyle(e);"
            " return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; }"
        )
        assert style["outline"] != "none" and style["width"] != "0px", (selector, style)
        assert style["shadow"] != "none", (selector, style)
        assert before != style["shadow"] + style["outline"], selector
