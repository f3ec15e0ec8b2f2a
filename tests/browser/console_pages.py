"""Shared pieces of the console browser tests (no test here): sign-in, a citizen driven over
the WebSocket protocol, an officer taking a given conversation, and the cleanup that leaves
officier1 offline with nothing open."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.ws_client import WsClient
from tests.local_platform import Platform, http_json

OFFICER = "officier1"
SUPERVISOR = "superviseur"
PASSWORD = "Commissariat-2026!"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

XSS = [
    "<img src=x onerror=\"window.__xss=(window.__xss||0)+1;alert('xss')\">",
    "<script>window.__xss=(window.__xss||0)+1;alert('xss')</script>",
    "<svg/onload=alert('xss')><b id=\"injected\">gras</b>",
    "javascript:alert('xss') \"'><iframe src=\"javascript:alert(1)\"></iframe>",
]


@dataclass
class ConsolePage:
    """A browser context signed in to the console, with what went wrong on the way."""

    context: Any
    page: Any
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.context.close()


# Desktop notifications recorded instead of shown (headless Chromium shows none): the
# permission starts unasked, « Activer les notifications du bureau » grants it.
FAKE_NOTIFICATIONS = """
window.__notifications = [];
class FakeNotification {
  static permission = "default";
  static requestPermission() {
    FakeNotification.permission = "granted";
    return Promise.resolve("granted");
  }
  constructor(title, options = {}) {
    this.title = title; this.body = options.body; this.tag = options.tag; this.closed = false;
    window.__notifications.push(this);
  }
  close() { this.closed = true; }
}
window.Notification = FakeNotification;
"""


_PLATFORMS: dict[int, Platform] = {}  # each console page's platform (failure messages)


def open_console(
    browser: Any,
    platform: Platform,
    username: str = OFFICER,
    width: int = 1280,
    init_script: str | None = None,
) -> ConsolePage:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.set_default_timeout(15_000)
    console = ConsolePage(context, page)
    _PLATFORMS[id(page)] = platform

    def on_dialog(dialog: Any) -> None:
        console.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: console.errors.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: (
            console.errors.append(message.text)
            if message.type == "error"
            and "favicon" not in message.text
            and "Failed to load resource" not in message.text
            else None
        ),
    )
    page.goto(f"{platform.url}/console/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_selector("#view-conversations:not([hidden])")
    page.wait_for_function(
        "() => document.querySelector('#connection-state').dataset.state === 'connected'"
    )
    page.wait_for_function("() => document.querySelector('#load').textContent.length > 0")
    return console


@contextmanager
def signed_in(browser: Any, platform: Platform, username: str = OFFICER) -> Iterator[Any]:
    """The console page of ``username``; then closed, and the officer left clean."""
    console = open_console(browser, platform, username)
    try:
        yield console.page
    finally:
        console.close()
        leave_officer_clean(platform, username)


def set_presence(page: Any, status: str, open_conversations: str = "requeue") -> None:
    """Choose a presence; going offline with conversations open asks first: answer with
    ``open_conversations`` (« requeue »: give them back to the queue, « stay »)."""
    page.check(f"#presence-{status}")
    page.wait_for_function(
        f"() => document.body.dataset.presence === '{status}'"
        " || document.querySelector('#leave-dialog').open"
    )
    if page.evaluate("document.querySelector('#leave-dialog').open"):
        page.click(f"#leave-{open_conversations}")
        if open_conversations == "stay":
            return
    page.wait_for_function(f"() => document.body.dataset.presence === '{status}'")


class Citizen:
    """A citizen speaking the WebSocket protocol (the site's chat widget stands in later)."""

    def __init__(self, platform: Platform, topic: str = "vol", text: str | None = None) -> None:
        self.client = WsClient(platform.ws_url, name="citizen")
        frame: dict[str, Any] = {"type": "join", "topic": topic}
        if text:
            frame["text"] = text
        joined = self.client.request(frame, "joined")
        assert joined["type"] == "joined", joined
        self.conversation_id: str = joined["conversation_id"]
        self.token: str = joined["token"]

    def say(self, text: str) -> int:
        ack = self.client.request(
            {"type": "send", "client_id": uuid.uuid4().hex[:16], "text": text}, "ack"
        )
        assert ack["type"] == "ack", ack
        return int(ack["seq"])

    def typing(self) -> None:
        self.client.send({"type": "typing"})

    def read(self, seq: int) -> None:
        self.client.send({"type": "read", "seq": seq})

    def wait_message(self, text: str, timeout: float = 15) -> dict[str, Any]:
        def matches(frame: dict[str, Any]) -> bool:
            if frame.get("type") == "message":
                return frame.get("text") == text
            if frame.get("type") == "history":
                return any(m.get("text") == text for m in frame.get("messages", []))
            return False

        return self.client.wait_for(matches, timeout)

    def officer_texts(self) -> list[str]:
        return [
            m["text"]
            for m in self.client.messages()
            if m.get("sender") == "officer" and m.get("kind") == "message"
        ]

    def close(self) -> None:
        self.client.close()


def tab(page: Any, conversation_id: str) -> Any:
    return page.locator(f"#tabs [role=tab][data-conversation-id='{conversation_id}']")


def panel(page: Any, conversation_id: str) -> Any:
    return page.locator(f"#panels [role=tabpanel][data-conversation-id='{conversation_id}']")


def open_ids(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#tabs [role=tab]:not(.ended)", "tabs => tabs.map(t => t.dataset.conversationId)"
    )


def close_in_console(page: Any, conversation_id: str, outcome: str = "autre") -> None:
    """Close a conversation from its tab (used for conversations left by other tests)."""
    tab(page, conversation_id).click()
    box = panel(page, conversation_id)
    box.locator("select[id^=outcome-]").select_option(outcome)
    box.locator(".close-form button[type=submit]").click()
    tab(page, conversation_id).wait_for(state="detached")


def take(page: Any, conversation_id: str, within: float = 60, keep: Iterable[str] = ()) -> None:
    """« Prendre la suivante » until our citizen's conversation is ours; conversations that
    other tests left waiting are closed on the way (they would otherwise block capacity).
    ``keep``: the test's other citizens, left open when they come first — a join enters the
    queue just after its ``joined`` frame, so a citizen who joined later can be ahead.
    ``within``: a bound, not a timing — an empty queue is asked again until then (on two
    cores shared with Chromium and another worker's platform starting, a join's second half
    has been seen to take seconds)."""
    deadline = time.time() + within
    while time.time() < deadline:
        if tab(page, conversation_id).count():
            return
        before = set(open_ids(page))
        page.click("#take-next")
        answered = time.time() + 10
        new: set[str] = set()
        while time.time() < answered:
            new = set(open_ids(page)) - before
            if new or tab(page, conversation_id).count():
                break
            error = page.text_content("#take-next-error") or ""
            if error.strip():
                break
            time.sleep(0.05)
        for other in new - {conversation_id, *keep}:
            close_in_console(page, other)
        if not new:
            time.sleep(0.3)  # the queue is still being written (join → waiting)
    if not tab(page, conversation_id).count():
        raise AssertionError(f"conversation {conversation_id} never came: {_whereabouts(page)}")


def _whereabouts(page: Any) -> str:
    """What the platform says of the queue and the officers (a failure's explanation)."""
    platform = _platform_of(page)
    if platform is None:
        return "platform unknown"
    queue = api_get(platform, "/api/officer/queue")
    officers = api_get(platform, "/api/officer/officers")
    failures = [
        line
        for line in list(platform.output)[-400:]
        if "Traceback" in line or "failed" in line or "Error" in line
    ]
    return json.dumps(
        {"queue": queue, "officers": officers, "platform": failures[-20:]}, ensure_ascii=False
    )[:6000]


def _platform_of(page: Any) -> Platform | None:
    return _PLATFORMS.get(id(page))


def officer_socket(platform: Platform, username: str = OFFICER) -> WsClient:
    token = platform.token(username)
    return WsClient(f"{platform.ws_url}?role=officer&token={token}", name=username)


def leave_officer_clean(platform: Platform, username: str = OFFICER) -> None:
    """Close whatever the officer still holds and put them offline (shared platform)."""
    officer = officer_socket(platform, username)
    try:
        state = officer.request({"type": "hello"}, "officer_state")
        for conversation in state.get("conversations", []):
            officer.request(
                {
                    "type": "close",
                    "conversation_id": conversation["conversation_id"],
                    "outcome": "autre",
                    "links": [],
                },
                ("ok",),
            )
        # Offline, at the default capacity (a test may have lowered it).
        officer.request({"type": "presence", "status": "offline", "capacity": 4}, "officer_state")
    finally:
        officer.close()


class Desk:
    """The consoles and citizens a test opens (on ``platform`` unless told otherwise), closed
    after it: the citizens, then the consoles, then each officer left offline with nothing
    open (the platform is shared)."""

    def __init__(self, browser: Any, platform: Platform) -> None:
        self.browser = browser
        self.platform = platform
        self.consoles: list[tuple[ConsolePage, Platform, str]] = []
        self.citizens: list[Citizen] = []

    def console(
        self, username: str = OFFICER, platform: Platform | None = None, **options: Any
    ) -> ConsolePage:
        on = platform or self.platform
        # Clean before as well as after: a clean-up's socket and the closed console's last
        # frames race (two connections, last write wins), and a test once found its officer
        # with the previous test's capacity and conversations.
        leave_officer_clean(on, username)
        opened = open_console(self.browser, on, username, **options)
        self.consoles.append((opened, on, username))
        return opened

    def citizen(
        self, topic: str = "vol", text: str | None = None, platform: Platform | None = None
    ) -> Citizen:
        joined = Citizen(platform or self.platform, topic, text)
        self.citizens.append(joined)
        return joined

    def close(self) -> None:
        for citizen in self.citizens:
            citizen.close()
        for console, _, _ in self.consoles:
            console.close()
        for _, platform, username in self.consoles:
            leave_officer_clean(platform, username)


def assert_no_axe_violations(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], axe_report(violations)


def api_get(platform: Platform, path: str, username: str = SUPERVISOR) -> Any:
    status, body = platform.get(
        path, headers={"Authorization": f"Bearer {platform.token(username)}"}
    )
    assert status == 200, (path, status, body)
    return body


def post_json(platform: Platform, path: str, body: dict[str, Any], **headers: str) -> Any:
    return http_json(
        f"{platform.url}{path}",
        method="POST",
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
    )


def axe_violations(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return list(results.response["violations"])


def axe_report(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    )
