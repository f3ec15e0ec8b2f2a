"""The pydantic pieces every edge model is made of: bases, bounded texts, patterns, pages, links.

HTTP bodies, query strings, answers and WebSocket frames are declared with
these, so that a limit or a pattern is written once. Every model here defers
building its validator to its first use (``defer_build``): importing the route
and frame modules at cold start defines classes, it does not compile schemas.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from chalicelib.errors import describe_pattern, from_validation_error

M = TypeVar("M", bound=BaseModel)


class Edge(BaseModel):
    """Base of every model at the edge: validators are built on first use, not at import."""

    model_config = ConfigDict(defer_build=True)


class Body(Edge):
    """A request body: strict types, no unknown field."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Query(Edge):
    """A query string: values arrive as text, unknown parameters are ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Answer(Edge):
    """A response body.

    Fields left ``None`` are left out of the JSON, unless the answer has always
    carried them as ``null`` (``keep_nulls``): clients read either, and an
    answer keeps the shape it was published with.
    """

    keep_nulls: ClassVar[bool] = False

    def to_json(self) -> dict[str, Any]:
        """The JSON-ready body (by alias)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=not self.keep_nulls)


def validate(model: type[M], data: Any) -> M:
    """``data`` validated by ``model``, or InvalidInput naming every bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise from_validation_error(error) from error


# -- texts and patterns -----------------------------------------------------------------

# Characters that show nothing but can change how a text reads: Unicode format characters
# (category Cf) of the BMP — zero-width spaces, the soft hyphen, the byte-order mark, and the
# bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that can
# make a text shown to an officer read differently from what was sent. The zero-width joiner
# (U+200D) is kept: emoji sequences need it, and it cannot reorder text.
INVISIBLE_RANGES = (
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e"
    r"\u200b-\u200c\u200e-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    r"\ufeff\ufff9-\ufffb"
)
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 but tab, LF, CR
_STRIPPED = re.compile(f"[{INVISIBLE_RANGES}{_CONTROLS}]")
# Not blank: at least one character that shows (not a space, a control, an invisible
# character or a lone joiner). The same pattern is published in the OpenAPI document.
VISIBLE = rf"[^\s\x00-\x1f\x7f-\x9f{INVISIBLE_RANGES}\u200d]"


describe_pattern(VISIBLE, "Ce texte est vide : il ne contient aucun caractère visible.")


def clean_text(value: str | None) -> str | None:
    """A free text as stored and shown: invisible formatting characters and control
    characters (but tab and line breaks) removed. Run after the text was checked to hold a
    visible character (:data:`VISIBLE`), so what remains is never blank."""
    return None if value is None else _STRIPPED.sub("", value)


def _bounded(max_length: int) -> StringConstraints:
    return StringConstraints(min_length=1, max_length=max_length, pattern=VISIBLE)


_CLEAN = AfterValidator(clean_text)
# Free texts: not blank (at least one visible character), bounded, cleaned.
Text100 = Annotated[str, _bounded(100), _CLEAN]
Text120 = Annotated[str, _bounded(120), _CLEAN]
Text200 = Annotated[str, _bounded(200), _CLEAN]
Text500 = Annotated[str, _bounded(500), _CLEAN]
Text1000 = Annotated[str, _bounded(1000), _CLEAN]
Text2000 = Annotated[str, _bounded(2000), _CLEAN]
Text5000 = Annotated[str, _bounded(5000), _CLEAN]

POSTCODE_PATTERN = r"^(?:(?:0[1-9]|[1-8][0-9]|9[0-5])[0-9]{3}|9[78][0-9]{3})$"
DEPT_PATTERN = r"^(?:0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6]|98[0-9])$"
# Years 1900–2099; the calendar itself is checked by check_date (2026-02-31 is refused).
DATE_PATTERN = r"^(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"
DATE_DESCRIPTION = (
    "Date réelle AAAA-MM-JJ (années 1900 à 2099) ; une date absente du calendrier "
    "(2026-02-31) est refusée."
)
TIME_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
# An e-mail address or a phone number, to be called back.
CONTACT_PATTERN = (
    r"^(?:[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}"
    r"|\+?[0-9][0-9 .()-]{5,19})$"
)
# The sections of the citizen site a link may point to (a page of the site itself).
SITE_SECTIONS = (
    "fiches",
    "signaler",
    "discuter",
    "victime",
    "informer",
    "orientation",
    "avis",
    "ateliers",
    "recherche",
    "plan-du-site",
    "accessibilite",
    "donnees-personnelles",
)
_HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
# A link a citizen may follow: an https address on a named host (no credentials, no port,
# no backslash), or a page of a section of the site. check_link parses it again.
LINK_URL_PATTERN = (
    rf"^(?:https://{_HOST}(?:[/?#][^\s\\<>\"'`]*)?"
    rf"|/(?:{'|'.join(SITE_SECTIONS)})/[A-Za-z0-9/_#?=&.%-]*)$"
)
LINK_REFUSED = "Lien refusé : une adresse https://… ou une page du site (/fiches/…) est attendue."
_DNS_NAME = re.compile(rf"^{_HOST}$")
describe_pattern(LINK_URL_PATTERN, LINK_REFUSED)


def check_link(url: str) -> str:
    """A link as the standard library reads it: ``https`` with a host name holding a dot,
    no user or password, no port, no backslash; or a path of a section of the site (never
    ``//host``, never ``..``)."""
    problem = LINK_REFUSED
    if "\\" in url or any(ch.isspace() or not ch.isprintable() for ch in url):
        raise ValueError(problem)
    if url.startswith("/"):
        path = urlsplit(url).path
        segments = path.split("/")
        if url.startswith("//") or ".." in segments or segments[1] not in SITE_SECTIONS:
            raise ValueError(problem)
        return url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValueError(problem) from error
    host = parts.hostname or ""
    if (
        parts.scheme != "https"
        or port is not None
        or parts.username is not None
        or parts.password is not None
        or parts.netloc != host
        or not _DNS_NAME.match(host)
    ):
        raise ValueError(problem)
    return url


def check_date(value: str | None) -> str | None:
    """A real calendar date (the pattern alone lets 2026-02-31 through)."""
    if value is None:
        return value
    try:
        date.fromisoformat(value)
    except ValueError as error:
        raise ValueError("Cette date n'existe pas (format attendu : AAAA-MM-JJ).") from error
    return value


def integral(value: Any) -> Any:
    """``4.0`` is the integer 4 in JSON Schema: accept it as such (``4.5`` stays refused)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# A whole number in a strict body (JSON Schema ``integer``).
Whole = Annotated[int, BeforeValidator(integral)]
DateText = Annotated[
    str,
    Field(pattern=DATE_PATTERN, description=DATE_DESCRIPTION, json_schema_extra={"format": "date"}),
]
DeptText = Annotated[str, Field(pattern=DEPT_PATTERN, description="Département : 75, 2A, 974…")]
CursorText = Annotated[str, Field(min_length=1, max_length=2048)]
ContactText = Annotated[
    str, Field(pattern=CONTACT_PATTERN, max_length=120, description="Adresse e-mail ou téléphone.")
]


def distinct(message: str) -> Callable[[list[Any]], list[Any]]:
    """A check for a list of choices (a ``field_validator``): the same choice twice is
    refused with ``message``. Its schema says ``uniqueItems``."""

    def check(values: list[Any]) -> list[Any]:
        if len(set(values)) != len(values):
            raise ValueError(message)
        return values

    return check


# -- query strings ----------------------------------------------------------------------


def optional_parameter(schema: dict[str, Any]) -> None:
    """JSON schema of an optional query parameter: absent, never ``null``."""
    options = schema.pop("anyOf", None) or []
    for option in options:
        if option.get("type") != "null":
            schema.update(option)
    if schema.get("default", "") is None:
        del schema["default"]


def absent() -> Any:
    """Default of an optional query parameter (see :func:`optional_parameter`)."""
    return Field(None, json_schema_extra=optional_parameter)


class PageQuery(Query):
    """One page of a listing: its size, and the opaque cursor the previous page answered."""

    limit: int = Field(25, ge=1, le=100, description="Taille de la page (plafonnée).")
    next: CursorText | None = Field(
        None,
        description="Curseur opaque de la page suivante.",
        json_schema_extra=optional_parameter,
    )


# -- shared shapes ----------------------------------------------------------------------


class Link(Body):
    """A link shown to a citizen: a canned response's, or one given when a chat closes."""

    label: Text120
    url: Annotated[str, Field(max_length=500, pattern=LINK_URL_PATTERN), AfterValidator(check_link)]
