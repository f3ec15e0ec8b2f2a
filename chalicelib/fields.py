"""The pydantic pieces every edge model is made of: bases, bounded texts, patterns, pages, links.

HTTP bodies, query strings, answers and WebSocket frames are declared with
these, so that a limit or a pattern is written once. Every model here defers
building its validator to its first use (``defer_build``): importing the route
and frame modules at cold start defines classes, it does not compile schemas.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from chalicelib.errors import from_validation_error

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

# Free texts: not blank (at least one visible character), bounded.
_NOT_BLANK = r"\S"
Text100 = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=_NOT_BLANK)]
Text200 = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_NOT_BLANK)]
Text500 = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=_NOT_BLANK)]
Text1000 = Annotated[str, StringConstraints(min_length=1, max_length=1000, pattern=_NOT_BLANK)]
Text2000 = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=_NOT_BLANK)]
Text5000 = Annotated[str, StringConstraints(min_length=1, max_length=5000, pattern=_NOT_BLANK)]

POSTCODE_PATTERN = r"^(?:(?:0[1-9]|[1-8][0-9]|9[0-5])[0-9]{3}|9[78][0-9]{3})$"
DEPT_PATTERN = r"^(?:0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6]|98[0-9])$"
DATE_PATTERN = r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"
TIME_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
# An e-mail address or a phone number, to be called back.
CONTACT_PATTERN = (
    r"^(?:[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}"
    r"|\+?[0-9][0-9 .()-]{5,19})$"
)
# A link a citizen may follow: an https address, or a page of the site itself.
LINK_URL_PATTERN = r"^(https://[^\s<>\"']+|/[A-Za-z0-9/_#?=&.-]*)$"


def check_date(value: str | None) -> str | None:
    """A real calendar date (the pattern alone lets 2026-02-31 through)."""
    if value is None:
        return value
    try:
        date.fromisoformat(value)
    except ValueError as error:
        raise ValueError("Cette date n'existe pas (format attendu : AAAA-MM-JJ).") from error
    return value


def _integral(value: Any) -> Any:
    """``4.0`` is the integer 4 in JSON Schema: accept it as such (``4.5`` stays refused)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# A whole number in a strict body (JSON Schema ``integer``).
Whole = Annotated[int, BeforeValidator(_integral)]
DateText = Annotated[str, Field(pattern=DATE_PATTERN, json_schema_extra={"format": "date"})]
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

    label: str = Field(min_length=1, max_length=120)
    url: str = Field(max_length=500, pattern=LINK_URL_PATTERN)
