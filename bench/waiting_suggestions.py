"""Help while waiting: realistic first messages (bench/waiting_messages.yaml) → is the expected
fiche among the (at most 3) fiches the chat widget suggests?

Measured like the search (bench/search_quality.py): headless Chromium opens the built site,
imports pagefind's own `/pagefind/pagefind.js` and the widget's
`/assets/js/chat/suggestions.js`, and asks for the suggestions of every message. Nothing is
reproduced in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.search_quality import CHROMIUM, CHROMIUM_ARGS, serve

HERE = Path(__file__).resolve().parent
MESSAGES_FILE = HERE / "waiting_messages.yaml"

# Runs in the page: the widget's own module, on pagefind's own loader.
_SUGGEST = """
async (messages) => {
  const pagefind = await import("/pagefind/pagefind.js");
  const { PAGEFIND_OPTIONS } = await import("/assets/js/search/engine.js");
  const { suggestFiches } = await import("/assets/js/chat/suggestions.js");
  await pagefind.options(PAGEFIND_OPTIONS);
  await pagefind.init();
  const found = [];
  for (const message of messages) {
    const picked = await suggestFiches(message.topic, message.text, pagefind);
    found.push(picked.map((fiche) => fiche.url));
  }
  return found;
}
"""


@dataclass(frozen=True)
class Suggested:
    text: str
    topic: str
    expected: str  # fiche slug
    suggested: list[str]  # slugs, in the order shown

    @property
    def hit(self) -> bool:
        return self.expected in self.suggested


def load_messages(path: Path = MESSAGES_FILE) -> list[dict[str, str]]:
    return [
        {"topic": entry["topic"], "text": entry["text"], "expect": entry["expect"]}
        for entry in yaml.safe_load(path.read_text("utf-8"))
    ]


def _slug(url: str) -> str:
    return url.strip("/").removeprefix("fiches/").split("/")[0]


def suggest_in(page: Any, base_url: str, messages: list[dict[str, str]]) -> list[Suggested]:
    """Ask an open Playwright page, on the site at `base_url`, for every message's fiches."""
    page.goto(f"{base_url}/", wait_until="load")
    found = page.evaluate(_SUGGEST, [{"topic": m["topic"], "text": m["text"]} for m in messages])
    return [
        Suggested(m["text"], m["topic"], m["expect"], [_slug(url) for url in urls])
        for m, urls in zip(messages, found, strict=True)
    ]


def measure(site: Path, messages: list[dict[str, str]] | None = None) -> list[Suggested]:
    """Launch Chromium on `site` (a built dist/) and get every message's suggestions."""
    from playwright.sync_api import sync_playwright

    messages = messages or load_messages()
    with serve(site) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return suggest_in(browser.new_page(), base_url, messages)
        finally:
            browser.close()


def rates(results: list[Suggested]) -> dict[str, float]:
    return {
        "site.waiting_suggestions_messages": len(results),
        "site.waiting_suggestions_hit_rate": round(
            sum(result.hit for result in results) / len(results), 3
        ),
    }


def report(results: list[Suggested]) -> str:
    """One line per message whose fiche was not suggested."""
    return "\n".join(
        f"missed: « {r.text[:70]}… » ({r.topic}) → {r.expected} ; got {r.suggested}"
        for r in results
        if not r.hit
    )


if __name__ == "__main__":
    import sys

    dist = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "static-site" / "dist"
    found = measure(dist)
    print(report(found) or "every message gets its fiche")
    print(rates(found))
