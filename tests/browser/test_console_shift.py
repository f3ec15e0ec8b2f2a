"""A busy shift at the console (issue 12), in Chromium against the local platform: a pushed
conversation stays signalled until opened (badge, title count, desktop notification),
keyboard-only work across three conversations with a canned response inserted with « / »,
drafts that survive a reload, the read-only history of ended conversations, and axe on each
of these states. Citizens speak the WebSocket protocol from Python."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.console_pages import (
    FAKE_NOTIFICATIONS,
    OFFICER,
    Citizen,
    Desk,
    assert_no_axe_violations,
    close_in_console,
    panel,
    set_presence,
    tab,
    take,
)
from tests.local_platform import Platform

pytestmark = pytest.mark.browser

WORKSPACE_KEY = "moncommissariat.console.workspace"


@pytest.fixture
def console(desk: Desk) -> Iterator[Any]:
    """officier1's console, away (nothing pushed unasked), desktop notifications recorded."""
    opened = desk.console(init_script=FAKE_NOTIFICATIONS)
    set_presence(opened.page, "away")
    yield opened
    assert opened.dialogs == []
    assert opened.errors == []


def title_count(page: Any) -> int:
    title = page.title()
    return int(title[1 : title.index(")")]) if title.startswith("(") else 0


def test_a_pushed_conversation_stays_signalled_until_it_is_opened(
    local_platform: Platform, console: Any
) -> None:
    page = console.page
    page.click("#notify-enable")
    page.locator("#notify-state", has_text="activées").wait_for()
    assert page.locator("#notify-enable").is_hidden()
    set_presence(page, "online")
    citizen = Citizen(local_platform, "vol", f"On a forcé ma porte ({uuid.uuid4().hex[:6]})")
    try:
        cid = citizen.conversation_id
        tab(page, cid).wait_for()
        badge = tab(page, cid).locator(".badge")
        assert badge.inner_text().startswith("Nouvelle")
        entry = page.locator(f"#to-open-list button[data-open='{cid}']")
        assert entry.is_visible()
        assert title_count(page) >= 1
        notifications = page.evaluate(
            "() => window.__notifications.map(n => ({title: n.title, body: n.body,"
            " tag: n.tag, closed: n.closed}))"
        )
        mine = [n for n in notifications if n["tag"] == f"conversation-{cid}"]
        assert mine and mine[0]["title"] == "Nouvelle conversation" and not mine[0]["closed"]
        assert "forcé" not in (mine[0]["body"] or "")  # no citizen text on a desktop
        assert_no_axe_violations(page)

        # Still there a while later: nothing fades away by itself.
        page.wait_for_timeout(1500)
        assert entry.is_visible() and badge.is_visible() and title_count(page) >= 1

        count_before = title_count(page)
        entry.click()
        assert tab(page, cid).get_attribute("aria-selected") == "true"
        assert page.evaluate("document.activeElement.id") == f"reply-{cid}"
        assert badge.is_hidden()
        assert page.locator(f"#to-open-list button[data-open='{cid}']").count() == 0
        assert title_count(page) < count_before
        assert page.evaluate(
            f"() => window.__notifications.find(n => n.tag === 'conversation-{cid}').closed"
        )
    finally:
        set_presence(page, "away")
        citizen.close()


