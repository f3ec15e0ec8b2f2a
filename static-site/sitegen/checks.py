"""Editorial checks over a built site, run by every build (so by `make test` too).

- No page presents the discontinued « pré-plainte en ligne » as current: the old service's
  address never appears, and its name only in a sentence that says it was replaced.
- Every help-line number a citizen reads is a tel:/sms: link.
- Every report form of the site is linked from at least one fiche.

(That every fiche cites a precise official page is checked when fiches are loaded:
`sitegen.content.is_deep_url`.)
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from sitegen.budget import site_pages
from sitegen.helplines import HelpLines

DISCONTINUED_HOST = "pre-plainte-en-ligne.gouv.fr"
DISCONTINUED_NAME = re.compile(r"pr[ée]-?plainte", re.IGNORECASE)
# A sentence may name the old service only to say it is gone.
PAST_TENSE = re.compile(r"remplac|n'existe plus|n’existe plus|ancienne|plus de pré-plainte", re.I)
_SKIPPED_TAGS = {"script", "style", "title", "time", "noscript"}


class _Text(HTMLParser):
    """Text a reader sees, split into what is inside a link and what is not."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.outside_links: list[str] = []
        self.all_text: list[str] = []
        self.hrefs: list[str] = []
        self._links = 0
        self._skipped = 0
        self._hidden_depth: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a":
            self._links += 1
            if values.get("href"):
                self.hrefs.append(values["href"] or "")
        if tag in _SKIPPED_TAGS:
            self._skipped += 1
        # The search keywords paragraph is hidden: indexed, never read.
        if "mots-cles" in (values.get("class") or "").split():
            self._hidden_depth.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            self._links -= 1
        if tag in _SKIPPED_TAGS and self._skipped:
            self._skipped -= 1
        if self._hidden_depth and self._hidden_depth[-1] == tag:
            self._hidden_depth.pop()

    def handle_data(self, data: str) -> None:
        if self._skipped or self._hidden_depth:
            return
        self.all_text.append(data)
        self.outside_links.append(data if not self._links else " ")


def _read(page: Path) -> _Text:
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


def discontinued_service_problems(site: Path) -> list[str]:
    problems = []
    for page in site_pages(site):
        relative = page.relative_to(site).as_posix()
        html = page.read_text(encoding="utf-8")
        if DISCONTINUED_HOST in html:
            problems.append(
                f"{relative}: lien vers l'ancienne pré-plainte en ligne ({DISCONTINUED_HOST})"
            )
        text = re.sub(r"\s+", " ", " ".join(_read(page).all_text))
        for sentence in _sentences(text):
            if DISCONTINUED_NAME.search(sentence) and not PAST_TENSE.search(sentence):
                quoted = sentence.strip()[:120]
                problems.append(
                    f"{relative}: « pré-plainte » présentée comme actuelle : « {quoted} »"
                )
    return problems


def unlinked_help_line_problems(site: Path, help_lines: HelpLines) -> list[str]:
    problems = []
    for page in site_pages(site):
        relative = page.relative_to(site).as_posix()
        text = "".join(_read(page).outside_links)
        for start, end, line in help_lines.spans(text, short_too=True):
            context = re.sub(r"\s+", " ", text[max(0, start - 40) : end + 20]).strip()
            problems.append(
                f"{relative}: le numéro {line.number} n'est pas un lien : « {context} »"
            )
    return problems


def form_pages(site: Path) -> list[str]:
    """URLs of the report forms (pages holding `id="report-form"`)."""
    return sorted(
        "/" + page.relative_to(site).parent.as_posix() + "/"
        for page in site_pages(site)
        if 'id="report-form"' in page.read_text(encoding="utf-8")
    )


def orphan_form_problems(site: Path) -> list[str]:
    linked: set[str] = set()
    for page in (site / "fiches").glob("*/index.html"):
        linked.update(href.split("#")[0].split("?")[0] for href in _read(page).hrefs)
    return [
        f"{url}: aucun lien depuis une fiche vers ce formulaire"
        for url in form_pages(site)
        if url not in linked
    ]


def content_problems(site: Path, help_lines: HelpLines) -> list[str]:
    """Every editorial problem of a built site (empty when it is publishable)."""
    return (
        discontinued_service_problems(site)
        + unlinked_help_line_problems(site, help_lines)
        + orphan_form_problems(site)
    )
