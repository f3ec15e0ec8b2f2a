"""Fiches (procedure pages) and editorial pages: loading and validation.

A fiche is `content/fiches/<slug>.md`: YAML front matter then Markdown whose `##` sections
are exactly REQUIRED_SECTIONS in order, optionally followed by OPTIONAL_SECTIONS.
Every problem found is collected and raised at once as a `ContentError`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import frontmatter

from sitegen import ContentError
from sitegen.helplines import HelpLines
from sitegen.markup import normalize_heading, render_markdown, slugify
from sitegen.vocabulary import vocabularies

CATEGORIES: dict[str, dict[str, str]] = {
    "victime": {
        "label": "Je suis victime",
        "path": "/victime/",
        "intro": "Vol, escroquerie, violences, cambriolage : "
        "ce qu'il faut faire tout de suite et où porter plainte.",
    },
    "signaler": {
        "label": "Je signale",
        "path": "/signaler/",
        "intro": "Un point de deal, un contenu illicite en ligne, un rodéo urbain : "
        "comment le signaler à la police.",
    },
    "informer": {
        "label": "Je m'informe",
        "path": "/informer/",
        "intro": "Numéros d'urgence, procurations, objets trouvés, "
        "venir au commissariat : les démarches expliquées.",
    },
}

REQUIRED_SECTIONS = (
    "Que faire maintenant ?",
    "Documents à apporter",
    "Où s'adresser ?",
    "Combien de temps ?",
    "Et ensuite ?",
)
OPTIONAL_SECTIONS = ("Bon à savoir",)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEADING_RE = re.compile(r"^##[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Link:
    """A labelled link; `url` is None for a service reachable only by phone or in person."""

    label: str
    url: str | None = None

    @property
    def external(self) -> bool:
        return self.url is not None and self.url.startswith("https://")


@dataclass(frozen=True)
class Section:
    """One `##` section of a fiche, rendered."""

    title: str
    anchor: str
    html: str


@dataclass
class Fiche:
    """A procedure page, validated."""

    slug: str
    title: str
    summary: str
    category: str
    keywords: list[str]
    sensitive: bool
    checked: dt.date | None  # when the facts were last checked against `source`; None: never
    source: Link
    services: list[Link]
    related: list[str]
    chat_topic: str
    sections: list[Section]
    related_fiches: list[Fiche] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"/fiches/{self.slug}/"


@dataclass(frozen=True)
class Page:
    """An editorial page (legal notices…) from `content/pages/<slug>.md`."""

    slug: str
    title: str
    description: str
    html: str
    order: int

    @property
    def url(self) -> str:
        return f"/{self.slug}/"


def split_sections(body: str) -> tuple[str, list[tuple[str, str]]]:
    """Split Markdown on `##` headings → (text before the first heading, [(title, text)])."""
    matches = list(_HEADING_RE.finditer(body))
    if not matches:
        return body, []
    preamble = body[: matches[0].start()]
    sections = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body)
        sections.append((match.group(1).strip(), body[match.end() : end]))
    return preamble, sections


def check_section_titles(titles: list[str]) -> str | None:
    """None when titles are the required sections in order (+ optional ones), else why not."""
    normalized = [normalize_heading(title) for title in titles]
    required = [normalize_heading(title) for title in REQUIRED_SECTIONS]
    optional = [normalize_heading(title) for title in OPTIONAL_SECTIONS]
    head, tail = normalized[: len(required)], normalized[len(required) :]
    if head != required:
        return f"sections attendues dans l'ordre {list(REQUIRED_SECTIONS)}, trouvées {titles}"
    if tail != optional[: len(tail)]:
        return f"sections en trop ou mal placées : {titles[len(required) :]}"
    return None


def _text(meta: dict[str, Any], key: str, problems: list[str], where: str) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: « {key} » manquant ou vide")
        return ""
    return value.strip()


def _https_url(value: Any, problems: list[str], where: str) -> str | None:
    if value is None:
        return None
    if (
        not isinstance(value, str)
        or urlsplit(value).scheme != "https"
        or not urlsplit(value).netloc
    ):
        problems.append(f"{where}: URL non https ou invalide : {value!r}")
        return None
    return value


def _parse_date(value: Any, problems: list[str], where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(f"{where}: « checked » doit être une date ISO (AAAA-MM-JJ), pas {value!r}")
    return None


def is_deep_url(url: str) -> bool:
    """A precise page, not a site's home: a path beyond `/`, or a query naming a page."""
    parts = urlsplit(url)
    return parts.path.strip("/") != "" or bool(parts.query)


