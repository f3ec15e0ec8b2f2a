"""Citizen site: the heaviest page (HTML + CSS + JS, gzip), the number of pages, search
quality (share of realistic queries whose fiche comes first / in the first three), and help
while waiting (share of realistic first chat messages whose fiche is among the 3 suggested).

Measured on static-site/dist, built first when missing. The budget is 60 KB per page
(docs/site.md); pagefind's index chunks and WebAssembly are not counted. Search runs the built
pagefind index in headless Chromium with the site's own search modules (bench/search_quality.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "static-site"
DIST = SITE / "dist"


def run() -> dict[str, float]:
    if str(SITE) not in sys.path:
        sys.path.insert(0, str(SITE))
    from sitegen.budget import page_weight, site_pages
    from sitegen.builder import build_site

    if not (DIST / "index.html").is_file():
        build_site(DIST)
    from bench import waiting_suggestions
    from bench.search_quality import measure, rates

    weights = [page_weight(DIST, page) for page in site_pages(DIST)]
    heaviest = max(weight.total for weight in weights)
    return {
        "site.max_page_kb_gzip": round(heaviest / 1024, 2),
        "site.pages": len(weights),
        **rates(measure(DIST)),
        **waiting_suggestions.rates(waiting_suggestions.measure(DIST)),
    }
