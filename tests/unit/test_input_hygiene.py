"""The shared pieces every body and frame is read with: the JSON reader, texts, links,
dates, and who the client is (issue 15, findings 2, 3, 7, 8, 9)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib import jsonbody
from chalicelib.auth import client_address
from chalicelib.errors import InvalidJson
from chalicelib.fields import (
    DATE_PATTERN,
    INVISIBLE_RANGES,
    LINK_URL_PATTERN,
    SITE_SECTIONS,
    VISIBLE,
    check_date,
    check_link,
    clean_text,
)

ROOT = Path(__file__).resolve().parents[2]

# -- the JSON reader -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 2000 + b"]" * 2000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b"[" * 33 + b"]" * 33,
        b"9" * 5000,
        b"\xff\xfe{}",
        b"",
        b'{"a": 1',
    ],
)
def test_the_json_reader_answers_invalid_json_to_anything_unreadable(raw: bytes) -> None:
    with pytest.raises(InvalidJson):
        jsonbody.decode(raw)


def test_the_json_reader_takes_what_the_app_nests() -> None:
    assert jsonbody.decode(b"[" * 32 + b"]" * 32) == jsonbody.decode(b"[" * 32 + b"]" * 32)
    assert jsonbody.depth({"a": [{"b": 1}]}) == 3
    assert jsonbody.depth(4) == 0


# -- texts -------------------------------------------------------------------------------


def _invisible() -> set[str]:
    ranges = re.findall(r"\\u([0-9a-f]{4})(?:-\\u([0-9a-f]{4}))?", INVISIBLE_RANGES)
    found = set()
    for start, end in ranges:
        found |= {chr(c) for c in range(int(start, 16), int(end or start, 16) + 1)}
    return found


def test_the_invisible_set_is_every_format_character_of_the_bmp_but_the_joiner() -> None:
    format_characters = {chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Cf"} - {
        "\u200d"
    }
    assert _invisible() == format_characters


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("Bonjour", "Bonjour"),
        ("a\u202eb\u202cc", "abc"),
        ("x\u2066y\u2069", "xy"),
        ("mot\u00adcoupé", "motcoupé"),
        ("\ufeffdébut", "début"),
        ("ligne 1\nligne 2\tfin", "ligne 1\nligne 2\tfin"),
        ("nul\x00 et bip\x07", "nul et bip"),
        (
            "\U0001f468\u200d\U0001f469\u200d\U0001f467",
            "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        ),
    ],
)
def test_clean_text_removes_what_shows_nothing(sent: str, kept: str) -> None:
    assert re.search(VISIBLE, sent)
    assert clean_text(sent) == kept


@given(st.text())
def test_a_text_with_a_visible_character_is_never_blank_once_cleaned(text: str) -> None:
    if re.search(VISIBLE, text):
        cleaned = clean_text(text) or ""
        assert cleaned.strip() and not (_invisible() & set(cleaned))


@pytest.mark.parametrize("blank", ["", " \n\t", "\u200b", "\u200d", "\u202e\u202c", "\x00\x1f"])
def test_blank_texts_do_not_match_the_visible_pattern(blank: str) -> None:
    assert not re.search(VISIBLE, blank)


# -- links -------------------------------------------------------------------------------

REFUSED = [
    "https://[::1]x/",
    "https://a\\@evil.example/",
    "//evil.example/x",
    "https://user@evil.example/",
    "https://evil.example:443/",
    "https://evil/",
    "http://evil.example/",
    "javascript:alert(1)",
    "https://evil.example/a b",
    "/fiches/../../x",
    "/inconnu/page",
    "/",
]
ACCEPTED = [
    "https://plainte-en-ligne.masecurite.interieur.gouv.fr/",
    "https://www.service-public.fr/particuliers/vosdroits/F1435?x=1#top",
    "https://arretonslesviolences.gouv.fr",
    "/fiches/vol/",
    "/signaler/point-de-deal/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_tricky_links_are_refused_by_the_parser_and_the_pattern(url: str) -> None:
    with pytest.raises(ValueError, match="Lien refusé"):
        check_link(url)
    if not url.startswith("/fiches/.."):
        assert not re.fullmatch(LINK_URL_PATTERN, url)


@pytest.mark.parametrize("url", ACCEPTED)
def test_official_sites_and_pages_of_the_site_are_accepted(url: str) -> None:
    assert check_link(url) == url
    assert re.fullmatch(LINK_URL_PATTERN, url)


def test_every_site_section_a_link_may_name_exists_in_the_site_sources() -> None:
    templates = ROOT / "static-site"
    sources = "\n".join(
        path.read_text(encoding="utf-8", errors="ignore")
        for path in templates.rglob("*")
        if path.is_file()
        and path.suffix in (".py", ".html", ".md", ".yaml", ".j2")
        and "node_modules" not in path.parts
        and "dist" not in path.parts
    )
    for section in SITE_SECTIONS:
        assert f"/{section}/" in sources or f'"{section}"' in sources, section


# -- dates -------------------------------------------------------------------------------


@given(st.from_regex(DATE_PATTERN, fullmatch=True))
def test_a_pattern_valid_date_is_refused_only_when_the_calendar_has_no_such_day(text: str) -> None:
    year, month, day = (int(part) for part in text.split("-"))
    try:
        date(year, month, day)
    except ValueError:
        with pytest.raises(ValueError, match="n'existe pas"):
            check_date(text)
    else:
        assert check_date(text) == text


def test_year_zero_is_outside_the_pattern() -> None:
    assert not re.fullmatch(DATE_PATTERN, "0000-01-01")
    assert re.fullmatch(DATE_PATTERN, "1999-12-31") and re.fullmatch(DATE_PATTERN, "2099-01-01")


# -- who the client is -----------------------------------------------------------------


def test_with_no_trusted_proxy_the_header_is_ignored() -> None:
    assert client_address("203.0.113.7", "192.0.2.1, 198.51.100.2", 0) == "203.0.113.7"


def test_behind_one_proxy_the_client_is_the_entry_it_appended() -> None:
    # CloudFront appends the viewer; API Gateway may append the edge (= sourceIp).
    assert client_address("130.176.0.1", "192.0.2.66, 203.0.113.7", 1) == "203.0.113.7"
    assert client_address("130.176.0.1", "192.0.2.66, 203.0.113.7, 130.176.0.1", 1) == (
        "203.0.113.7"
    )
    assert client_address("130.176.0.1", "", 1) == "130.176.0.1"


@given(st.lists(st.ip_addresses(v=4).map(str), max_size=5))
def test_claims_left_of_the_proxy_entry_never_change_the_client(claims: list[str]) -> None:
    forwarded = ", ".join([*claims, "203.0.113.7"])
    assert client_address("130.176.0.1", forwarded, 1) == "203.0.113.7"