def test_keyboard_only_across_three_conversations_and_a_canned_response_with_slash(
    desk: Desk, console: Any
) -> None:
    page = console.page
    citizens = [
        desk.citizen(topic, f"{text} ({uuid.uuid4().hex[:6]})")
        for topic, text in (
            ("vol", "Mon vélo a disparu"),
            ("escroquerie", "Un faux conseiller bancaire"),
            ("demarches", "Une procuration"),
        )
    ]
    for citizen in citizens:
        take(page, citizen.conversation_id)
    ids = page.eval_on_selector_all(
        "#tabs [role=tab]", "tabs => tabs.map(t => t.dataset.conversationId)"
    )
    assert [c.conversation_id for c in citizens] == [
        i for i in ids if i in {c.conversation_id for c in citizens}
    ]
    order = [i for i in ids if i in {c.conversation_id for c in citizens}]
    # Tabs tell the conversations apart: the last message, and how long it has waited.
    firsts = ("Mon vélo a disparu", "Un faux conseiller bancaire", "Une procuration")
    for citizen, text in zip(citizens, firsts, strict=True):
        line = tab(page, citizen.conversation_id)
        assert line.locator(".tab-preview").inner_text().startswith(f"Usager : {text} (")
        expect(line.locator(".tab-waiting")).to_have_text(
            re.compile(r"^Attend votre réponse depuis \d")
        )

    def focused() -> str:
        return str(page.evaluate("document.activeElement.id"))

    page.keyboard.press(f"Alt+{ids.index(order[0]) + 1}")
    assert focused() == f"reply-{order[0]}"
    assert tab(page, order[0]).get_attribute("aria-selected") == "true"
    page.locator("#notice", has_text=f"Conversation {ids.index(order[0]) + 1} sur").wait_for()
    for expected in (order[1], order[2]):
        page.keyboard.press("Alt+ArrowDown")
        assert focused() == f"reply-{expected}"
    page.keyboard.press("Alt+ArrowUp")
    assert focused() == f"reply-{order[1]}"
    page.keyboard.press("Alt+ArrowDown")
    assert focused() == f"reply-{order[2]}"

    # « / » in an empty reply opens the canned responses, cursor in their search.
    page.keyboard.press("/")
    search = panel(page, order[2]).get_by_label("Chercher une réponse type")
    assert search.evaluate("node => node === document.activeElement")
    assert page.evaluate(
        f"document.activeElement === document.querySelector('#panel-{order[2]} input[type=search]')"
    )
    assert panel(page, order[2]).locator("textarea.reply").input_value() == ""
    page.keyboard.type("plainte en ligne")
    panel(page, order[2]).locator(".pick-list button").first.wait_for()
    assert_no_axe_violations(page)
    page.keyboard.press("Enter")
    assert focused() == f"reply-{order[2]}"
    reply = panel(page, order[2]).locator("textarea.reply").input_value()
    assert "entièrement en ligne" in reply and "/fiches/plainte-en-ligne/" in reply
    page.keyboard.press("Enter")
    citizens[2].client.wait_for(
        lambda f: f.get("type") == "message" and "entièrement en ligne" in f.get("text", ""),
        15,
    )
    answered = tab(page, order[2])
    expect(answered.locator(".tab-preview")).to_have_text(re.compile("^Vous : "))
    expect(answered.locator(".tab-waiting")).to_be_hidden()
    expect(tab(page, order[1]).locator(".tab-waiting")).to_be_visible()

    # The help lists the shortcuts; Échap closes it.
    page.keyboard.press("Alt+k")
    page.locator("#shortcuts-dialog[open]").wait_for()
    assert_no_axe_violations(page)
    page.keyboard.press("Escape")
    page.locator("#shortcuts-dialog[open]").wait_for(state="detached")


