"""axe (WCAG 2.1 A/AA rules) reports no violation on any page of the citizen site."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "static-site" / "dist"
sys.path.insert(0, str(ROOT / "static-site"))

from sitegen.budget import site_pages  # noqa: E402
from sitegen.builder import build_site  # noqa: E402

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def built_pages() -> list[str]:
    """URL paths of every built page (the local platform serves static-site/dist)."""
    if not (DIST / "index.html").is_file() or not (DIST / "fiches").is_dir():
        build_site(DIST)
    paths = []
    for page in site_pages(DIST):
        relative = page.relative_to(DIST).as_posix()
        paths.append("/" + relative.removesuffix("index.html"))
    return paths


PAGES = built_pages()
CSP_ERRORS: list[str] = []


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    """One tab for the whole module: each test only navigates."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    tab.on(
        "console",
        lambda message: (
            CSP_ERRORS.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield tab
    context.close()


def axe_report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [node["target"] for node in violation["nodes"]][:5]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} → {targets}")
    return "\n".join(lines)


def test_every_page_is_checked() -> None:
    assert len(PAGES) > 60
    assert {"/", "/fiches/fraude-carte-bancaire/", "/orientation/", "/404.html"} <= set(PAGES)


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violation(local_platform: Any, page: Any, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    CSP_ERRORS.clear()
    response = page.goto(local_platform.url + path, wait_until="networkidle")
    assert response is not None
    assert response.status == 200
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    assert violations == [], axe_report(violations)
    assert CSP_ERRORS == []


@pytest.mark.browser
def test_axe_harness_detects_a_violation(local_platform: Any, page: Any) -> None:
    """Guards the check above: under our CSP, axe really runs and reports problems."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(local_platform.url + "/", wait_until="networkidle")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    page.evaluate("document.querySelector('main img').src = '/assets/images/favicon.svg'")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert "image-alt" in {violation["id"] for violation in results.response["violations"]}
