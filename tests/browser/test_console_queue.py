"""The queue as officers live it (issue 12), in Chromium against the local platform: an urgent
conversation reaches an officer at capacity (« Prendre en priorité »), a conversation given
back to the queue goes to a colleague (not back to who gave it), and a console tab closed
with conversations open: the citizen is told and the conversation is requeued at the head of
its lane (a platform of its own, with a short grace period and a fast sweeper)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.console_pages import (
    ConsolePage,
    Desk,
    assert_no_axe_violations,
    panel,
    set_presence,
    tab,
    take,
)
from tests.local_platform import Platform, start_platform, stop_platform

pytestmark = pytest.mark.browser

COLLEAGUE = "officier2"


def test_an_urgent_conversation_reaches_an_officer_at_capacity(desk: Desk) -> None:
    console = desk.console()
    page = console.page
    page.evaluate(
        "window.__urgentChimes = 0; addEventListener('console:chime',"
        " (event) => event.detail.kind === 'urgent' && window.__urgentChimes++)"
    )
    set_presence(page, "away")
    page.select_option("#capacity", "1")
    page.locator("#load", has_text="(maximum : 1)").wait_for()
    held = desk.citizen("demarches", "Une question de procuration")
    take(page, held.conversation_id)
    set_presence(page, "online")  # at capacity: nothing more is assigned automatically
    page.locator("#load", has_text="1 conversation en cours (maximum : 1)").wait_for()

    urgent = desk.citizen("violences", "Mon conjoint me menace")
    offer = page.locator("#urgent-offers")
    offer.wait_for()  # pushed: no ping, no click
    assert "Violences" in page.inner_text("#urgent-offers-text")
    waiting = page.locator(
        f"#queue-list li.urgent[data-conversation-id='{urgent.conversation_id}']"
    )
    waiting.wait_for()
    # Urgent first, with the first words of its first message (officers only).
    kinds = page.eval_on_selector_all(
        "#queue-list li", "items => items.map(li => li.classList.contains('urgent'))"
    )
    assert kinds == sorted(kinds, reverse=True)  # every urgent one before the others
    assert "« Mon conjoint me menace »" in waiting.inner_text()
    assert_no_axe_violations(page)
    page.click("#take-priority")
    tab(page, urgent.conversation_id).wait_for()
    assert page.evaluate("document.activeElement.id") == f"reply-{urgent.conversation_id}"
    page.locator(
        "#load", has_text="2 conversations en cours : au-delà de votre maximum (1)"
    ).wait_for()
    offer.wait_for(state="hidden")
    urgent.client.wait_for(lambda f: f.get("type") == "assigned", 15)
    assert console.dialogs == []


@pytest.fixture
def officer_and_colleague(desk: Desk) -> tuple[ConsolePage, ConsolePage]:
    """officier1's console and their colleague officier2's, both away (nothing pushed)."""
    first = desk.console()
    second = desk.console(COLLEAGUE)
    set_presence(first.page, "away")
    set_presence(second.page, "away")
    return first, second


def test_a_conversation_given_back_to_the_queue_goes_to_a_colleague_with_the_note(
    desk: Desk, officer_and_colleague: tuple[ConsolePage, ConsolePage]
) -> None:
    first, second = officer_and_colleague
    # The colleague is busier: without the rule, the conversation would come back to the
    # least loaded officer — the one who gave it back.
    busy = desk.citizen("autre", "Première conversation")
    take(second.page, busy.conversation_id)
    mine = desk.citizen("vol", "On a volé mon téléphone")
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


@pytest.fixture(scope="module")
def short_grace() -> Iterator[Platform]:
    """A platform of its own: officers' grace 6 s, the sweeper every 3 s (20 times faster)."""
    platform = start_platform(
        ["--schedule-speed", "20", "--no-seed"], env={"OFFICER_GRACE_SECONDS": "6"}
    )
    yield platform
    stop_platform(platform)


