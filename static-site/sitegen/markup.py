"""Markdown (CommonMark + tables) → HTML for fiches and pages: no raw HTML, external links marked.

markdown-it-py follows CommonMark, which is what content authors write (a list right after
a paragraph line, sub-lists indented under the item's text). Raw HTML is disabled: it is
rendered as text, so content can never smuggle a script or an inline style past the CSP.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

if TYPE_CHECKING:
    from sitegen.helplines import HelpLines


def is_external(href: str) -> bool:
    """True for links that leave the site (absolute http(s) URLs)."""
    return urlsplit(href).scheme in ("http", "https")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def _phone_link(line_href: str, nesting: int) -> Token:
    token = Token("link_open" if nesting == 1 else "link_close", "a", nesting)
    if nesting == 1:
        token.attrSet("href", line_href)
        token.attrSet("class", "numero")
    return token


def _link_help_lines(children: list[Token], help_lines: HelpLines) -> list[Token]:
    """Wrap help-line numbers of one inline run in links (`**17**` with its bold, or bare)."""
    result: list[Token] = []
    in_link = 0
    index = 0
    while index < len(children):
        token = children[index]
        if token.type == "link_open":
            in_link += 1
        elif token.type == "link_close":
            in_link -= 1
        bold_number = (
            not in_link
            and token.type == "strong_open"
            and index + 2 < len(children)
            and children[index + 1].type == "text"
            and children[index + 2].type == "strong_close"
            and (line := help_lines.line_for(children[index + 1].content)) is not None
            and re.fullmatch(r"[\d\s\u00a0]+", children[index + 1].content)
        )
        if bold_number:
            line = help_lines.line_for(children[index + 1].content)
            assert line is not None
            result += [_phone_link(line.href, 1), *children[index : index + 3]]
            result.append(_phone_link(line.href, -1))
            index += 3
            continue
        if token.type == "text" and not in_link:
            spans = help_lines.spans(token.content, short_too=True)
            position = 0
            for start, end, line in spans:
                if start > position:
                    result.append(_text(token.content[position:start]))
                result += [_phone_link(line.href, 1), _text(token.content[start:end])]
                result.append(_phone_link(line.href, -1))
                position = end
            if spans:
                if position < len(token.content):
                    result.append(_text(token.content[position:]))
                index += 1
                continue
        result.append(token)
        index += 1
    return result


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def render_markdown(text: str, help_lines: HelpLines | None = None) -> str:
    """Render Markdown to HTML; external links get `rel="noopener"` and a CSS class; help-line
    numbers become tel:/sms: links when `help_lines` is given."""
    parser = _parser()
    tokens = parser.parse(text)
    for token in tokens:
        # Column alignment (`:---:`) would become a style attribute, which the CSP forbids.
        token.attrs.pop("style", None)
        if token.children and help_lines is not None:
            token.children = _link_help_lines(token.children, help_lines)
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