def test_drafts_selection_and_closing_links_survive_a_reload_then_the_history_reads_it(
    local_platform: Platform, console: Any
) -> None:
    page = console.page
    marker = uuid.uuid4().hex[:6]
    first = Citizen(local_platform, "vol", f"Vol de sac ({marker})")
    second = Citizen(local_platform, "autre", f"Autre question ({marker})")
    try:
        ours = {first.conversation_id, second.conversation_id}
        take(page, first.conversation_id, keep=ours)
        take(page, second.conversation_id, keep=ours)
        cid = first.conversation_id
        tab(page, cid).click()
        box = panel(page, cid)
        box.locator("textarea.reply").click()
        page.keyboard.type("Je prépare ma réponse, ")
        box.get_by_label("Orientation donnée").select_option("commissariat")
        box.get_by_role("button", name="Ajouter un lien").click()
        box.get_by_label("Intitulé du lien 1").fill("Trouver un commissariat")
        box.get_by_label("Adresse du lien 1").fill("https://www.masecurite.interieur.gouv.fr/")

        page.reload()
        page.wait_for_function(
            "() => document.querySelector('#connection-state').dataset.state === 'connected'"
        )
        tab(page, cid).wait_for()
        page.wait_for_function(
            f"() => document.querySelector('#tab-{cid}').getAttribute('aria-selected') === 'true'"
        )
        box = panel(page, cid)
        assert box.locator("textarea.reply").input_value() == "Je prépare ma réponse, "
        assert box.get_by_label("Orientation donnée").input_value() == "commissariat"
        assert box.get_by_label("Intitulé du lien 1").input_value() == "Trouver un commissariat"
        assert (
            box.get_by_label("Adresse du lien 1").input_value()
            == "https://www.masecurite.interieur.gouv.fr/"
        )
        # No gesture since the reload: the browser keeps audio off, and the console says so.
        assert page.inner_text("#sound-state").startswith("Son coupé par le navigateur")
        page.get_by_role("button", name="Activer le son").click()
        page.locator("#sound-state", has_text="Son activé.").wait_for()
        assert page.locator("#sound-enable").is_hidden()

        # Going offline with conversations open asks first; « Rester en ligne » keeps them.
        page.check("#presence-offline")
        page.locator("#leave-dialog[open]").wait_for()
        assert "2 conversations en cours" in page.inner_text("#leave-text")
        assert_no_axe_violations(page)
        page.click("#leave-stay")
        assert page.evaluate("document.body.dataset.presence") == "away"
        assert page.is_checked("#presence-away")

        box.locator("textarea.reply").click()
        page.keyboard.press("End")
        page.keyboard.type("allez au commissariat le plus proche.")
        page.keyboard.press("Enter")
        first.wait_message("Je prépare ma réponse, allez au commissariat le plus proche.")
        box.get_by_role("button", name="Clore la conversation").click()
        tab(page, cid).wait_for(state="detached")
        saved = json.loads(page.evaluate(f"sessionStorage.getItem('{WORKSPACE_KEY}')") or "{}")
        assert cid not in saved.get("conversations", {})

        # The history lists it and reads it back, read-only.
        page.click("nav a[data-route=historique]")
        row = page.locator(f"#history-rows tr[data-conversation-id='{cid}']")
        row.wait_for()
        assert "Se rendre au commissariat" in row.inner_text()
        assert (
            page.locator(
                f"#history-rows tr[data-conversation-id='{second.conversation_id}']"
            ).count()
            == 0
        )
        row.get_by_role("button").click()
        detail = page.locator("#history-detail")
        detail.get_by_text(f"Vol de sac ({marker})").wait_for()
        detail.get_by_text("allez au commissariat le plus proche.").wait_for()
        assert detail.locator("textarea, input").count() == 0
        assert page.evaluate("document.activeElement.id") == "history-detail-title"
        assert_no_axe_violations(page)
        page.locator("#history-topic").select_option("autre")
        page.click("#history-filters button[type=submit]")
        page.locator("#history-status", has_text="Aucune conversation").wait_for()
        assert time.time() > 0
    finally:
        first.close()
        second.close()


def history_of_today(page: Any) -> None:
    page.click("nav a[data-route=historique]")
    page.wait_for_function(
        "() => /terminée/.test(document.querySelector('#history-status').textContent)"
    )


def test_the_history_lists_an_officer_their_own_and_a_supervisor_everyone_s(
    desk: Desk, console: Any
) -> None:
    from tests.browser.console_pages import SUPERVISOR

    page = console.page
    marker = uuid.uuid4().hex[:6]
    citizen = desk.citizen("escroquerie", f"Arnaque au faux RIB ({marker})")
    colleague = desk.console("officier2")
    supervisor = desk.console(SUPERVISOR)
    cid = citizen.conversation_id
    take(page, cid)
    page.keyboard.type("Prévenez votre banque et portez plainte.")
    page.keyboard.press("Enter")
    citizen.wait_message("Prévenez votre banque et portez plainte.")
    close_in_console(page, cid, "plainte_en_ligne")

    # A colleague who never held it does not see it.
    history_of_today(colleague.page)
    assert colleague.page.locator(f"#history-rows tr[data-conversation-id='{cid}']").count() == 0
    assert colleague.page.locator("#history-rows th", has_text="Policier").count() == 0

    # The supervisor sees every conversation of the unit, with who handled it.
    sup = supervisor.page
    history_of_today(sup)
    assert "Toutes les conversations terminées de l'unité" in sup.inner_text("#history-scope")
    row = sup.locator(f"#history-rows tr[data-conversation-id='{cid}']")
    row.wait_for()
    assert "Agent Camille Martin" in row.inner_text()
    assert "Plainte en ligne" in row.inner_text()
    assert_no_axe_violations(sup)
    row.get_by_role("button").click()
    detail = sup.locator("#history-detail")
    detail.get_by_text(f"Arnaque au faux RIB ({marker})").wait_for()
    detail.get_by_text("Prévenez votre banque et portez plainte.").wait_for()
    assert "Agent Camille Martin" in detail.locator("dl.facts").inner_text()
    assert detail.locator("textarea, input, select").count() == 0
    assert colleague.dialogs == [] and supervisor.dialogs == []


