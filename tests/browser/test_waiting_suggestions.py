"""Help while waiting: realistic first chat messages → the fiche that helps, among the 3 the
widget suggests. Measured in Chromium through the local platform (with its CSP), with the
widget's own module and pagefind's index: the rate is measured, not stored.

The messages and expected fiches live in bench/waiting_messages.yaml (shared with `make bench`,
``site.waiting_suggestions_hit_rate``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.waiting_suggestions import load_messages, rates, report, suggest_in  # noqa: E402

pytestmark = pytest.mark.browser

HIT_RATE_TARGET = 0.80


def test_the_message_set_is_large_enough_and_points_to_existing_fiches() -> None:
    messages = load_messages()
    assert len(messages) >= 20
    fiches = {path.stem for path in (ROOT / "static-site" / "content" / "fiches").glob("*.md")}
    assert {m["expect"] for m in messages} <= fiches
    assert len({m["text"] for m in messages}) == len(messages)


def test_realistic_first_messages_get_their_fiche_among_the_suggestions(
    local_platform: Any, browser: Any
) -> None:
    context = browser.new_context(locale="fr-FR")
    try:
        results = suggest_in(context.new_page(), local_platform.url, load_messages())
    finally:
        context.close()
    assert all(len(r.suggested) <= 3 for r in results)
    assert rates(results)["site.waiting_suggestions_hit_rate"] >= HIT_RATE_TARGET, report(results)
