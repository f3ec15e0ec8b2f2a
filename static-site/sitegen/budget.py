"""Page weight: what one page costs a visitor, gzip-compressed (HTML + CSS + JS it loads).

Counted: the HTML, every local stylesheet and module script it references, and the modules
those import statically (`import … from "./x.js"`). Not counted: pagefind's index chunks and
WebAssembly (loaded on demand by the search page) and images.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

BUDGET_BYTES = 60 * 1024
_STATIC_IMPORT = re.compile(
    r"""^\s*import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']""", re.MULTILINE
)


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and (values.get("rel") or "") == "stylesheet" and values.get("href"):
            self.urls.append(values["href"] or "")
        elif tag == "script" and values.get("src"):
            self.urls.append(values["src"] or "")


def gzip_size(data: bytes) -> int:
    """Size after gzip at level 9, as a CDN would serve it."""
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def url_to_file(site: Path, url: str) -> Path | None:
    """The built file behind a local absolute URL (query and fragment ignored)."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    target = site / parts.path.lstrip("/")
    if parts.path.endswith("/"):
        target = target / "index.html"
    return target


def page_resources(site: Path, html_file: Path) -> list[Path]:
    """CSS and JS files a page loads, static module imports included, each once."""
    parser = _Resources()
    parser.feed(html_file.read_text(encoding="utf-8"))
    page_url = "/" + html_file.relative_to(site).as_posix()
    found: list[Path] = []
    todo = [urljoin(page_url, url) for url in parser.urls]
    while todo:
        url = todo.pop()
        path = url_to_file(site, url)
        if path is None or path in found or not path.is_file():
            continue
        found.append(path)
        if path.suffix == ".js":
            source = path.read_text(encoding="utf-8")
            todo.extend(
                urljoin(url, spec)
                for spec in _STATIC_IMPORT.findall(source)
                if spec.startswith((".", "/"))
            )
    return found


@dataclass(frozen=True)
class PageWeight:
    page: str
    html_bytes: int
    resources_bytes: int

    @property
    def total(self) -> int:
        return self.html_bytes + self.resources_bytes


def page_weight(site: Path, html_file: Path) -> PageWeight:
    """Gzip size of a page and of each resource it loads, compressed separately, summed."""
    resources = sum(gzip_size(path.read_bytes()) for path in page_resources(site, html_file))
    return PageWeight(
        html_file.relative_to(site).as_posix(), gzip_size(html_file.read_bytes()), resources
    )


def site_pages(site: Path) -> list[Path]:
    """Every citizen HTML page (the officer console and pagefind's files are not ours)."""
    return sorted(
        path
        for path in site.rglob("*.html")
        if path.relative_to(site).parts[0] not in ("console", "pagefind")
    )
