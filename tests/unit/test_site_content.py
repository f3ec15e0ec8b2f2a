"""Content of the citizen site: fiches, the orientation wizard, legal pages, internal links."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import frontmatter
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "static-site"
sys.path.insert(0, str(SITE))

from sitegen import ContentError  # noqa: E402
from sitegen.builder import build_site  # noqa: E402
from sitegen.content import load_fiches, parse_fiche  # noqa: E402
from sitegen.links import broken_links  # noqa: E402
from sitegen.markup import render_markdown  # noqa: E402
from sitegen.orientation import load_orientation, parse_orientation  # noqa: E402
from sitegen.render import french_date  # noqa: E402

FICHES_DIR = SITE / "content" / "fiches"
FICHE_FILES = sorted(FICHES_DIR.glob("*.md"))
ORIENTATION_FILE = SITE / "content" / "orientation.yaml"

SECTIONS = [
    "Que faire maintenant ?",
    "Documents à apporter",
    "Où s'adresser ?",
    "Combien de temps ?",
    "Et ensuite ?",
]
OPTIONAL_SECTION = "Bon à savoir"
OFFICIAL_HOSTS = {
    "www.service-public.fr",
    "service-public.fr",
    "www.defenseurdesdroits.fr",
    "www.france-victimes.fr",
    "www.devenirpolicier.fr",
    "www.sdis04.fr",  # a département's fire and rescue service (public body)
}

# Issue 4: the topics the fiches must cover → the fiche that covers it, and words it must say.
REQUIRED_TOPICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "plainte": ("porter-plainte", ("plainte",)),
    "plainte en ligne (2024)": (
        "plainte-en-ligne",
        ("plainte-en-ligne.masecurite.interieur.gouv.fr", "FranceConnect", "15 octobre 2024"),
    ),
    "visioplainte": ("visioplainte", ("Visioplainte", "FranceConnect")),
    "troubles de voisinage": (
        "troubles-de-voisinage",
        ("R623-2", "conciliateur", "/signaler/autre-nuisance/"),
    ),
    "après la plainte": (
        "apres-la-plainte",
        ("classement sans suite", "procureur général", "partie civile", "CIVI", "SARVI"),
    ),
    "dégradation": ("degradation-vandalisme", ("rayée", "Plainte en ligne")),
    "main courante": ("main-courante", ("main courante",)),
    "vol de téléphone": ("vol-telephone-portable", ("IMEI",)),
    "vol de vélo": ("vol-velo", ("vélo",)),
    "vol de véhicule": ("vol-vehicule", ("fourrière",)),
    "vol à la tire": ("vol-a-la-tire", ("opposition",)),
    "cambriolage, que faire": ("cambriolage", ("17",)),
    "cambriolage, prévention": ("cambriolage-prevention", ("Tranquillité Vacances",)),
    "escroquerie en ligne → THESEE": ("escroquerie-en-ligne", ("THESEE", "N31138")),
    "hameçonnage → Signal Spam": ("hameconnage", ("Signal Spam", "Phishing Initiative", "33700")),
    "carte bancaire → Perceval": ("fraude-carte-bancaire", ("Perceval", "R46526")),
    "faux conseiller bancaire": ("arnaque-faux-conseiller", ("banque",)),
    "arnaque sentimentale": ("arnaque-sentimentale", ("argent",)),
    "petites annonces": ("arnaque-petites-annonces", ("annonce",)),
    "cyberharcèlement": ("cyberharcelement", ("3018",)),
    "sextorsion": ("sextorsion", ("payez",)),
    "contenus illicites → PHAROS": (
        "contenus-illicites-en-ligne",
        ("PHAROS", "internet-signalement.gouv.fr"),
    ),
    "violences conjugales": ("violences-conjugales", ("3919", "arretonslesviolences.gouv.fr")),
    "violences sexuelles": ("violences-sexuelles", ("arretonslesviolences.gouv.fr",)),
    "harcèlement de rue": ("harcelement-de-rue", ("outrage sexiste",)),
    "discriminations et haine": ("discriminations-haine", ("Défenseur des droits",)),
    "perte ou vol de papiers": ("perte-vol-papiers-identite", ("ANTS", "ANEF")),
    "usurpation d'identité": ("usurpation-identite", ("identité",)),
    "rodéos urbains": ("rodeos-urbains", ("rodéo", "/signaler/rodeo-urbain/")),
    "points de deal": ("point-de-deal", ("/signaler/point-de-deal/", "0 800 23 13 13")),
    "maltraitance animale": ("maltraitance-animale", ("animal", "/signaler/maltraitance-animale/")),
    "Opération Tranquillité Vacances": ("operation-tranquillite-vacances", ("R43241",)),
    "procuration de vote": ("procuration-vote", ("maprocuration.gouv.fr",)),
    "objets trouvés": ("objets-trouves", ("objets trouvés",)),
    "accident de la route": ("accident-de-la-route", ("constat",)),
    "aide aux victimes → 116 006": ("aide-aux-victimes", ("116 006",)),
    "enfance en danger → 119": ("enfance-en-danger", ("119",)),
    "numéros d'urgence": (
        "numeros-urgence",
        ("17", "112", "15", "18", "114", "3919", "119", "116 006"),
    ),
    "se rendre au commissariat": ("se-rendre-au-commissariat", ("rendez-vous",)),
    "recrutement": ("devenir-policier", ("devenirpolicier.fr",)),
}


def fiche_id(path: Path) -> str:
    return path.stem


def section_titles(markdown_text: str) -> list[str]:
    titles = re.findall(r"^##\s+(.+?)\s*$", markdown_text, flags=re.MULTILINE)
    return [title.replace("\u2019", "'").replace("\u00a0", " ") for title in titles]


# -- fiches ---------------------------------------------------------------------------


def test_there_are_at_least_30_fiches() -> None:
    assert len(FICHE_FILES) >= 30


@pytest.mark.parametrize("path", FICHE_FILES, ids=fiche_id)
def test_fiche_front_matter_is_valid(path: Path) -> None:
    problems: list[str] = []
    fiche = parse_fiche(path, problems)
    assert problems == []
    assert fiche is not None
    post = frontmatter.load(str(path))
    assert post["category"] in ("victime", "signaler", "informer")
    assert isinstance(post["sensitive"], bool)
    assert post["keywords"] and all(isinstance(word, str) for word in post["keywords"])
    assert post["summary"].strip() and post["title"].strip()
    assert re.fullmatch(r"[a-z0-9_-]+", post["chat_topic"])


@pytest.mark.parametrize("path", FICHE_FILES, ids=fiche_id)
def test_fiche_has_the_required_sections_in_order(path: Path) -> None:
    titles = section_titles(frontmatter.load(str(path)).content)
    assert titles[: len(SECTIONS)] == SECTIONS
    assert titles[len(SECTIONS) :] in ([], [OPTIONAL_SECTION])


@pytest.mark.parametrize("path", FICHE_FILES, ids=fiche_id)
def test_fiche_cites_an_official_https_source(path: Path) -> None:
    source = frontmatter.load(str(path))["source"]
    url = urlsplit(source["url"])
    assert source["label"].strip()
    assert url.scheme == "https"
    assert url.hostname is not None
    assert url.hostname.endswith(".gouv.fr") or url.hostname in OFFICIAL_HOSTS, url.hostname


@pytest.mark.parametrize("path", FICHE_FILES, ids=fiche_id)
def test_fiche_checked_date_when_present_is_an_iso_date_not_in_the_future(path: Path) -> None:
    raw = re.search(
        r"^checked:\s*['\"]?([^'\"\s]+)", path.read_text(encoding="utf-8"), flags=re.MULTILINE
    )
    if raw is None:
        return  # never checked against its source: the page shows no date
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.group(1))
    assert dt.date.fromisoformat(raw.group(1)) <= dt.date.today()


@pytest.mark.parametrize("path", FICHE_FILES, ids=fiche_id)
def test_fiche_source_is_a_precise_page_not_a_home_page(path: Path) -> None:
    url = urlsplit(frontmatter.load(str(path))["source"]["url"])
    assert url.path.strip("/") or url.query, f"{path.name}: source is a home page"


def test_a_fiche_whose_source_is_a_home_page_is_rejected(tmp_path: Path) -> None:
    good = (FICHES_DIR / "vol-velo.md").read_text(encoding="utf-8")
    home = re.sub(
        r"(source:\n\s+label:[^\n]*\n\s+url: )[^\n]*", r'\1"https://www.service-public.fr"', good
    )
    assert home != good
    (tmp_path / "vol-velo.md").write_text(home, encoding="utf-8")
    with pytest.raises(ContentError, match="page précise"):
        load_fiches(tmp_path)


@pytest.mark.parametrize("path", FICHE_FILES, ids=fiche_id)
def test_fiche_related_slugs_exist(path: Path) -> None:
    related = frontmatter.load(str(path)).get("related", [])
    assert all((FICHES_DIR / f"{slug}.md").is_file() for slug in related), related


@pytest.mark.parametrize("topic", sorted(REQUIRED_TOPICS))
def test_required_topic_is_covered(topic: str) -> None:
    slug, must_say = REQUIRED_TOPICS[topic]
    path = FICHES_DIR / f"{slug}.md"
    assert path.is_file(), f"{topic}: {slug}.md is missing"
    text = path.read_text(encoding="utf-8")
    for words in must_say:
        assert words.casefold() in text.casefold(), f"{slug}.md does not mention {words!r}"


def test_a_fiche_with_sections_out_of_order_is_rejected(tmp_path: Path) -> None:
    good = (FICHES_DIR / "fraude-carte-bancaire.md").read_text(encoding="utf-8")
    swapped = (
        good.replace("## Documents à apporter", "## TEMP")
        .replace("## Où s'adresser ?", "## Documents à apporter")
        .replace("## TEMP", "## Où s'adresser ?")
    )
    (tmp_path / "mauvaise-fiche.md").write_text(swapped, encoding="utf-8")
    with pytest.raises(ContentError, match="sections attendues"):
        load_fiches(tmp_path)


def test_a_fiche_without_source_url_is_rejected(tmp_path: Path) -> None:
    good = (FICHES_DIR / "vol-velo.md").read_text(encoding="utf-8")
    broken = re.sub(r"(source:\n\s+label:[^\n]*\n)\s+url:[^\n]*\n", r"\1", good)
    assert broken != good
    (tmp_path / "vol-velo.md").write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError, match="source"):
        load_fiches(tmp_path)


def test_raw_html_in_markdown_is_rendered_as_text() -> None:
    html = render_markdown('Bonjour <script>alert(1)</script> <b style="color:red">x</b>')
    assert "<script>" not in html and "<b " not in html
    assert "&lt;script&gt;" in html


def test_lists_are_rendered_the_commonmark_way_authors_write_them() -> None:
    html = render_markdown("Gardez :\n- le numéro\n\n1. **Choisissez** :\n   - en ligne\n2. Fin")
    assert "<p>Gardez :</p>\n<ul>\n<li>le numéro</li>" in html
    assert "<li><strong>Choisissez</strong> :\n<ul>\n<li>en ligne</li>" in html


def test_table_alignment_does_not_produce_inline_style() -> None:
    html = render_markdown("| a | b |\n|:-:|--:|\n| 1 | 2 |")
    assert "<td>1</td>" in html and "style=" not in html


def test_external_markdown_links_get_noopener() -> None:
    html = render_markdown("[Service-Public](https://www.service-public.fr) [fiche](/fiches/)")
    assert 'href="https://www.service-public.fr" rel="noopener"' in html
    assert 'href="/fiches/">' in html


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2026, 11, 29), "29 novembre 2026"),
        (dt.date(2026, 2, 1), "1er février 2026"),
        (dt.date(2025, 8, 15), "15 août 2025"),
    ],
)
def test_dates_are_written_in_french(date: dt.date, expected: str) -> None:
    assert french_date(date) == expected


# -- orientation wizard ---------------------------------------------------------------


@pytest.fixture(scope="module")
def fiches_by_slug() -> dict[str, Any]:
    return {fiche.slug: fiche for fiche in load_fiches(FICHES_DIR)}


@pytest.fixture
def tree() -> dict[str, Any]:
    data = yaml.safe_load(ORIENTATION_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def walk(tree: dict[str, Any], node_id: str, path: tuple[str, ...] = ()) -> Iterator[tuple]:
    """Every root-to-leaf path of the raw YAML tree (fails on a cycle by recursion)."""
    assert node_id not in path, f"cycle: {(*path, node_id)}"
    node = tree["nodes"][node_id]
    if "result" in node:
        yield (*path, node_id)
        return
    for choice in node["choices"]:
        yield from walk(tree, choice["next"], (*path, node_id))


def test_wizard_tree_is_sound(tree: dict[str, Any], fiches_by_slug: dict[str, Any]) -> None:
    orientation = load_orientation(ORIENTATION_FILE, fiches_by_slug)
    assert orientation.start == tree["start"]
    leaves = list(walk(tree, tree["start"]))
    reached = {node for path in leaves for node in path}
    assert reached == set(tree["nodes"]), "every node is reachable from start"
    for path in leaves:
        result = tree["nodes"][path[-1]]["result"]
        assert result["fiche"] in fiches_by_slug
        assert result["channel"].strip()
        assert len(path) <= 5, f"too many questions before an answer: {path}"


def test_wizard_marks_violence_pages_as_sensitive(fiches_by_slug: dict[str, Any]) -> None:
    orientation = load_orientation(ORIENTATION_FILE, fiches_by_slug)
    violence_nodes = [node for node in orientation.nodes.values() if "violence" in node.id]
    assert violence_nodes
    assert all(node.sensitive for node in violence_nodes)
    assert not orientation.nodes[orientation.start].sensitive


@pytest.fixture
def refused(tree: dict[str, Any], fiches_by_slug: dict[str, Any]) -> Callable[[str], None]:
    """Check that the ``tree`` a test changed is refused with an error matching ``reason``."""

    def check(reason: str) -> None:
        with pytest.raises(ContentError, match=reason):
            parse_orientation(tree, fiches_by_slug)

    return check


def test_wizard_rejects_a_dangling_next(tree: dict[str, Any], refused: Any) -> None:
    tree["nodes"][tree["start"]]["choices"][0]["next"] = "nulle-part"
    refused("nulle-part")


def test_wizard_rejects_an_unknown_fiche(tree: dict[str, Any], refused: Any) -> None:
    tree["nodes"]["fin"] = {"result": {"fiche": "fiche-inexistante", "channel": "x"}}
    tree["nodes"][tree["start"]]["choices"].append({"label": "Fin", "next": "fin"})
    refused("fiche-inexistante")


def test_wizard_rejects_a_cycle(tree: dict[str, Any], refused: Any) -> None:
    question = next(
        node_id
        for node_id, node in tree["nodes"].items()
        if "question" in node and node_id != tree["start"]
    )
    tree["nodes"][question]["choices"].append({"label": "Retour", "next": tree["start"]})
    refused("cycle")


def test_wizard_rejects_an_unreachable_node(tree: dict[str, Any], refused: Any) -> None:
    tree["nodes"]["orphelin"] = {"result": {"fiche": "vol-velo", "channel": "x"}}
    refused("orphelin")


# -- built pages ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "dist"
    build_site(out, search_index=False)
    return out


def test_every_internal_link_of_every_built_page_resolves(built: Path) -> None:
    pages = list(built.rglob("*.html"))
    assert len(pages) > 60
    assert broken_links(built) == []


def test_link_checker_reports_a_dangling_link(built: Path, tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text('<a href="/nulle-part/">x</a><a href="#absent">y</a>', encoding="utf-8")
    assert {link.url for link in broken_links(tmp_path)} == {"/nulle-part/", "#absent"}


def french_duration(days: int) -> str:
    return "1 an" if days == 365 else f"{days} jours"


def test_privacy_page_states_the_retention_the_code_applies(built: Path) -> None:
    from chalicelib.config import _load

    defaults = _load()  # the defaults, as deployed unless the operator overrides them
    page = (built / "donnees-personnelles" / "index.html").read_text(encoding="utf-8")
    sections = dict(re.findall(r"<h3>(.*?)</h3>(.*?)(?=<h3>|<h2>)", page, flags=re.DOTALL))

    def section(title_start: str) -> str:
        matches = [text for title, text in sections.items() if title.startswith(title_start)]
        assert len(matches) == 1, title_start
        return matches[0]

    assert french_duration(defaults.retention_days) in section("Conversations du tchat")
    assert french_duration(defaults.report_retention_days) in section("Signalements")
    assert "modifier cette durée" in section("Signalements")
    assert french_duration(defaults.personal_data_retention_days) in section("Coordonnées")
    assert french_duration(defaults.survey_retention_days) in section("Réponses")
    hours, minutes = divmod(defaults.connection_ttl_seconds // 60, 60)
    assert f"{hours} h {minutes} min" in section("Données de connexion")
    assert "pistage" in page
    # Issue 15: the address is kept as a keyed digest only, for as long as the code keeps it.
    address = section("Votre adresse IP")
    assert "jamais l'adresse elle-même" in address and "clé secrète" in address
    assert f"{2 * defaults.rate_window_seconds // 3600} heures" in address
    assert f"{hours} h {minutes} min" in address
    from chalicelib.chat.limits import SLOTS_TTL_SECONDS

    assert f"{SLOTS_TTL_SECONDS // 3600} heures" in address
    assert "90 jours" in address  # the log groups' retention (infra/template.yaml)


# -- help lines and the editorial checks (issue 14) -----------------------------------

from sitegen.checks import (  # noqa: E402
    content_problems,
    discontinued_service_problems,
    form_pages,
    orphan_form_problems,
    unlinked_help_line_problems,
)
from sitegen.helplines import load_help_lines  # noqa: E402

HELP_LINES = load_help_lines(SITE / "content" / "help_lines.yaml")


def test_help_lines_have_hours_cost_and_a_kind() -> None:
    numbers = {line.digits: line for line in HELP_LINES.lines}
    for required in ("17", "112", "114", "15", "18", "3919", "119", "116006", "3018", "3114"):
        assert required in numbers, required
    assert numbers["114"].href == "sms:114" and numbers["3919"].href == "tel:3919"
    assert all(line.hours and line.cost for line in HELP_LINES.lines)


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("Appelez le 17 ou le 112, SMS au 114.", ["tel:17", "tel:112", "sms:114"]),
        ("Le 3919 et le 116 006 sont gratuits.", ["tel:3919", "tel:116006"]),
        ("Drogues Info Service : 0 800 23 13 13.", ["tel:0800231313"]),
        ("Depuis le 15 octobre 2024, à 18 ans, pendant 15 jours.", []),
        ("15 000 € d'amende, 17Cyber, en 2017, à 18:00.", []),
    ],
)
def test_help_line_numbers_become_links_and_dates_do_not(text: str, linked: list[str]) -> None:
    html = str(HELP_LINES.link_text(text))
    assert re.findall(r'href="((?:tel|sms):\d+)"', html) == linked


def test_markdown_links_a_bold_help_line_and_leaves_existing_links_alone() -> None:
    html = render_markdown(
        "Appelez le **17**. [Le 3919](https://arretonslesviolences.gouv.fr/x)", HELP_LINES
    )
    assert '<a href="tel:17" class="numero"><strong>17</strong></a>' in html
    assert 'href="tel:3919"' not in html


def test_the_built_site_passes_the_editorial_checks(built: Path) -> None:
    assert content_problems(built, HELP_LINES) == []
    assert set(form_pages(built)) == {
        "/signaler/point-de-deal/",
        "/signaler/rodeo-urbain/",
        "/signaler/maltraitance-animale/",
        "/signaler/autre-nuisance/",
    }


def test_check_flags_the_old_pre_complaint_presented_as_current(tmp_path: Path) -> None:
    page = tmp_path / "fiches" / "x" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        "<p>Faites une pré-plainte en ligne puis signez au commissariat.</p>"
        "<p>La pré-plainte en ligne a été remplacée par Plainte en ligne.</p>",
        encoding="utf-8",
    )
    problems = discontinued_service_problems(tmp_path)
    assert len(problems) == 1 and "signez" in problems[0]
    page.write_text('<a href="https://www.pre-plainte-en-ligne.gouv.fr">x</a>', encoding="utf-8")
    assert discontinued_service_problems(tmp_path)


def test_check_flags_a_help_line_written_as_plain_text(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<p>Appelez le <a href="tel:17">17</a> ou le 3919.</p><p class="mots-cles" hidden>119</p>',
        encoding="utf-8",
    )
    problems = unlinked_help_line_problems(tmp_path, HELP_LINES)
    assert len(problems) == 1 and "3919" in problems[0]


def test_check_flags_a_form_no_fiche_links_to(tmp_path: Path) -> None:
    form = tmp_path / "signaler" / "rodeo-urbain" / "index.html"
    form.parent.mkdir(parents=True)
    form.write_text('<div id="report-form"></div>', encoding="utf-8")
    fiche = tmp_path / "fiches" / "rodeos-urbains" / "index.html"
    fiche.parent.mkdir(parents=True)
    fiche.write_text('<a href="/discuter/">tchat</a>', encoding="utf-8")
    assert orphan_form_problems(tmp_path) == [
        "/signaler/rodeo-urbain/: aucun lien depuis une fiche vers ce formulaire"
    ]
    fiche.write_text('<a href="/signaler/rodeo-urbain/">formulaire</a>', encoding="utf-8")
    assert orphan_form_problems(tmp_path) == []


def test_officer_outcomes_and_canned_answers_name_the_current_service() -> None:
    from chalicelib import vocabulary

    assert "pré-plainte" not in vocabulary.OUTCOMES["plainte_en_ligne"].casefold()
    assert "pré-plainte" not in vocabulary.HOW_FAR["deposer_plainte"].casefold()
    seed = (ROOT / "local" / "seed.py").read_text(encoding="utf-8")
    assert "pré-plainte" not in seed.casefold() and "pre-plainte" not in seed
