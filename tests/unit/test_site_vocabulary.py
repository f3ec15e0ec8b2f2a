"""The product's words have one source, chalicelib/vocabulary.py: the site build generates the
JS module both apps import and hands them to the templates; nothing in static-site/ copies a
vocabulary by hand."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "static-site"
sys.path.insert(0, str(SITE))

from sitegen import ContentError  # noqa: E402
from sitegen.builder import build_site  # noqa: E402
from sitegen.content import load_fiches  # noqa: E402
from sitegen.forms import REPORT_KINDS  # noqa: E402
from sitegen.vocabulary import JS_MODULE, js_module, js_name  # noqa: E402

from chalicelib.vocabulary import export  # noqa: E402

VOCABULARY = export()
_CONSTANT = re.compile(r"^export const (\w+) = Object\.freeze\((.*)\);$")
_IMPORT = re.compile(r'import\s*\{([^}]*)\}\s*from\s*"/shared/js/vocabulary\.js"')

# Same words, another meaning: the report form's yes / no / « don't know » answers to its
# boolean questions (lookouts, vehicles…) are not the non-users' survey answers.
NOT_COPIES = {("static-site/templates/report.html", "wantedOnline.ne_sait_pas")}
# Answers the site never needs to name: the templates render them, the scripts read the form.
ANSWERS = ("surveyAnswers", "wantedOnline", "howFar")


def module_data(source: str) -> dict[str, Any]:
    """The constants of the generated module, by name (each line is `export const X = …`)."""
    data = {}
    for line in source.splitlines():
        if line.startswith("//"):
            continue
        match = _CONSTANT.match(line)
        assert match, f"unexpected line in the generated module: {line!r}"
        data[match.group(1)] = json.loads(match.group(2))
    return data


def expected_module_data() -> dict[str, Any]:
    return {js_name(key): value for key, value in VOCABULARY.items()}


class Choices(HTMLParser):
    """Radio buttons and checkboxes of a page as {name: [(value, label)]}, legends in order."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[tuple[str, str, str]] = []  # (name, value, id)
        self.labels: dict[str, str] = {}
        self.legends: list[str] = []
        self.dt: list[str] = []
        self._text: list[str] | None = None
        self._for: str | None = None
        self._tag: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("type") in ("radio", "checkbox"):
            self.inputs.append(
                (values.get("name") or "", values.get("value") or "", values.get("id") or "")
            )
        if tag in ("label", "legend", "dt"):
            self._text, self._for, self._tag = [], values.get("for"), tag

    def handle_endtag(self, tag: str) -> None:
        if tag != self._tag or self._text is None:
            return
        text = "".join(self._text).strip()
        if tag == "label" and self._for:
            self.labels[self._for] = text
        elif tag == "legend":
            self.legends.append(text)
        elif tag == "dt":
            self.dt.append(text)
        self._text = self._tag = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def offered(self, name: str) -> list[tuple[str, str]]:
        return [(value, self.labels[id_]) for n, value, id_ in self.inputs if n == name]


def choices(page: Path) -> Choices:
    parser = Choices()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vocabulary") / "dist"
    build_site(out, search_index=False)
    return out


# -- the generated JS module ------------------------------------------------------------------


def test_the_generated_module_holds_every_vocabulary_in_the_source_order() -> None:
    data = module_data(js_module(VOCABULARY))
    assert data == expected_module_data()
    assert list(data["TOPICS"]) == list(VOCABULARY["topics"])
    assert list(data["OUTCOMES"]) == list(VOCABULARY["outcomes"])


def test_the_build_writes_the_module_from_chalicelib(dist: Path) -> None:
    written = (dist / JS_MODULE).read_text(encoding="utf-8")
    assert module_data(written) == expected_module_data()
    assert not (SITE / JS_MODULE).exists(), "the module is build output, never a source file"


def test_what_both_apps_import_from_the_module_exists() -> None:
    exported = set(expected_module_data())
    importers = {}
    for folder in ("assets/js", "console/js"):
        for path in sorted((SITE / folder).rglob("*.js")):
            for names in _IMPORT.findall(path.read_text(encoding="utf-8")):
                importers[path.relative_to(SITE).as_posix()] = {
                    name.strip() for name in names.split(",") if name.strip()
                }
    assert any(name.startswith("assets/") for name in importers), "the citizen site imports it"
    assert any(name.startswith("console/") for name in importers), "the console imports it"
    unknown = {path: names - exported for path, names in importers.items() if names - exported}
    assert unknown == {}


# -- the templates ------------------------------------------------------------------------------


def test_the_chat_page_offers_exactly_the_topics(dist: Path) -> None:
    page = choices(dist / "discuter" / "index.html")
    assert page.offered("topic") == list(VOCABULARY["topics"].items())