def parse_fiche(
    path: Path, problems: list[str], help_lines: HelpLines | None = None
) -> Fiche | None:
    """Parse and validate one fiche file; append problems, return None when unusable."""
    where = path.name
    slug = path.stem
    if not SLUG_RE.match(slug):
        problems.append(f"{where}: nom de fichier invalide (minuscules, chiffres, tirets)")
    try:
        post = frontmatter.load(str(path))
    except Exception as error:  # YAML errors come in several types
        problems.append(f"{where}: en-tête YAML illisible : {error}")
        return None
    meta, before = post.metadata, len(problems)

    title = _text(meta, "title", problems, where)
    summary = _text(meta, "summary", problems, where)
    category = meta.get("category")
    if category not in CATEGORIES:
        problems.append(f"{where}: « category » doit être l'une de {sorted(CATEGORIES)}")
    keywords = meta.get("keywords")
    if (
        not isinstance(keywords, list)
        or not keywords
        or not all(isinstance(k, str) and k.strip() for k in keywords)
    ):
        problems.append(f"{where}: « keywords » doit être une liste de mots-clés non vide")
        keywords = []
    sensitive = meta.get("sensitive")
    if not isinstance(sensitive, bool):
        problems.append(f"{where}: « sensitive » doit valoir true ou false")
    if "updated" in meta:
        problems.append(
            f"{where}: « updated » est remplacé par « checked » (date de vérification à la source)"
        )
    checked = _parse_date(meta.get("checked"), problems, where)

    source_meta = meta.get("source")
    source = Link("", None)
    if not isinstance(source_meta, dict):
        problems.append(f"{where}: « source » doit avoir « label » et « url »")
    else:
        label = _text(source_meta, "label", problems, f"{where} source")
        url = _https_url(source_meta.get("url"), problems, f"{where} source")
        if url is None and source_meta.get("url") is None:
            problems.append(f"{where}: « source.url » manquant")
        elif url is not None and not is_deep_url(url):
            problems.append(
                f"{where}: « source.url » doit être la page précise de la source, "
                f"pas l'accueil d'un site : {url}"
            )
        source = Link(label, url)

    services: list[Link] = []
    services_meta = meta.get("services")
    if not isinstance(services_meta, list):
        problems.append(
            f"{where}: « services » doit être une liste (vide s'il n'y a pas de service en ligne)"
        )
    else:
        for index, service in enumerate(services_meta):
            if not isinstance(service, dict):
                problems.append(f"{where}: services[{index}] doit avoir « label » (et « url »)")
                continue
            label = _text(service, "label", problems, f"{where} services[{index}]")
            url = service.get("url")
            if not (isinstance(url, str) and url.startswith("/") and not url.startswith("//")):
                url = _https_url(url, problems, f"{where} services[{index}]")
            services.append(Link(label, url))

    related = meta.get("related", [])
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        problems.append(f"{where}: « related » doit être une liste de slugs")
        related = []
    chat_topic = meta.get("chat_topic")
    topics = vocabularies()["topics"]
    if not isinstance(chat_topic, str) or chat_topic not in topics:
        problems.append(
            f"{where}: « chat_topic » doit être un sujet du tchat : {', '.join(topics)}"
        )
        chat_topic = ""

    preamble, raw_sections = split_sections(post.content)
    if preamble.strip():
        problems.append(f"{where}: du texte précède la première section « ## »")
    order_problem = check_section_titles([title for title, _ in raw_sections])
    if order_problem:
        problems.append(f"{where}: {order_problem}")
    sections = []
    for heading, text in raw_sections:
        if not text.strip():
            problems.append(f"{where}: la section « {heading} » est vide")
        sections.append(Section(heading, slugify(heading), render_markdown(text, help_lines)))

    if len(problems) > before:
        return None
    return Fiche(
        slug=slug,
        title=title,
        summary=summary,
        category=str(category),
        keywords=[k.strip() for k in keywords],
        sensitive=bool(sensitive),
        checked=checked,
        source=source,
        services=services,
        related=list(related),
        chat_topic=chat_topic,
        sections=sections,
    )


def load_fiches(directory: Path, help_lines: HelpLines | None = None) -> list[Fiche]:
    """All fiches of `directory`, sorted by title, related slugs resolved; or ContentError."""
    problems: list[str] = []
    fiches = [
        fiche
        for path in sorted(directory.glob("*.md"))
        if (fiche := parse_fiche(path, problems, help_lines)) is not None
    ]
    by_slug = {fiche.slug: fiche for fiche in fiches}
    for fiche in fiches:
        for slug in fiche.related:
            if slug == fiche.slug:
                problems.append(f"{fiche.slug}.md: « related » cite la fiche elle-même")
            elif slug not in by_slug:
                problems.append(f"{fiche.slug}.md: « related » cite une fiche inconnue : {slug}")
            else:
                fiche.related_fiches.append(by_slug[slug])
    if not fiches and not problems:
        problems.append(f"{directory}: aucune fiche trouvée")
    if problems:
        raise ContentError(problems)
    return sorted(fiches, key=lambda fiche: fiche.title.casefold())


def load_pages(directory: Path, help_lines: HelpLines | None = None) -> list[Page]:
    """Editorial pages: front matter `title`, `description`, optional `order`."""
    problems: list[str] = []
    pages = []
    for path in sorted(directory.glob("*.md")):
        post = frontmatter.load(str(path))
        title = _text(post.metadata, "title", problems, path.name)
        description = _text(post.metadata, "description", problems, path.name)
        order = post.metadata.get("order", 100)
        if not isinstance(order, int):
            problems.append(f"{path.name}: « order » doit être un nombre entier")
            order = 100
        if not SLUG_RE.match(path.stem):
            problems.append(f"{path.name}: nom de fichier invalide")
        pages.append(
            Page(path.stem, title, description, render_markdown(post.content, help_lines), order)
        )
    if problems:
        raise ContentError(problems)
    return sorted(pages, key=lambda page: (page.order, page.slug))
