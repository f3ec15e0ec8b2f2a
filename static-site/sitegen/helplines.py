"""Help lines: the one list of phone numbers a citizen can call or text, and the linker that
turns every mention of one into a `tel:` or `sms:` link.

`content/help_lines.yaml` lists each line once (number as written, name, tel or sms, hours,
cost, source, date checked). Mentions are found in rendered Markdown and in plain strings
(service labels, wizard answers):

- any help-line number standing on its own ("17", "112", "3919", "116 006", "0 800 23 13 13"),
- except when glued to letters or digits ("17Cyber", "2017") or followed by a unit or a month
  ("18 ans", "15 jours", « le 15 octobre ») — those are quantities and dates, not calls.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup, escape

from sitegen import ContentError

SHORT_NUMBER_DIGITS = 3
# A number followed by a unit or a month is a quantity or a date, not a help line.
_NOT_A_PHONE = (
    r"(?![\s\u00a0]*(?:h\b|heures?\b|ans?\b|jours?\b|mois\b|min|semaines?\b|€|euros?\b|%"
    r"|er\b|e\b|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre"
    r"|novembre|décembre))"
)


@dataclass(frozen=True)
class HelpLine:
    number: str  # as written for people: "116 006"
    name: str
    kind: str  # "tel" or "sms"
    hours: str
    cost: str
    source: str
    checked: dt.date | None

    @property
    def digits(self) -> str:
        return re.sub(r"\D", "", self.number)

    @property
    def href(self) -> str:
        return f"{self.kind}:{self.digits}"

    @property
    def short(self) -> bool:
        return len(self.digits) <= SHORT_NUMBER_DIGITS


def _number_pattern(line: HelpLine) -> str:
    # Any spacing between the digits people group: "116006", "116 006", "39 19".
    return r"[\s\u00a0\u202f]?".join(re.escape(digit) for digit in line.digits)


class HelpLines:
    """The help lines and the regular expressions that find them in text."""

    def __init__(self, lines: list[HelpLine]) -> None:
        self.lines = lines
        self.by_digits = {line.digits: line for line in lines}
        ordered = sorted(lines, key=lambda line: -len(line.digits))  # longest first
        self._long = self._compile([line for line in ordered if not line.short])
        self._all = self._compile(ordered)

    @staticmethod
    def _compile(lines: list[HelpLine]) -> re.Pattern[str] | None:
        if not lines:
            return None
        alternatives = "|".join(_number_pattern(line) for line in lines)
        # Not glued to other digits or letters: "17Cyber", "2017", "17h" stay text.
        # Not part of a longer number either: "15 000 €" is an amount.
        return re.compile(
            rf"(?<![\w/.,])(?<!\d[\s\u00a0\u202f])(?:{alternatives})"
            rf"(?![\w/]|[.,:]\d|[\s\u00a0\u202f]\d){_NOT_A_PHONE}"
        )

    def line_for(self, text: str) -> HelpLine | None:
        return self.by_digits.get(re.sub(r"\D", "", text))

    def spans(self, text: str, *, short_too: bool) -> list[tuple[int, int, HelpLine]]:
        """(start, end, line) of every help-line number in `text`."""
        pattern = self._all if short_too else self._long
        if pattern is None:
            return []
        found = []
        for match in pattern.finditer(text):
            line = self.line_for(match.group(0))
            if line is not None:
                found.append((match.start(), match.end(), line))
        return found

    def link_text(self, text: str) -> Markup:
        """Escaped `text` with every help-line number (short ones included) as a link."""
        parts: list[str] = []
        position = 0
        for start, end, line in self.spans(text, short_too=True):
            parts.append(str(escape(text[position:start])))
            parts.append(f'<a href="{line.href}" class="numero">{escape(text[start:end])}</a>')
            position = end
        parts.append(str(escape(text[position:])))
        return Markup("".join(parts))  # noqa: S704 (every piece of text was escaped above)

    def segments(self, text: str) -> list[dict[str, str]]:
        """`text` cut into [{text}, {text, href}] for scripts that build links with textContent."""
        result: list[dict[str, str]] = []
        position = 0
        for start, end, line in self.spans(text, short_too=True):
            if start > position:
                result.append({"text": text[position:start]})
            result.append({"text": text[start:end], "href": line.href})
            position = end
        if position < len(text):
            result.append({"text": text[position:]})
        return result


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def load_help_lines(path: Path) -> HelpLines:
    """Read and validate `help_lines.yaml`; ContentError lists every problem."""
    if not path.is_file():
        return HelpLines([])
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    lines: list[HelpLine] = []
    if not isinstance(raw, list):
        raise ContentError([f"{path.name}: une liste de numéros est attendue"])
    for index, entry in enumerate(raw):
        where = f"{path.name}[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: doit être un objet")
            continue
        missing = [
            key
            for key in ("number", "name", "kind", "hours", "cost", "source")
            if not isinstance(entry.get(key), str) or not entry[key].strip()
        ]
        if missing:
            problems.append(f"{where}: champs manquants {missing}")
            continue
        if entry["kind"] not in ("tel", "sms"):
            problems.append(f"{where}: « kind » doit valoir tel ou sms")
        if not re.fullmatch(r"[\d ]+", entry["number"]):
            problems.append(f"{where}: numéro invalide {entry['number']!r}")
        try:
            checked = _date(entry.get("checked"))
        except ValueError:
            problems.append(f"{where}: « checked » doit être une date ISO")
            checked = None
        lines.append(
            HelpLine(
                number=entry["number"],
                name=entry["name"].strip(),
                kind=entry["kind"],
                hours=entry["hours"].strip(),
                cost=entry["cost"].strip(),
                source=entry["source"].strip(),
                checked=checked,
            )
        )
    digits = [line.digits for line in lines]
    duplicates = sorted({d for d in digits if digits.count(d) > 1})
    if duplicates:
        problems.append(f"{path.name}: numéros en double {duplicates}")
    if problems:
        raise ContentError(problems)
    return HelpLines(lines)