def test_a_console_tab_closed_with_open_chats_tells_the_citizen_and_requeues_them(
    desk: Desk, short_grace: Platform
) -> None:
    gone = desk.console(platform=short_grace)
    set_presence(gone.page, "away")
    held = desk.citizen("vol", "Mon vélo a disparu", short_grace)
    take(gone.page, held.conversation_id)
    waiting = desk.citizen("autre", "J'attends mon tour", short_grace)  # joined before the requeue

    gone.page.close()  # the tab goes: no dialog, no goodbye
    told = held.client.wait_for(
        lambda f: f.get("type") == "message" and "passe à un ou une collègue" in f.get("text", ""),
        30,
    )
    assert told["sender"] == "system"
    # Requeued at the head of its lane: ahead of the one that joined before it.
    colleague = desk.console(COLLEAGUE, short_grace)
    set_presence(colleague.page, "away")
    colleague.page.click("#take-next")
    tab(colleague.page, held.conversation_id).wait_for()
    assert tab(colleague.page, waiting.conversation_id).count() == 0
    panel(colleague.page, held.conversation_id).get_by_text(
        "Mon vélo a disparu", exact=True
    ).wait_for()


def test_a_conversation_transferred_to_a_named_colleague_arrives_with_the_note(
    desk: Desk, officer_and_colleague: tuple[ConsolePage, ConsolePage]
) -> None:
    first, second = officer_and_colleague  # away: only a named transfer reaches the colleague
    mine = desk.citizen("escroquerie", "Un faux conseiller m'a appelé")
    take(first.page, mine.conversation_id)

    box = panel(first.page, mine.conversation_id)
    to = box.get_by_label("À qui ?")
    to.focus()  # the colleagues are read when the list gets the focus
    colleague = to.locator("option", has_text="Agent Karim Benali")
    colleague.wait_for(state="attached")
    # Named, with presence and load; never an impossible « 2 sur 1 ».
    assert "en pause, 0 conversation sur 4" in colleague.inner_text()
    assert to.locator("option", has_text="Agent Camille Martin").count() == 0  # not oneself
    to.select_option(label=colleague.inner_text())
    box.get_by_label("Note pour le ou la collègue (facultatif)").fill(
        "Victime âgée, a donné son code : à orienter vers la banque."
    )
    assert_no_axe_violations(first.page)
    box.get_by_role("button", name="Transférer").click()
    tab(first.page, mine.conversation_id).wait_for(state="detached")
    first.page.locator("#notice", has_text="transférée à votre collègue").wait_for()

    tab(second.page, mine.conversation_id).wait_for()
    notes = second.page.locator(f"#panel-{mine.conversation_id} .notes")
    notes.get_by_text("a donné son code", exact=False).wait_for(state="attached")
    assert "Agent Camille Martin" in notes.inner_text()
    mine.client.wait_for(
        lambda f: f.get("type") == "message" and "autre policier" in f.get("text", ""), 15
    )
    assert "a donné son code" not in str(mine.client.all())
    assert first.dialogs == [] and second.dialogs == []


def test_given_back_while_no_colleague_is_online_the_console_says_it_may_come_back(
    desk: Desk,
) -> None:
    console = desk.console()
    page = console.page
    citizen = desk.citizen("vol", "On a volé ma voiture cette nuit")
    set_presence(page, "away")
    take(page, citizen.conversation_id)
    panel(page, citizen.conversation_id).get_by_role("button", name="Transférer").click()
    tab(page, citizen.conversation_id).wait_for(state="detached")
    page.locator(
        "#notice", has_text="Aucun autre policier n'est en ligne : elle pourra vous revenir."
    ).wait_for()
    # Back in the queue (this officer is away: nothing is pushed back to them).
    page.locator(f"#queue-list li[data-conversation-id='{citizen.conversation_id}']").wait_for()
    assert console.dialogs == []
