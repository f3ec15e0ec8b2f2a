"""Search that understands how people write: realistic queries on the real built index.

The queries and expected fiches live in bench/search_queries.yaml (shared with `make bench`);
they run in Chromium through the local platform (with its CSP), with the site's own search
modules and pagefind's index — the rates below are measured, not stored.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.search_quality import load_queries, rates, report, run_queries_in  # noqa: E402

pytestmark = pytest.mark.browser

TOP1_TARGET = 0.85
TOP3_TARGET = 0.95


@pytest.fixture(scope="module")
def tab(browser: Any) -> Any:
    context = browser.new_context(locale="fr-FR")
    yield context.new_page()
    context.close()


def test_query_set_is_large_enough_and_points_to_existing_fiches() -> None:
    queries = load_queries()
    assert len(queries) >= 30
    fiches = {path.stem for path in (ROOT / "static-site" / "content" / "fiches").glob("*.md")}
    assert {expected for _, expected in queries} <= fiches
    assert len({query for query, _ in queries}) == len(queries)


def test_realistic_queries_find_the_right_fiche_first(local_platform: Any, tab: Any) -> None:
    results = run_queries_in(tab, local_platform.url, load_queries())
    figures = rates(results)
    assert figures["site.search_top1_rate"] >= TOP1_TARGET, report(results)
    assert figures["site.search_top3_rate"] >= TOP3_TARGET, report(results)


def test_words_no_single_fiche_holds_fall_back_to_word_by_word(
    local_platform: Any, tab: Any
) -> None:
    # No fiche speaks of both: pagefind alone (every word must match) would return nothing.
    [result] = run_queries_in(tab, local_platform.url, [("trottinette procuration", "vol-velo")])
    assert result.fallback
    assert {"vol-velo", "procuration-vote"} <= set(result.top[:2])


def test_no_result_offers_the_wizard_and_the_chat(local_platform: Any, tab: Any) -> None:
    from playwright.sync_api import expect

    tab.goto(f"{local_platform.url}/recherche/?q=zzzqqqxxx", wait_until="networkidle")
    expect(tab.locator("#recherche-statut")).to_contain_text("Aucun résultat", timeout=15_000)
    help_box = tab.locator("#recherche-aide")
    expect(help_box.get_by_role("link", name="répondez à quelques questions")).to_have_attribute(
        "href", "/orientation/"
    )
    expect(
        help_box.get_by_role("link", name="posez votre question à un policier")
    ).to_have_attribute("href", "/discuter/")


def test_search_page_shows_the_fiche_for_an_everyday_sentence(
    local_platform: Any, tab: Any
) -> None:
    from playwright.sync_api import expect

    tab.goto(f"{local_platform.url}/recherche/?q=mon+mari+me+frappe", wait_until="networkidle")
    first = tab.locator("#recherche-resultats > li").first
    expect(first).to_be_visible(timeout=15_000)
    assert first.locator("a").get_attribute("href") == "/fiches/violences-conjugales/"
