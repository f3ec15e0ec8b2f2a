"""Debian's Chromium as the tests and the bench drive it (Playwright cannot download browsers
here: `make test` installs the `chromium` package)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
# Headless on a machine without a GPU, a sandbox or outside network: no background calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
