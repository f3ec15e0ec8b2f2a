"""Internal link checking over a built site: every local URL must reach a built file."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.budget import site_pages, url_to_file

# Paths the HTTP API answers (CloudFront forwards them; the local platform too).
API_PREFIX = "/api/"

_URL_ATTRIBUTES = {
    ("a", "href"),
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("form", "action"),
}


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            if (tag, name) in _URL_ATTRIBUTES:
                self.urls.append(value)


def parse_page(html_file: Path) -> tuple[list[str], set[str]]:
    """(URLs the page references, ids it defines)."""
    parser = _PageParser()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser.urls, parser.ids


@dataclass(frozen=True)
class BrokenLink:
    page: str
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.url} ({self.reason})"


def broken_links(site: Path) -> list[BrokenLink]:
    """Local links that do not resolve to a built file, or to a missing #fragment."""
    pages = {path: parse_page(path) for path in site_pages(site)}
    broken = []
    for path, (urls, ids) in pages.items():
        page_url = "/" + path.relative_to(site).as_posix()
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                continue  # external, tel:, sms:, mailto:
            if urljoin(page_url, parts.path).startswith(API_PREFIX):
                continue  # a form's action: served by the HTTP API, not by the site
            absolute = urljoin(page_url, url)
            target = url_to_file(site, unquote(urlsplit(absolute).path))
            if target is None or not target.is_file():
                broken.append(BrokenLink(page_url, url, "fichier absent"))
                continue
            fragment = urlsplit(absolute).fragment
            if fragment:
                target_ids = ids if target == path else pages.get(target, ([], set()))[1]
                if fragment not in target_ids:
                    broken.append(BrokenLink(page_url, url, f"ancre #{fragment} absente"))
    return broken
