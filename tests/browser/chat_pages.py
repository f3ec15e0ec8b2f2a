"""Shared pieces of the chat widget and form browser tests (no test here): an officer driven
over the WebSocket protocol from Python, the widget's sessionStorage, axe.

The session-wide platform is shared with other tests: our officers are officier2/officier3,
stay « away » (nothing is pushed to them unasked), take our citizen with `take_next`, close
what other tests left waiting on the way, and end offline with nothing open.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.e2e.ws_client import WsClient
from tests.local_platform import Platform

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHAT_KEY = "moncommissariat.tchat"
SURVEY_KEY = "moncommissariat.avis"
EXIT_URL = "https://www.google.fr/"


class Officer:
    """An officer's console socket, speaking docs/protocol.md."""

    def __init__(self, platform: Platform, username: str) -> None:
        token = platform.token(username)
        self.client = WsClient(f"{platform.ws_url}?role=officer&token={token}", username)
        state = self.client.request({"type": "hello"}, "officer_state")
        assert state["type"] == "officer_state", state
        state = self.client.request(
            {"type": "presence", "status": "away", "capacity": 8}, "officer_state"
        )
        assert state["type"] == "officer_state", state

    def take(self, conversation_id: str, attempts: int = 60) -> None:
        """`take_next` until `conversation_id` is ours; others met on the way are closed."""
        for _ in range(attempts):
            answer = self.client.request({"type": "take_next"}, ("taken",))
            if answer["type"] == "taken":
                if answer["conversation_id"] == conversation_id:
                    self.client.wait_for(
                        lambda f: (
                            f["type"] == "conversation_assigned"
                            and f["conversation"]["conversation_id"] == conversation_id
                        )
                    )
                    return
                self.close(answer["conversation_id"], "autre")
            else:
                time.sleep(0.2)  # queue_empty: the join is still being written
        raise AssertionError(f"conversation {conversation_id} never came")

    def send(self, conversation_id: str, text: str) -> int:
        ack = self.client.request(
            {
                "type": "send",
                "conversation_id": conversation_id,
                "client_id": uuid.uuid4().hex,
                "text": text,
            },
            "ack",
        )
        assert ack["type"] == "ack", ack
        return int(ack["seq"])

    def typing(self, conversation_id: str) -> None:
        self.client.send({"type": "typing", "conversation_id": conversation_id})

    def read(self, conversation_id: str, seq: int) -> None:
        self.client.send({"type": "read", "conversation_id": conversation_id, "seq": seq})

    def close(
        self, conversation_id: str, outcome: str, links: list[dict[str, str]] | None = None
    ) -> None:
        answer = self.client.request(
            {
                "type": "close",
                "conversation_id": conversation_id,
                "outcome": outcome,
                "links": links or [],
            },
            ("ok",),
        )
        assert answer["type"] == "ok", answer

    def citizen_messages(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every citizen message this officer received for the conversation (with repeats)."""
        found = []
        for frame in self.client.all():
            if frame["type"] == "message":
                candidates = [frame]
            elif frame["type"] == "conversation_assigned":
                candidates = frame["conversation"].get("messages", [])
            else:
                continue
            found += [
                m
                for m in candidates
                if m.get("conversation_id", conversation_id) == conversation_id
                and m.get("sender") == "citizen"
                and m.get("kind") == "message"
            ]
        return found

    def wait_citizen_text(self, conversation_id: str, text: str, timeout: float = 15) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(m["text"] == text for m in self.citizen_messages(conversation_id)):
                return
            time.sleep(0.05)
        raise AssertionError(f"the officer never received « {text} »")

    def leave(self) -> None:
        """Close whatever is still open, go offline, hang up."""
        try:
            state = self.client.request({"type": "hello"}, "officer_state")
            for conversation in state.get("conversations", []):
                self.client.request(
                    {
                        "type": "close",
                        "conversation_id": conversation["conversation_id"],
                        "outcome": "autre",
                        "links": [],
                    },
                    ("ok",),
                )
            self.client.request({"type": "presence", "status": "offline"}, "officer_state")
        finally:
            self.client.close()


@contextmanager
def officer(platform: Platform, username: str = "officier2") -> Iterator[Officer]:
    driven = Officer(platform, username)
    try:
        yield driven
    finally:
        driven.leave()


def saved_chat(page: Any) -> dict[str, Any] | None:
    """The widget's sessionStorage entry (conversation id, token, last seq…)."""
    return page.evaluate(f"JSON.parse(sessionStorage.getItem('{CHAT_KEY}') || 'null')")


def wait_conversation_id(page: Any, timeout: float = 15) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        saved = saved_chat(page)
        if saved and saved.get("conversationId"):
            return str(saved["conversationId"])
        time.sleep(0.05)
    raise AssertionError("the widget never joined")


def axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
    ]


def new_context(browser: Any, width: int = 1280, height: int = 900) -> Any:
    """A fresh profile; the quick-exit page is answered locally (no internet here)."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="fr-FR", accept_downloads=True
    )
    context.route(
        f"{EXIT_URL}**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Sortie</title><p>Sortie</p>"
        ),
    )
    return context


def watch(page: Any) -> list[str]:
    """Collect dialogs (an XSS would alert), page errors and CSP complaints."""
    problems: list[str] = []

    def on_dialog(dialog: Any) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return problems
