"""Jinja2 environment: templates, French date filter, fingerprinted asset URLs, vocabulary."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sitegen.content import CATEGORIES
from sitegen.vocabulary import vocabularies

NEUTRAL_TITLE = "Informations pratiques"

NAVIGATION = (
    ("/orientation/", "Que vous est-il arrivé ?"),
    ("/fiches/", "Fiches pratiques"),
    ("/recherche/", "Rechercher"),
    ("/discuter/", "Discuter avec un policier"),
)


def french_date(value: dt.date) -> str:
    """29 novembre 2026; 1er for the first day of the month."""
    # chalicelib/ is importable once sitegen.vocabulary has put the repository on the path.
    from chalicelib.clock import MONTH_NAMES

    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTH_NAMES[value.month - 1]} {value.year}"


class AssetUrls:
    """`/assets/<path>?v=<hash>`: a new URL whenever the file changes, so caches can be long."""

    def __init__(self, assets_dir: Path) -> None:
        self.assets_dir = assets_dir
        self._cache: dict[str, str] = {}

    def __call__(self, relative: str) -> str:
        if relative not in self._cache:
            path = self.assets_dir / relative
            if not path.is_file():
                raise FileNotFoundError(f"asset inconnu : {relative}")
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            self._cache[relative] = f"/assets/{relative}?v={digest}"
        return self._cache[relative]


def make_environment(templates_dir: Path, assets_dir: Path) -> Environment:
    """Autoescaping, strict (a typo in a template fails the build), whitespace-trimmed."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date_fr"] = french_date
    env.globals.update(
        asset=AssetUrls(assets_dir),
        categories=CATEGORIES,
        navigation=NAVIGATION,
        site_name="moncommissariat",
        # What a sensitive page calls itself in the tab and the history (quick exit, discretion).
        neutral_title=NEUTRAL_TITLE,
        vocabulary=vocabularies(),
    )
    return env
