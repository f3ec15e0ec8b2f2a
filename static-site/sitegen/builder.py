"""Build the whole citizen site into a fresh directory, then swap it into place.

Content is loaded and validated before anything is written, so a content error never leaves
a half-built site; the build happens in a sibling temporary directory that replaces `out`
only when everything (links, search index) succeeded.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

from sitegen import (
    ASSETS_DIR,
    CONSOLE_DIR,
    CONTENT_DIR,
    SHARED_DIR,
    SITE_ROOT,
    TEMPLATES_DIR,
    ContentError,
)
from sitegen.checks import content_problems
from sitegen.console import copy_console
from sitegen.content import CATEGORIES, Fiche, Page, load_fiches, load_pages
from sitegen.forms import write_form_pages
from sitegen.helplines import HelpLines, load_help_lines
from sitegen.helplines import write_js_module as write_help_lines_module
from sitegen.links import broken_links
from sitegen.orientation import Orientation, load_orientation, tree_json
from sitegen.render import make_environment
from sitegen.vocabulary import write_js_module

DEFAULT_BASE_URL = "https://moncommissariat.example"


@dataclass(frozen=True)
class Sources:
    """Where the build reads from (overridable in tests)."""

    content: Path = CONTENT_DIR
    templates: Path = TEMPLATES_DIR
    assets: Path = ASSETS_DIR
    console: Path = CONSOLE_DIR
    shared: Path = SHARED_DIR


@dataclass
class BuildReport:
    out: Path
    pages: list[str] = field(default_factory=list)
    seconds: float = 0.0


class _Writer:
    """Renders templates into the build directory and remembers the sitemap entries."""

    def __init__(self, root: Path, sources: Sources) -> None:
        self.root = root
        self.env = make_environment(sources.templates, sources.assets)
        self.pages: list[str] = []
        self.sitemap: list[tuple[str, str | None]] = []

    def page(
        self,
        url: str,
        template: str,
        *,
        in_sitemap: bool = True,
        lastmod: str | None = None,
        **context: Any,
    ) -> None:
        context.setdefault("sensitive", False)
        context.setdefault("scripts", [])
        context.setdefault("current", "")
        context.setdefault("description", "")
        context.setdefault("page_url", url)
        html = self.env.get_template(template).render(**context)
        target = self.root / url.lstrip("/")
        if url.endswith("/"):
            target = target / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        self.pages.append(url)
        if in_sitemap:
            self.sitemap.append((url, lastmod))


def _check_out_dir(out: Path) -> None:
    """Refuse to wipe anything that holds sources (a typo in --out must not delete the repo)."""
    resolved = out.resolve()
    forbidden = {
        Path(resolved.anchor),
        Path.home().resolve(),
        SITE_ROOT,
        *SITE_ROOT.parents,
        *(SITE_ROOT / name for name in ("content", "templates", "assets", "console", "shared")),
    }
    if resolved in forbidden or (resolved / ".git").exists():
        raise ValueError(f"refus de vider {out} : ce n'est pas un dossier de sortie")


def _write_fiche_pages(writer: _Writer, fiches: list[Fiche]) -> None:
    for fiche in fiches:
        writer.page(
            fiche.url,
            "fiche.html",
            fiche=fiche,
            title=fiche.title,
            description=fiche.summary,
            current="/fiches/",
            sensitive=fiche.sensitive,
            scripts=["js/quick-exit.js"] if fiche.sensitive else [],
            lastmod=fiche.checked.isoformat() if fiche.checked else None,
        )
    by_category = {key: [f for f in fiches if f.category == key] for key in CATEGORIES}
    writer.page(
        "/fiches/",
        "fiches.html",
        title="Toutes les fiches pratiques",
        description="Les démarches expliquées simplement, par thème.",
        current="/fiches/",
        by_category=by_category,
    )
    for key, category in CATEGORIES.items():
        writer.page(
            category["path"],
            "category.html",
            title=category["label"],
            description=category["intro"],
            category_key=key,
            category=category,
            fiches=by_category[key],
        )


def _use_help_lines(writer: _Writer, help_lines: HelpLines) -> None:
    """Templates link help-line numbers with `{{ text | phones }}` and list them all."""
    writer.env.filters["phones"] = help_lines.link_text
    writer.env.globals["help_lines"] = help_lines.lines


def _write_orientation_pages(
    writer: _Writer, orientation: Orientation, fiches: dict[str, Fiche], help_lines: HelpLines
) -> None:
    scripts = ["js/quick-exit.js", "js/orientation.js"]
    for node in orientation.nodes.values():
        url = orientation.url(node.id)
        common: dict[str, Any] = {
            "node": node,
            "orientation": orientation,
            "current": "/orientation/",
            "sensitive": node.sensitive,
            "quick_exit_optional": True,
            "scripts": scripts,
        }
        if node.is_result:
            fiche = fiches[node.fiche or ""]
            writer.page(
                url,
                "orientation_result.html",
                title=f"Notre conseil : {fiche.title}",
                description=fiche.summary,
                fiche=fiche,
                **common,
            )
        else:
            title = str(node.question)
            writer.page(
                url,
                "orientation_question.html",
                title=title,
                description="Répondez à quelques questions : nous vous indiquons "
                "la bonne démarche.",
                **common,
            )
            if node.id == orientation.start:  # also reachable by its id, not in the sitemap
                writer.page(
                    f"/orientation/{node.id}/",
                    "orientation_question.html",
                    title=title,
                    in_sitemap=False,
                    canonical="/orientation/",
                    **common,
                )
    tree = writer.root / "orientation" / "arbre.json"
    tree.write_text(
        json.dumps(
            tree_json(orientation, fiches, help_lines),
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ),
        encoding="utf-8",
    )


def _write_service_pages(writer: _Writer, fiches: list[Fiche], pages: list[Page]) -> None:
    writer.page(
        "/",
        "home.html",
        title="Votre commissariat en ligne",
        description="Comprendre vos démarches, être orienté et discuter par écrit "
        "avec un policier.",
        scripts=["js/chat-status.js"],
    )
    writer.page(
        "/recherche/",
        "search.html",
        title="Rechercher",
        current="/recherche/",
        description="Rechercher dans les fiches pratiques.",
        scripts=["js/search.js"],
    )
    writer.page(
        "/discuter/",
        "chat.html",
        title="Discuter avec un policier",
        current="/discuter/",
        sensitive=True,
        keep_title=True,  # the chat widget manages its own discreet title (chat/alerts.js)
        description="Un policier vous répond par écrit, en direct.",
        scripts=["js/quick-exit.js", "js/chat-status.js", "js/chat/widget.js"],
    )
    write_form_pages(writer, {fiche.slug: fiche for fiche in fiches})
    for page in pages:
        writer.page(
            page.url, "page.html", title=page.title, description=page.description, page=page
        )
    writer.page(
        "/plan-du-site/",
        "sitemap.html",
        title="Plan du site",
        description="Toutes les pages du site.",
        fiches=fiches,
        pages=pages,
    )
    writer.page("/404.html", "404.html", title="Page introuvable", in_sitemap=False)


def _write_seo_files(root: Path, sitemap: list[tuple[str, str | None]], base_url: str) -> None:
    base = base_url.rstrip("/")
    entries = []
    for url, lastmod in sorted(sitemap):
        entry = f"  <url><loc>{escape(base + url)}</loc>"
        if lastmod:
            entry += f"<lastmod>{lastmod}</lastmod>"
        entries.append(entry + "</url>")
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(entries)
        + "\n</urlset>\n",
        encoding="utf-8",
    )
    (root / "robots.txt").write_text(
        f"User-agent: *\nDisallow: /console/\nSitemap: {base}/sitemap.xml\n", encoding="utf-8"
    )


def _write_moved_pages(writer: _Writer, moved_file: Path) -> None:
    """A short page at each old address (content/moved.yaml) that links the new one."""
    if not moved_file.is_file():
        return
    moved = yaml.safe_load(moved_file.read_text(encoding="utf-8")) or {}
    for old_url, entry in moved.items():
        writer.page(
            old_url,
            "moved.html",
            title="Cette page a changé d'adresse",
            in_sitemap=False,
            to=entry["to"],
            why=entry["why"],
        )


def run_pagefind(root: Path) -> None:
    """French full-text index of the fiches (the only pages marked data-pagefind-body)."""
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-m", "pagefind", "--site", str(root), "--silent"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0 or not (root / "pagefind" / "pagefind.js").is_file():
        raise RuntimeError(
            f"pagefind a échoué ({result.returncode}) :\n{result.stdout}\n{result.stderr}"
        )


def build_site(
    out: Path,
    *,
    base_url: str = DEFAULT_BASE_URL,
    sources: Sources | None = None,
    search_index: bool = True,
) -> BuildReport:
    """Validate content, render every page, index, check links, then replace `out`."""
    started = time.perf_counter()
    sources = sources or Sources()
    _check_out_dir(out)
    help_lines = load_help_lines(sources.content / "help_lines.yaml")
    fiches = load_fiches(sources.content / "fiches", help_lines)
    by_slug = {fiche.slug: fiche for fiche in fiches}
    orientation = load_orientation(sources.content / "orientation.yaml", by_slug)
    pages_dir = sources.content / "pages"
    pages = load_pages(pages_dir, help_lines) if pages_dir.is_dir() else []

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        shutil.copytree(sources.assets, staging / "assets")
        # The JS modules both apps import (/shared/js/…), and the vocabulary and help lines
        # generated for them.
        shutil.copytree(sources.shared, staging / "shared")
        write_js_module(staging)
        write_help_lines_module(staging, help_lines)
        if sources.console.is_dir():
            copy_console(sources.console, staging / "console")
        writer = _Writer(staging, sources)
        _use_help_lines(writer, help_lines)
        _write_service_pages(writer, fiches, pages)
        _write_fiche_pages(writer, fiches)
        _write_orientation_pages(writer, orientation, by_slug, help_lines)
        _write_moved_pages(writer, sources.content / "moved.yaml")
        _write_seo_files(staging, writer.sitemap, base_url)
        broken = broken_links(staging)
        if broken:
            raise ContentError([f"lien interne cassé — {link}" for link in broken])
        editorial = content_problems(staging, help_lines)
        if editorial:
            raise ContentError(editorial)
        if search_index:
            run_pagefind(staging)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildReport(out, sorted(writer.pages), time.perf_counter() - started)
