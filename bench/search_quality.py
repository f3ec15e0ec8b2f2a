"""Search quality: realistic queries (bench/search_queries.yaml) → rank of the expected fiche.

Measured on the real built index, the way a visitor's browser does it: headless Chromium opens
the built site (served from 127.0.0.1), imports pagefind's own `/pagefind/pagefind.js` and the
site's `/assets/js/search/engine.js` (stop-words, synonyms, word-by-word fallback), and runs
every query. Nothing is reproduced in Python: a change to the index, the weights, the keywords
or the engine shows in the figures.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from local.chromium import CHROMIUM, CHROMIUM_ARGS

HERE = Path(__file__).resolve().parent
QUERIES_FILE = HERE / "search_queries.yaml"

# Runs in the page: the same modules and options as /recherche/.
_RUN_QUERIES = """
async (queries) => {
  const pagefind = await import("/pagefind/pagefind.js");
  const { configure, searchFiches } = await import("/assets/js/search/engine.js");
  await configure(pagefind);
  const ranked = [];
  for (const query of queries) {
    const search = await searchFiches(pagefind, query);
    const top = await Promise.all(search.results.slice(0, 5).map((result) => result.data()));
    ranked.push({ urls: top.map((data) => data.url), fallback: search.fallback });
  }
  return ranked;
}
"""


@dataclass(frozen=True)
class QueryResult:
    query: str
    expected: str  # fiche slug
    top: list[str]  # slugs, best first
    fallback: bool

    @property
    def rank(self) -> int | None:
        return self.top.index(self.expected) + 1 if self.expected in self.top else None


def load_queries(path: Path = QUERIES_FILE) -> list[tuple[str, str]]:
    return [(entry["q"], entry["expect"]) for entry in yaml.safe_load(path.read_text("utf-8"))]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """The built site over HTTP on a free loopback port (module scripts need http://)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _slug(url: str) -> str:
    return url.strip("/").removeprefix("fiches/").split("/")[0]


def run_queries_in(page: Any, base_url: str, queries: list[tuple[str, str]]) -> list[QueryResult]:
    """Run `queries` in an open Playwright page against the site at `base_url`."""
    page.goto(f"{base_url}/recherche/", wait_until="load")
    ranked = page.evaluate(_RUN_QUERIES, [query for query, _ in queries])
    return [
        QueryResult(query, expected, [_slug(url) for url in found["urls"]], found["fallback"])
        for (query, expected), found in zip(queries, ranked, strict=True)
    ]


def measure(site: Path, queries: list[tuple[str, str]] | None = None) -> list[QueryResult]:
    """Launch Chromium on `site` (a built dist/) and rank every query."""
    from playwright.sync_api import sync_playwright

    queries = queries or load_queries()
    with serve(site) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            return run_queries_in(page, base_url, queries)
        finally:
            browser.close()


def rates(results: list[QueryResult]) -> dict[str, float]:
    count = len(results)
    top1 = sum(1 for result in results if result.rank == 1)
    top3 = sum(1 for result in results if result.rank is not None and result.rank <= 3)
    return {
        "site.search_queries": count,
        "site.search_top1_rate": round(top1 / count, 3),
        "site.search_top3_rate": round(top3 / count, 3),
    }


def report(results: list[QueryResult]) -> str:
    """One line per query that did not rank its fiche first (for test failures and tuning)."""
    return "\n".join(
        f"rank {result.rank or '-'}: « {result.query} » → {result.expected} ; got {result.top[:3]}"
        + (" (fallback)" if result.fallback else "")
        for result in results
        if result.rank != 1
    )


if __name__ == "__main__":
    import sys

    dist = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "static-site" / "dist"
    found = measure(dist)
    print(report(found) or "every query ranks its fiche first")
    print(rates(found))
