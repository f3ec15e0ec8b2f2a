"""Acceptance 2 of issue 6: hostile text stays text in every console view, and axe (WCAG 2.1
A/AA) finds nothing on the console's pages.

Payloads go in as a citizen's messages (first message and later ones), a report's address
and description, a volunteer's name and availability, a survey comment and a canned
response's title and text. No dialog may open, no element may be injected, and each payload
must be shown literally.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.console_pages import (
    OFFICER,
    SUPERVISOR,
    XSS,
    Citizen,
    axe_report,
    axe_violations,
    leave_officer_clean,
    open_console,
    panel,
    post_json,
    set_presence,
    take,
)
from tests.local_platform import Platform, http_json

pytestmark = pytest.mark.browser


def report_body(address: str, description: str) -> dict[str, Any]:
    return {
        "kind": "point_de_deal",
        "location": {"address": address, "postcode": "75010", "commune": "Paris"},
        "observed": {"days": ["lundi", "samedi"]},
        "description": description,
    }


@pytest.fixture
def hostile_data(local_platform: Platform) -> Iterator[dict[str, Any]]:
    """A report, a volunteer and a canned response full of payloads."""
    supervisor = {"Authorization": f"Bearer {local_platform.token(SUPERVISOR)}"}
    status, report = post_json(
        local_platform,
        "/api/reports",
        report_body(f"12 rue {XSS[2][:60]}", " ".join(XSS)),
        **{"Idempotency-Key": uuid.uuid4().hex},
    )
    assert status == 201, report
    status, answer = post_json(
        local_platform,
        "/api/feedback/volunteers",
        {
            "name": XSS[1][:100],
            "reach": "atelier@example.org",
            "availability": XSS[0][:200],
            "consent": True,
        },
    )
    assert status == 201, answer
    status, canned = post_json(
        local_platform,
        "/api/officer/canned",
        {"title": XSS[2][:120], "text": XSS[0]},
        **supervisor,
    )
    assert status == 201, canned
    yield {"report": report, "canned": canned}
    http_json(
        f"{local_platform.url}/api/officer/canned/{canned['id']}",
        method="DELETE",
        headers=supervisor,
    )


def assert_inert(console: Any) -> None:
    page = console.page
    assert console.dialogs == []
    assert page.evaluate("() => window.__xss === undefined")
    assert page.locator("#injected").count() == 0
    assert (
        page.locator("main img[src='x'], main iframe, main svg[onload], main script").count() == 0
    )


def test_hostile_text_stays_text_in_every_console_view(
    browser: Any, local_platform: Platform, hostile_data: dict[str, Any]
) -> None:
    officer = open_console(browser, local_platform, OFFICER)
    citizen = Citizen(local_platform, "autre", XSS[0])
    try:
        set_presence(officer.page, "away")
        take(officer.page, citizen.conversation_id)
        box = panel(officer.page, citizen.conversation_id)
        for payload in XSS[1:]:
            citizen.say(payload)
        for payload in XSS:
            box.locator("li.message .text", has_text=payload).wait_for()
            assert payload in box.locator("li.message .text").all_inner_texts()
        box.locator("summary", has_text="Réponses types").click()
        box.get_by_label("Chercher une réponse type").fill("gras")
        box.locator(".pick-title", has_text=XSS[2][:120]).wait_for()
        box.locator(".pick", has_text=XSS[2][:120]).click()
        assert XSS[0] in box.locator("textarea.reply").input_value()
        assert_inert(officer)

        box.get_by_label("Orientation donnée").select_option("autre")
        box.get_by_role("button", name="Clore la conversation").click()
        citizen.client.wait_for(lambda f: f.get("type") == "closed")
        status, answer = post_json(
            local_platform,
            "/api/feedback/chat",
            {
                "conversation_id": citizen.conversation_id,
                "token": citizen.token,
                "found_easily": "non",
                "understood": "oui",
                "found_service": "oui",
                "rating": 2,
                "comment": " ".join(XSS),
            },
        )
        assert status == 201, answer

        # Reports: the list, the grouped-by-spot view and the detail.
        page = officer.page
        page.click("nav a[data-route=signalements]")
        row = page.locator(".reports-table tbody tr", has_text=XSS[2][:30]).first
        row.wait_for()
        row.locator(".link-button").click()
        page.locator("#report-detail dd", has_text=XSS[3]).wait_for()
        description = page.locator("#report-detail dt:text('Description') + dd").inner_text()
        assert description == " ".join(XSS)
        page.check("#grouping-spots")
        page.locator(".spots-table tbody tr", has_text=XSS[2][:30]).first.wait_for()
        assert_inert(officer)
        assert officer.errors == []
    finally:
        citizen.close()
        officer.close()
        leave_officer_clean(local_platform, OFFICER)

    supervisor = open_console(browser, local_platform, SUPERVISOR)
    try:
        page = supervisor.page
        page.click("nav a[data-route=supervision]")
        page.locator("#canned-admin h4", has_text=XSS[2][:120]).wait_for()
        page.locator("#volunteers td", has_text=XSS[1][:100]).first.wait_for()
        page.locator("#volunteers td", has_text=XSS[0][:200]).first.wait_for()
        page.wait_for_selector("#charts figure[data-chart='survey'] canvas")
        assert_inert(supervisor)
        assert supervisor.errors == []
    finally:
        supervisor.close()


def test_axe_finds_no_violation_on_the_console_pages(
    browser: Any, local_platform: Platform, hostile_data: dict[str, Any]
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        page.goto(f"{local_platform.url}/console/", wait_until="networkidle")
        page.wait_for_selector("#sign-in-form:not([hidden])")
        violations = axe_violations(page)
        assert violations == [], "connexion\n" + axe_report(violations)
        # The sign-in form with its errors shown.
        page.click("#sign-in-form button[type=submit]")
        page.wait_for_selector("#username-erreur")
        violations = axe_violations(page)
        assert violations == [], "connexion (erreurs)\n" + axe_report(violations)
    finally:
        context.close()

    officer = open_console(browser, local_platform, SUPERVISOR)
    officer.page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    citizen = Citizen(local_platform, "vol", "On m'a volé mon sac dans le métro")
    try:
        page = officer.page
        set_presence(page, "away")
        take(page, citizen.conversation_id)
        citizen.say("Il y avait mes papiers dedans.")
        box = panel(page, citizen.conversation_id)
        box.get_by_text("Il y avait mes papiers dedans.").wait_for()
        page.keyboard.type("Je vous explique les démarches.")
        page.keyboard.press("Enter")
        box.locator("li.from-officer[data-seq]").wait_for()
        box.locator("summary", has_text="Réponses types").click()
        box.locator("summary", has_text="Insérer une fiche du site").click()
        violations = axe_violations(page)
        assert violations == [], "espace de travail\n" + axe_report(violations)

        page.click("nav a[data-route=signalements]")
        page.locator(".reports-table tbody tr").first.wait_for()
        page.locator(".reports-table tbody tr .link-button").first.click()
        page.wait_for_selector("#report-detail h2")
        violations = axe_violations(page)
        assert violations == [], "signalements\n" + axe_report(violations)
        page.check("#grouping-spots")
        page.locator(".spots-table tbody tr").first.wait_for()
        violations = axe_violations(page)
        assert violations == [], "signalements par lieu\n" + axe_report(violations)

        page.click("nav a[data-route=supervision]")
        page.wait_for_selector("#charts figure[data-chart='per-day'] canvas")
        page.wait_for_selector("#volunteers table")
        violations = axe_violations(page)
        assert violations == [], "supervision\n" + axe_report(violations)
        assert csp_errors == []
    finally:
        citizen.close()
        officer.close()
        leave_officer_clean(local_platform, SUPERVISOR)


def test_citizen_text_cannot_turn_what_officers_read_round(
    browser: Any, local_platform: Platform
) -> None:
    """Issue 15, finding 8: a right-to-left override in a message reaches the officer
    stripped, and each message is a direction-isolated box (right-to-left scripts too)."""
    officer = open_console(browser, local_platform, OFFICER)
    citizen = Citizen(local_platform, "autre", "Payez \u202e0001\u202c euros sur ce compte")
    try:
        set_presence(officer.page, "away")
        take(officer.page, citizen.conversation_id)
        box = panel(officer.page, citizen.conversation_id)
        citizen.say("شكرا \u2067mixed\u2069 لكم")
        first = box.locator("li.message .text", has_text="Payez")
        first.wait_for()
        assert first.inner_text() == "Payez 0001 euros sur ce compte"
        arabic = box.locator("li.message .text", has_text="mixed")
        arabic.wait_for()
        assert "\u2067" not in arabic.inner_text()
        for text in (first, arabic):
            assert text.get_attribute("dir") == "auto"
            assert text.evaluate("n => getComputedStyle(n).unicodeBidi") == "plaintext"
        assert officer.errors == []
    finally:
        citizen.close()
        officer.close()
        leave_officer_clean(local_platform, OFFICER)