def test_the_survey_page_asks_exactly_the_questions_with_their_answers(dist: Path) -> None:
    page = choices(dist / "avis" / "index.html")
    for question in VOCABULARY["chatQuestions"]:
        assert page.offered(question) == list(VOCABULARY["surveyAnswers"].items()), question
    assert page.offered("wanted_online") == list(VOCABULARY["wantedOnline"].items())
    assert page.offered("how_far") == list(VOCABULARY["howFar"].items())
    questions = VOCABULARY["nonUserQuestions"]
    assert page.legends[: len(VOCABULARY["chatQuestions"])] == list(
        VOCABULARY["chatQuestions"].values()
    )
    assert questions["wanted_online"] in page.legends
    assert f"{questions['how_far']} (facultatif)" in page.legends


def test_the_tracking_page_explains_every_report_status(dist: Path) -> None:
    page = choices(dist / "signaler" / "suivi" / "index.html")
    assert page.dt == list(VOCABULARY["reportStatuses"].values())


def test_there_is_one_report_page_per_report_kind_and_its_chat_topic_exists() -> None:
    assert sorted(report.kind for report in REPORT_KINDS) == sorted(VOCABULARY["reportKinds"])
    assert {report.chat_topic for report in REPORT_KINDS} <= set(VOCABULARY["topics"])


def test_a_fiche_whose_chat_topic_is_not_a_topic_is_rejected(tmp_path: Path) -> None:
    good = (SITE / "content" / "fiches" / "vol-velo.md").read_text(encoding="utf-8")
    broken = re.sub(r"(?m)^chat_topic: .*$", "chat_topic: velo", good)
    assert broken != good
    (tmp_path / "vol-velo.md").write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError, match="chat_topic"):
        load_fiches(tmp_path)


# -- no copy by hand ----------------------------------------------------------------------------


def _entries() -> Iterator[tuple[str, str, str]]:
    """Every entry but the everyday ones (a short key, a one-word label: `("autre", "Autre")`,
    `("oui", "Oui")`) that other lists of the forms legitimately hold too; a copy of a
    vocabulary is still caught by its other entries."""
    for name, entries in VOCABULARY.items():
        if isinstance(entries, dict):
            for key, label in entries.items():
                if len(key) > 5 or " " in label:
                    yield name, key, label


def hand_copies(source: str) -> list[str]:
    """The vocabulary entries `source` writes out: a key next to its label (`key: "Label"`,
    `("key", "Label")`, `value="key">Label<`), a label of several words as a string or as an
    element's whole text, or an answer's key at all (`"en_partie"`, `ne_sait_pas:`)."""
    found = []
    for name, key, label in _entries():
        key_, label_ = re.escape(key), re.escape(label)
        patterns = [
            rf"""(?<![\w-])["']?{key_}["']?\s*[:,]\s*["']{label_}["']""",
            rf"""value=["']{key_}["'][^<>]*>(?:\s*<[^<>]*>)*\s*{label_}\s*<""",
        ]
        if " " in label:
            patterns.append(rf"""["']{label_}["']|>\s*{label_}\s*<""")
        if name in ANSWERS:
            patterns.append(rf"""["']{key_}["']|(?<![\w.-]){key_}\s*:""")
        if any(re.search(pattern, source) for pattern in patterns):
            found.append(f"{name}.{key}")
    return found


def site_sources() -> Iterator[Path]:
    for path in sorted(SITE.rglob("*")):
        parts = path.relative_to(SITE).parts
        if path.suffix in (".js", ".html", ".py") and not {"dist", "node_modules"} & set(parts):
            yield path


def test_no_vocabulary_is_copied_by_hand_in_the_site_sources() -> None:
    copies = {}
    for path in site_sources():
        relative = path.relative_to(ROOT).as_posix()
        found = [
            entry
            for entry in hand_copies(path.read_text(encoding="utf-8"))
            if (relative, entry) not in NOT_COPIES
        ]
        if found:
            copies[relative] = found
    assert copies == {}, "change the words in chalicelib/vocabulary.py, and read them from there"


@pytest.mark.parametrize(
    "source",
    [
        'export const TOPICS = { escroquerie: "Escroquerie / arnaque en ligne" };',
        '{% set chat_topics = [("vol", "Vol / cambriolage"), ("autre", "Autre")] %}',
        'ANSWERS = (("oui", "Oui"), ("en_partie", "En partie"), ("non", "Non"))',
        '<option value="en_analyse">En cours d\'analyse</option>',
        '<input type="radio" id="p-1" value="away"><label for="p-1">En pause</label>',
        'countTable("Auriez-vous souhaité faire vos démarches en ligne ?", "Réponse", rows)',
        "<dt><strong>Transmis au service local</strong></dt>",
        'export const WANTED_ONLINE = Object.freeze({ oui: "Oui", ne_sait_pas: "Ne sait pas" });',
    ],
)
def test_the_scan_recognises_a_hand_copy(source: str) -> None:
    assert hand_copies(source)


def test_the_scan_lets_plain_prose_and_keys_alone_through() -> None:
    prose = (
        "<p>Passez « En ligne » pour en recevoir.</p>\n"
        'if (closing.outcome === "fin_citoyen") return "Vous avez mis fin à la conversation.";\n'
        'const targets = TARGET_STATUSES.filter((status) => status !== "recu");\n'
    )
    assert hand_copies(prose) == []
