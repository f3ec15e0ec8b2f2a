"""Markdown (CommonMark + tables) → HTML for fiches and pages: no raw HTML, external links marked.

markdown-it-py follows CommonMark, which is what content authors write (a list right after
a paragraph line, sub-lists indented under the item's text). Raw HTML is disabled: it is
rendered as text, so content can never smuggle a script or an inline style past the CSP.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt


def is_external(href: str) -> bool:
    """True for links that leave the site (absolute http(s) URLs)."""
    return urlsplit(href).scheme in ("http", "https")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def render_markdown(text: str) -> str:
    """Render Markdown to HTML; external links get `rel="noopener"` and a CSS class."""
    parser = _parser()
    tokens = parser.parse(text)
    for token in tokens:
        # Column alignment (`:---:`) would become a style attribute, which the CSP forbids.
        token.attrs.pop("style", None)
        for child in token.children or ():
            if child.type == "link_open" and is_external(str(child.attrGet("href") or "")):
                child.attrSet("rel", "noopener")
                child.attrSet("class", "lien-externe")
    return str(parser.renderer.render(tokens, parser.options, {}))


def slugify(text: str) -> str:
    """ASCII anchor id from a French heading: « Où s'adresser ? » → `ou-s-adresser`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def normalize_heading(text: str) -> str:
    """Compare headings ignoring apostrophe style and spacing (’ vs ', nbsp before ?)."""
    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


def plain_text(html: str) -> str:
    """Drop tags from rendered HTML (for meta descriptions built from Markdown)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()
