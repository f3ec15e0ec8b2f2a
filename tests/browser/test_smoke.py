"""Smoke: Debian's Chromium opens the citizen site and the console on the local platform."""

from __future__ import annotations

from typing import Any

import pytest

from tests.local_platform import Platform

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("path", "heading"), [("/", "commissariat"), ("/console/", "onsole")])
def test_site_and_console_open_in_chromium(
    local_platform: Platform, browser: Any, path: str, heading: str
) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(local_platform.url + path)
    assert response is not None and response.status == 200
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert heading in page.locator("h1").first.inner_text()
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert errors == []
    page.close()