def test_the_dashboard_updates_by_itself_with_officers_now_and_whole_counts(
    desk: Desk,
) -> None:
    from tests.browser.console_pages import SUPERVISOR

    supervisor = desk.console(SUPERVISOR)
    officer = desk.console(OFFICER)
    set_presence(officer.page, "away")
    page = supervisor.page
    page.click("nav a[data-route=supervision]")
    page.wait_for_selector("#charts figure[data-chart='by-hour'] canvas")
    row = page.locator("#officers-now tr", has_text="Agent Camille Martin")
    row.wait_for()
    assert "En pause" in row.inner_text()

    def started() -> int:
        return int(page.locator("#kpis [data-kpi='started'] dd").inner_text().replace("\u202f", ""))

    before = started()
    desk.citizen("vol", "Bonjour")  # a conversation starts
    # No click: the dashboard reads its figures again by itself (every 30 s at most).
    page.wait_for_function(
        "before => parseInt(document.querySelector(\"#kpis [data-kpi='started'] dd\")"
        ".textContent.replace(/\\D/g, '')) > before",
        arg=before,
        timeout=45_000,
    )
    assert started() == before + 1
    # Count axes show whole numbers; long labels are on several lines, never cut.
    ticks = page.evaluate(
        "() => Array.from(document.querySelectorAll('#charts canvas')).flatMap(canvas => {"
        " const chart = Chart.getChart(canvas); const unit = canvas.closest('figure')"
        ".dataset.chart === 'times'; if (unit) return [];"
        " const axis = chart.options.indexAxis === 'y' ? chart.scales.x : chart.scales.y;"
        " return axis.ticks.map(t => t.value); })"
    )
    assert ticks and all(float(value).is_integer() for value in ticks)
    survey_labels = page.evaluate(
        "() => Chart.getChart(document.querySelector(\"figure[data-chart='survey'] canvas\"))"
        ".data.labels"
    )
    question = "Avez-vous trouvé le service que vous cherchiez\u00a0?"
    assert [" ".join(lines) for lines in survey_labels if isinstance(lines, list)].count(
        question
    ) == 1
    assert_no_axe_violations(page)


def test_a_chat_on_drugs_becomes_a_prefilled_report_in_the_triage_queue(
    local_platform: Platform, console: Any
) -> None:
    from tests.browser.console_pages import api_get

    page = console.page
    citizen = Citizen(
        local_platform, "stupefiants", f"Ça deale devant le 4 ({uuid.uuid4().hex[:6]})"
    )
    try:
        take(page, citizen.conversation_id)
        box = panel(page, citizen.conversation_id)
        box.get_by_text("Signaler un point de deal").click()
        description = box.get_by_label("Description")
        expect(description).to_have_value(re.compile("D'après l'usager.*Ça deale devant le 4"))
        box.get_by_role("button", name="Créer le signalement").click()
        assert (
            box.get_by_label("Adresse (numéro et voie, ou lieu)").get_attribute("aria-invalid")
            == "true"
        )
        box.get_by_label("Adresse (numéro et voie, ou lieu)").fill("4 rue des Lilas")
        box.get_by_label("Code postal").fill("75019")
        box.get_by_label("Commune").fill("Paris")
        box.get_by_label("vendredi").check()
        assert_no_axe_violations(page)
        box.get_by_role("button", name="Créer le signalement").click()
        box.locator(".report-tool [role=status]", has_text="Signalement créé").wait_for()
        history = api_get(
            local_platform, f"/api/officer/conversations/{citizen.conversation_id}", OFFICER
        )
        report_id = next(e["report_id"] for e in history["history"] if e["event"] == "reported")
        report = api_get(local_platform, f"/api/officer/reports/{report_id}", OFFICER)
        assert (report["status"], report["conversation_id"]) == ("recu", citizen.conversation_id)
        assert "Ça deale devant le 4" in report["description"]
        assert report_id not in str(citizen.client.all())  # nothing of it reaches the citizen
    finally:
        citizen.close()
