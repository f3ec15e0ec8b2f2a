"""Building the citizen site: every page present, CSP-safe, within budget, readable without JS."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import frontmatter
import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "static-site"
sys.path.insert(0, str(SITE))

from sitegen import ContentError  # noqa: E402
from sitegen.budget import BUDGET_BYTES, page_resources, page_weight, site_pages  # noqa: E402
from sitegen.builder import Sources, build_site  # noqa: E402

FICHES = sorted((SITE / "content" / "fiches").glob("*.md"))
EXPECTED_PAGES = [
    "index.html",
    "404.html",
    "fiches/index.html",
    "victime/index.html",
    "signaler/index.html",
    "informer/index.html",
    "recherche/index.html",
    "discuter/index.html",
    "signaler/point-de-deal/index.html",
    "avis/index.html",
    "orientation/index.html",
    "mentions-legales/index.html",
    "donnees-personnelles/index.html",
    "cookies/index.html",
    "accessibilite/index.html",
    "plan-du-site/index.html",
    "sitemap.xml",
    "robots.txt",
    "pagefind/pagefind.js",
    "orientation/arbre.json",
]


def run_build(out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SITE / "build.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "dist"
    out.mkdir()
    (out / "stale.html").write_text("<p>ancienne page</p>", encoding="utf-8")
    result = run_build(out)
    assert result.returncode == 0, result.stderr
    return out


class Markup(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block, plus a few landmarks."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "style":
            self.inline.append("<style>")
        if "style" in values:
            self.inline.append(f"<{tag} style=…>")
        self.inline.extend(f"<{tag} {name}=…>" for name, _ in attrs if name.startswith("on"))
        for name in ("href", "src", "action"):
            if (values.get(name) or "").strip().lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}=javascript:…>")
        if tag == "script":
            self.scripts.append(values)
            self._in_script = True
        if tag == "a":
            self.links.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append("<script> with inline code")
        self.text.append(data)


def parse(path: Path) -> Markup:
    markup = Markup()
    markup.feed(path.read_text(encoding="utf-8"))
    return markup


def test_build_writes_every_page(dist: Path) -> None:
    missing = [page for page in EXPECTED_PAGES if not (dist / page).is_file()]
    assert missing == []
    for fiche in FICHES:
        assert (dist / "fiches" / fiche.stem / "index.html").is_file(), fiche.stem


def test_build_empties_the_output_directory_first(dist: Path) -> None:
    assert not (dist / "stale.html").exists()


def test_officer_console_is_copied_verbatim(dist: Path) -> None:
    from sitegen.console import NOT_COPIED, VENDORED

    console = SITE / "console"
    sources = [
        path
        for path in console.rglob("*")
        if path.is_file() and not set(path.relative_to(console).parts) & set(NOT_COPIED)
    ]
    assert sources
    for source in sources:
        copy = dist / "console" / source.relative_to(console)
        assert copy.read_bytes() == source.read_bytes(), copy
    for name, destination in VENDORED.items():
        vendored = dist / "console" / destination
        assert vendored.read_bytes() == (console / "node_modules" / name).read_bytes()


def test_no_page_has_inline_script_or_style(dist: Path) -> None:
    offenders = {}
    for page in site_pages(dist):
        markup = parse(page)
        bad = list(markup.inline)
        bad += [
            f"script {script}"
            for script in markup.scripts
            if script.get("type") != "module" or not script.get("src")
        ]
        if bad:
            offenders[page.relative_to(dist).as_posix()] = bad
    assert offenders == {}


def test_every_page_fits_the_60_kb_gzip_budget(dist: Path) -> None:
    weights = [page_weight(dist, page) for page in site_pages(dist)]
    assert len(weights) > 60
    over = {weight.page: weight.total for weight in weights if weight.total > BUDGET_BYTES}
    assert over == {}


def test_budget_counts_the_stylesheet_and_every_module_a_page_loads(dist: Path) -> None:
    resources = page_resources(dist, dist / "index.html")
    names = {path.relative_to(dist).as_posix() for path in resources}
    assert names == {
        "assets/css/site.css",
        "assets/js/chat-status.js",
        "assets/js/chat/service.js",  # relative imports
        "assets/js/chat/words.js",
        "shared/js/config.js",  # an absolute import of the modules both apps share
    }
    weight = page_weight(dist, dist / "index.html")
    assert weight.resources_bytes > 1000 and weight.html_bytes > 1000


def test_every_page_has_the_skip_link_emergency_banner_and_mandatory_footer(dist: Path) -> None:
    required = [
        'href="#contenu"',
        'href="tel:17"',
        'href="tel:112"',
        'href="sms:114"',
        'href="/mentions-legales/"',
        'href="/donnees-personnelles/"',
        'href="/cookies/"',
        'href="/accessibilite/"',
        'href="/plan-du-site/"',
        "Accessibilité : partiellement conforme",
        '<html lang="fr">',
    ]
    lacking = {}
    for page in site_pages(dist):
        html = page.read_text(encoding="utf-8")
        absent = [snippet for snippet in required if snippet not in html]
        if absent:
            lacking[page.relative_to(dist).as_posix()] = absent
    assert lacking == {}


@pytest.mark.parametrize("path", FICHES, ids=lambda path: path.stem)
def test_fiche_reads_without_javascript(dist: Path, path: Path) -> None:
    post = frontmatter.load(str(path))
    page = dist / "fiches" / path.stem / "index.html"
    html = page.read_text(encoding="utf-8")
    markup = parse(page)
    text = "".join(markup.text)  # a help-line number is its own link: no space around it
    assert post["title"] in text and post["summary"] in text
    for heading in (
        "Que faire maintenant ?",
        "Documents à apporter",
        "Où s'adresser ?",
        "Combien de temps ?",
        "Et ensuite ?",
    ):
        assert heading in text.replace("\u2019", "'")
    checked = re.search(
        r"Informations vérifiées le\s*"
        r"<time datetime=\"(\d{4}-\d{2}-\d{2})\">\d{1,2}(er)? \w+ \d{4}",
        html,
    )
    if post.get("checked"):
        assert checked and checked.group(1) == str(post["checked"])
    else:
        assert checked is None and "vérifiées le" not in html
    source = [link for link in markup.links if link.get("href") == post["source"]["url"]]
    assert source and source[0].get("rel") == "noopener"
    assert f'href="/discuter/?sujet={post["chat_topic"]}"' in html
    assert "data-pagefind-body" in html
    # Reading needs no script: sensitive fiches load only the quick-exit module.
    scripts = {script.get("src", "").split("?")[0] for script in markup.scripts}
    assert scripts == ({"/assets/js/quick-exit.js"} if post["sensitive"] else set())


def test_fiche_french_date_and_source(dist: Path) -> None:
    html = (dist / "fiches" / "fraude-carte-bancaire" / "index.html").read_text(encoding="utf-8")
    assert 'Informations vérifiées le <time datetime="2026-12-05">5 décembre 2026</time>' in html
    assert "Source : <a href=" in html
    assert 'data-pagefind-weight="10">Fraude à la carte bancaire</h1>' in html


def test_quick_exit_is_offered_on_sensitive_pages_only(dist: Path) -> None:
    def offers_exit(relative: str) -> bool:
        html = (dist / relative).read_text(encoding="utf-8")
        match = re.search(r'<div class="quitter"( hidden)? data-quick-exit>', html)
        return bool(match) and not match.group(1)

    assert offers_exit("discuter/index.html")
    assert offers_exit("fiches/violences-conjugales/index.html")
    assert offers_exit("orientation/violences/index.html")
    assert not offers_exit("fiches/vol-velo/index.html")
    assert not offers_exit("index.html")
    assert not offers_exit("orientation/index.html")
    html = (dist / "discuter/index.html").read_text(encoding="utf-8")
    assert (
        '<a class="quitter__bouton" id="quitter-rapidement" href="https://www.google.fr/" '
        'rel="noreferrer">Quitter rapidement</a>' in html
    )


def test_wizard_pages_work_as_plain_links(dist: Path) -> None:
    tree = json.loads((dist / "orientation" / "arbre.json").read_text(encoding="utf-8"))
    for node_id, node in tree["nodes"].items():
        page = dist / node["url"].lstrip("/") / "index.html"
        markup = parse(page)
        links = {link.get("href") for link in markup.links}
        if "result" in node:
            assert node["result"]["fiche"]["url"] in links, node_id
            assert node["result"]["channel"] in "".join(markup.text), node_id
        else:
            assert {tree["nodes"][choice["next"]]["url"] for choice in node["choices"]} <= links


def test_placeholders_for_the_chat_and_the_forms_exist(dist: Path) -> None:
    assert 'id="chat-widget"' in (dist / "discuter/index.html").read_text(encoding="utf-8")
    report = (dist / "signaler/point-de-deal/index.html").read_text(encoding="utf-8")
    assert 'id="report-form"' in report
    assert 'id="survey-form"' in (dist / "avis/index.html").read_text(encoding="utf-8")


def test_search_index_covers_the_fiches_in_french_only(dist: Path) -> None:
    entry = json.loads((dist / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == {"fr"}
    assert entry["languages"]["fr"]["page_count"] == len(FICHES)


def test_sitemap_robots_and_404(dist: Path) -> None:
    sitemap = (dist / "sitemap.xml").read_text(encoding="utf-8")
    for fiche in FICHES:
        assert f"/fiches/{fiche.stem}/</loc>" in sitemap
    assert "404" not in sitemap and "/console/" not in sitemap
    robots = (dist / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: " in robots and "Disallow: /console/" in robots
    assert "Page introuvable" in (dist / "404.html").read_text(encoding="utf-8")


def test_build_is_deterministic(dist: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert run_build(again).returncode == 0

    def digest(root: Path) -> dict[str, str]:
        return {
            path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in root.rglob("*")
            if path.is_file()
        }

    assert digest(again) == digest(dist)


def test_invalid_content_fails_loudly_and_keeps_the_previous_site(
    dist: Path, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(SITE / "content", content)
    tree = content / "orientation.yaml"
    tree.write_text(
        tree.read_text(encoding="utf-8").replace("fiche: vol-velo\n", "fiche: velo-introuvable\n"),
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    out.mkdir()
    (out / "index.html").write_text("previous", encoding="utf-8")
    with pytest.raises(ContentError, match="velo-introuvable"):
        build_site(out, sources=Sources(content=content), search_index=False)
    assert (out / "index.html").read_text(encoding="utf-8") == "previous"
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".dist-")] == []


def test_build_refuses_to_wipe_a_source_directory() -> None:
    with pytest.raises(ValueError, match="refus"):
        build_site(SITE, search_index=False)
