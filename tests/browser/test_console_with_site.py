"""Acceptance 1 of issue 6 end to end in two browsers: a citizen on the site's chat widget
(/discuter/) and an officer on the console hold a whole conversation; the officer closes it
with an orientation; the citizen answers the survey on /avis/; the supervisor's dashboard
counts both."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import pytest

from tests.browser.console_pages import (
    OFFICER,
    SUPERVISOR,
    leave_officer_clean,
    open_console,
    panel,
    set_presence,
    tab,
    take,
)
from tests.local_platform import Platform

pytestmark = pytest.mark.browser

CHAT_KEY = "moncommissariat.tchat"  # the widget's sessionStorage entry


def kpi_value(page: Any, name: str) -> float:
    text = page.locator(f"#kpis [data-kpi='{name}'] dd").inner_text()
    return float(re.sub(r"[^\d,]", "", text).replace(",", ".") or 0)


def wait_kpi_above(page: Any, name: str, before: float) -> None:
    page.wait_for_function(
        "([name, before]) => parseFloat(document.querySelector(`#kpis [data-kpi='${name}'] dd`)"
        ".textContent.replace(/[^\\d,]/g, '').replace(',', '.')) > before",
        arg=[name, before],
    )


def widget_conversation_id(page: Any, timeout: float = 15) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        saved = page.evaluate(f"() => JSON.parse(sessionStorage.getItem('{CHAT_KEY}') || 'null')")
        if saved and saved.get("conversationId"):
            return str(saved["conversationId"])
        time.sleep(0.05)
    raise AssertionError("the chat widget never joined")


def test_citizen_on_the_site_and_officer_on_the_console_then_survey_and_dashboard(
    browser: Any, local_platform: Platform
) -> None:
    supervisor = open_console(browser, local_platform, SUPERVISOR)
    officer = open_console(browser, local_platform, OFFICER)
    citizen_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    citizen = citizen_context.new_page()
    citizen.set_default_timeout(15_000)
    citizen_dialogs: list[str] = []
    citizen.on("dialog", lambda dialog: (citizen_dialogs.append(dialog.message), dialog.dismiss()))
    try:
        supervisor.page.click("nav a[data-route=supervision]")
        supervisor.page.wait_for_selector("#kpis [data-kpi='closed']")
        closed_before = kpi_value(supervisor.page, "closed")
        survey_before = kpi_value(supervisor.page, "survey")
        set_presence(officer.page, "away")

        marker = uuid.uuid4().hex[:6]
        first = f"Bonjour, mon vélo a été volé devant chez moi ({marker})"
        citizen.goto(f"{local_platform.url}/discuter/?sujet=vol", wait_until="networkidle")
        citizen.get_by_label("Votre question (facultatif)").fill(first)
        citizen.get_by_role("button", name="Commencer la conversation").click()
        conversation_id = widget_conversation_id(citizen)

        page = officer.page
        take(page, conversation_id)
        box = panel(page, conversation_id)
        box.get_by_text(first).wait_for()
        # Typed key by key, as an officer would, right after « Prendre la suivante »: the
        # reply box has the focus as soon as the conversation's tab is there (it used to get
        # it one frame later, after `taken`, so the first keys went to the button — a space
        # there takes another conversation — and the citizen got a truncated message).
        assert page.evaluate("document.activeElement.id") == f"reply-{conversation_id}"
        page.keyboard.type("Avez-vous le numéro de série (bicycode) du vélo ?")
        page.keyboard.press("Enter")
        box.locator("li.from-officer[data-seq]").wait_for()
        citizen.locator("[data-chat-log]").get_by_text(
            "Avez-vous le numéro de série (bicycode) du vélo ?"
        ).wait_for()

        citizen.get_by_label("Votre message").fill("Oui, je l'ai noté sur la facture.")
        citizen.get_by_label("Votre message").press("Enter")
        box.get_by_text("Oui, je l'ai noté sur la facture.").wait_for()
        # The citizen's page is visible: the officer's message shows « Lu ».
        box.locator("li.from-officer .receipt", has_text="Lu").wait_for()

        box.get_by_label("Orientation donnée").select_option("plainte_en_ligne")
        box.get_by_role("button", name="Ajouter un lien").click()
        box.get_by_label("Intitulé du lien 1").fill("Vol de vélo : que faire ?")
        box.get_by_label("Adresse du lien 1").fill("/fiches/vol-velo/")
        box.get_by_role("button", name="Clore la conversation").click()
        tab(page, conversation_id).wait_for(state="detached")

        closed = citizen.locator("[data-chat-closed]")
        closed.get_by_text("Plainte en ligne ou Visioplainte").first.wait_for()
        assert (
            closed.get_by_role("link", name="Vol de vélo : que faire ?").get_attribute("href")
            == "/fiches/vol-velo/"
        )
        closed.get_by_role("link", name="Donner mon avis").click()
        citizen.wait_for_url("**/avis/")
        survey = citizen.locator("[data-survey='chat']")
        survey.wait_for()
        for legend, answer in (
            ("Nous avez-vous trouvé facilement ?", "Oui"),
            ("Avez-vous compris nos réponses ?", "Oui"),
            ("Avez-vous trouvé le service que vous cherchiez ?", "En partie"),
        ):
            survey.locator("fieldset", has_text=legend).get_by_label(answer, exact=True).check()
        survey.locator("fieldset", has_text="Quelle note").get_by_label("5", exact=True).check()
        survey.get_by_label("Un commentaire ? (facultatif)").fill("Réponse rapide et claire.")
        survey.get_by_role("button", name="Envoyer mon avis").click()
        citizen.locator("[data-survey-done]").wait_for()

        supervisor.page.click("#dashboard-refresh")
        wait_kpi_above(supervisor.page, "closed", closed_before)
        wait_kpi_above(supervisor.page, "survey", survey_before)
        supervisor.page.locator(
            "figure[data-chart='outcomes'] table", has_text="Plainte en ligne ou Visioplainte"
        ).wait_for(state="attached")
        assert citizen_dialogs == [] and officer.dialogs == [] and supervisor.dialogs == []
        assert officer.errors == [] and supervisor.errors == []
    finally:
        citizen_context.close()
        officer.close()
        supervisor.close()
        leave_officer_clean(local_platform, OFFICER)
        leave_officer_clean(local_platform, SUPERVISOR)
