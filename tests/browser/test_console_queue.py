"""The queue as officers live it (issue 12), in Chromium against the local platform: an urgent
conversation reaches an officer at capacity (« Prendre en priorité »), a conversation given
back to the queue goes to a colleague (not back to who gave it), and a console tab closed
with conversations open: the citizen is told and the conversation is requeued at the head of
its lane (a platform of its own, with a short grace period and a fast sweeper)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.console_pages import (
    OFFICER,
    Citizen,
    axe_report,
    axe_violations,
    leave_officer_clean,
    open_console,
    panel,
    set_presence,
    tab,
    take,
)
from tests.local_platform import Platform, start_platform, stop_platform

pytestmark = pytest.mark.browser

COLLEAGUE = "officier2"


def test_an_urgent_conversation_reaches_an_officer_at_capacity(
    browser: Any, local_platform: Platform
) -> None:
    console = open_console(browser, local_platform, OFFICER)
    page = console.page
    citizens: list[Citizen] = []
    try:
        page.evaluate(
            "window.__urgentChimes = 0; addEventListener('console:chime',"
            " (event) => event.detail.kind === 'urgent' && window.__urgentChimes++)"
        )
        set_presence(page, "away")
        page.select_option("#capacity", "1")
        page.locator("#load", has_text="(maximum : 1)").wait_for()
        held = Citizen(local_platform, "demarches", "Une question de procuration")
        citizens.append(held)
        take(page, held.conversation_id)
        set_presence(page, "online")  # at capacity: nothing more is assigned automatically
        page.locator("#load", has_text="1 conversation en cours (maximum : 1)").wait_for()

        urgent = Citizen(local_platform, "violences", "Mon conjoint me menace")
        citizens.append(urgent)
        offer = page.locator("#urgent-offers")
        offer.wait_for()  # pushed: no ping, no click
        assert "Violences" in page.inner_text("#urgent-offers-text")
        page.locator(
            f"#queue-list li.urgent[data-conversation-id='{urgent.conversation_id}']"
        ).wait_for()
        violations = axe_violations(page)
        assert violations == [], axe_report(violations)
        page.click("#take-priority")
        tab(page, urgent.conversation_id).wait_for()
        assert page.evaluate("document.activeElement.id") == f"reply-{urgent.conversation_id}"
        page.locator(
            "#load", has_text="2 conversations en cours : au-delà de votre maximum (1)"
        ).wait_for()
        offer.wait_for(state="hidden")
        urgent.client.wait_for(lambda f: f.get("type") == "assigned", 15)
        assert console.dialogs == []
    finally:
        for citizen in citizens:
            citizen.close()
        console.close()
        leave_officer_clean(local_platform, OFFICER)


def test_a_conversation_given_back_to_the_queue_goes_to_a_colleague_with_the_note(
    browser: Any, local_platform: Platform
) -> None:
    first = open_console(browser, local_platform, OFFICER)
    second = open_console(browser, local_platform, COLLEAGUE)
    citizens: list[Citizen] = []
    try:
        set_presence(first.page, "away")
        set_presence(second.page, "away")
        # The colleague is busier: without the rule, the conversation would come back to the
        # least loaded officer — the one who gave it back.
        busy = Citizen(local_platform, "autre", "Première conversation")
        citizens.append(busy)
        take(second.page, busy.conversation_id)
        mine = Citizen(local_platform, "vol", "On a volé mon téléphone")
        citizens.append(mine)
        take(first.page, mine.conversation_id)
        set_presence(second.page, "online")
        set_presence(first.page, "online")

        box = panel(first.page, mine.conversation_id)
        box.get_by_label("Note pour le ou la collègue (facultatif)").fill(
            "Usager pressé : a déjà porté plainte hier."
        )
        box.get_by_role("button", name="Transférer").click()
        tab(first.page, mine.conversation_id).wait_for(state="detached")
        first.page.locator("#notice", has_text="remise dans la file").wait_for()

        tab(second.page, mine.conversation_id).wait_for()
        second.page.locator(
            f"#panel-{mine.conversation_id} .notes", has_text="a déjà porté plainte hier"
        ).wait_for(state="attached")
        assert tab(first.page, mine.conversation_id).count() == 0
        mine.client.wait_for(
            lambda f: f.get("type") == "message" and "autre policier" in f.get("text", ""), 15
        )
        assert "porté plainte hier" not in str(mine.client.all())
    finally:
        for citizen in citizens:
            citizen.close()
        first.close()
        second.close()
        leave_officer_clean(local_platform, OFFICER)
        leave_officer_clean(local_platform, COLLEAGUE)


@pytest.fixture(scope="module")
def short_grace() -> Iterator[Platform]:
    """A platform of its own: officers' grace 6 s, the sweeper every 3 s (20 times faster)."""
    platform = start_platform(
        ["--schedule-speed", "20", "--no-seed"], env={"OFFICER_GRACE_SECONDS": "6"}
    )
    yield platform
    stop_platform(platform)


def test_a_console_tab_closed_with_open_chats_tells_the_citizen_and_requeues_them(
    browser: Any, short_grace: Platform
) -> None:
    gone = open_console(browser, short_grace, OFFICER)
    colleague = None
    citizens: list[Citizen] = []
    try:
        set_presence(gone.page, "away")
        held = Citizen(short_grace, "vol", "Mon vélo a disparu")
        citizens.append(held)
        take(gone.page, held.conversation_id)
        waiting = Citizen(short_grace, "autre", "J'attends mon tour")  # joined before the requeue
        citizens.append(waiting)

        gone.page.close()  # the tab goes: no dialog, no goodbye
        told = held.client.wait_for(
            lambda f: (
                f.get("type") == "message" and "passe à un ou une collègue" in f.get("text", "")
            ),
            30,
        )
        assert told["sender"] == "system"
        # Requeued at the head of its lane: ahead of the one that joined before it.
        colleague = open_console(browser, short_grace, COLLEAGUE)
        set_presence(colleague.page, "away")
        colleague.page.click("#take-next")
        tab(colleague.page, held.conversation_id).wait_for()
        assert tab(colleague.page, waiting.conversation_id).count() == 0
        panel(colleague.page, held.conversation_id).get_by_text(
            "Mon vélo a disparu", exact=True
        ).wait_for()
    finally:
        for citizen in citizens:
            citizen.close()
        gone.close()
        if colleague:
            colleague.close()
        leave_officer_clean(short_grace, COLLEAGUE)
