"""Browser tier: Debian's Chromium driven by Playwright, against the local platform."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local.chromium import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (one per test process)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(context: Any) -> Any:
    """A tab of the module's ``context`` fixture that collects dialogs (an XSS would alert),
    page errors and CSP complaints in ``page.problems``."""
    from tests.browser.chat_pages import watch

    tab = context.new_page()
    tab.problems = watch(tab)
    return tab
