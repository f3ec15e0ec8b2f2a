"""Pydantic models of the report routes: request bodies, query strings, answers.

Imported inside the views and by the OpenAPI generator only (cold start).
Bodies are *strict* (no "12" for 12, no 1 for true) and closed (unknown fields
refused), so what the OpenAPI document says is exactly what is accepted.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    field_validator,
)

from chalicelib.vocabulary import ReportKind as Kind
from chalicelib.vocabulary import ReportStatus as Status
from chalicelib.vocabulary import TargetStatus

# -- shared pieces ---------------------------------------------------------------


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
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
PhotoType = Literal["image/jpeg", "image/png", "image/webp"]
Day = Literal["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


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


class Body(BaseModel):
    """A request body: strict types, no unknown field."""

    model_config = ConfigDict(extra="forbid", strict=True)


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


class Query(BaseModel):
    """A query string: values arrive as text, unknown parameters are ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


# -- submission ------------------------------------------------------------------


class Coordinates(Body):
    """A point given by the citizen's phone or picked on a map."""

    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)


class LocationIn(Body):
    address: Text200 = Field(description="Numéro et voie, ou lieu-dit.")
    postcode: str = Field(pattern=POSTCODE_PATTERN, description="Code postal (5 chiffres).")
    commune: Text100
    coordinates: Coordinates | None = None


class TimeRange(Body):
    """Hours of the day (``22:00`` → ``02:00`` runs past midnight)."""

    start: str = Field(pattern=TIME_PATTERN)
    end: str = Field(pattern=TIME_PATTERN)


class ObservedIn(Body):
    """When the facts are seen."""

    days: list[Day] = Field(min_length=1, max_length=7, json_schema_extra={"uniqueItems": True})
    time_ranges: list[TimeRange] = Field(default_factory=list, max_length=6)
    since: DateText | None = None

    @field_validator("days")
    @classmethod
    def _no_repeated_day(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("Un même jour est indiqué deux fois.")
        return value

    _since = field_validator("since")(check_date)


class ContactIn(Body):
    """Optional: how the police may call the citizen back (kept 90 days)."""

    name: Text100 | None = None
    reach: str = Field(
        pattern=CONTACT_PATTERN, max_length=120, description="Adresse e-mail ou téléphone."
    )


class DealDetails(Body):
    people_count: Whole | None = Field(None, ge=1, le=500, description="Nombre de personnes.")
    lookouts: bool | None = Field(None, description="Présence de guetteurs.")
    vehicles: Text500 | None = Field(None, description="Véhicules utilisés.")
    place_type: Literal["rue", "hall_immeuble", "parking", "parc", "commerce", "autre"] | None = (
        None
    )


class RodeoDetails(Body):
    vehicle_count: Whole | None = Field(None, ge=1, le=200)
    vehicle_types: list[Literal["moto", "quad", "scooter", "voiture", "autre"]] = Field(
        default_factory=list, max_length=5, json_schema_extra={"uniqueItems": True}
    )
    at_night: bool | None = None

    @field_validator("vehicle_types")
    @classmethod
    def _no_repeated_type(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("Un même type de véhicule est indiqué deux fois.")
        return value


class AnimalDetails(Body):
    animal_type: Literal["chien", "chat", "cheval", "animal_de_ferme", "autre"] | None = None
    animal_count: Whole | None = Field(None, ge=1, le=500)
    immediate_danger: bool | None = Field(None, description="L'animal est-il en danger immédiat ?")


class OtherDetails(Body):
    nuisance: Text200 | None = Field(None, description="Nature de la nuisance.")


class _ReportBase(Body):
    location: LocationIn
    observed: ObservedIn
    description: Text5000
    contact: ContactIn | None = None


class DealReportIn(_ReportBase):
    kind: Literal["point_de_deal"]
    details: DealDetails | None = None


class RodeoReportIn(_ReportBase):
    kind: Literal["rodeo_urbain"]
    details: RodeoDetails | None = None


class AnimalReportIn(_ReportBase):
    kind: Literal["maltraitance_animale"]
    details: AnimalDetails | None = None


class OtherReportIn(_ReportBase):
    kind: Literal["autre_nuisance"]
    details: OtherDetails | None = None


ReportInput = DealReportIn | RodeoReportIn | AnimalReportIn | OtherReportIn

REPORT_MODELS: dict[str, type[_ReportBase]] = {
    "point_de_deal": DealReportIn,
    "rodeo_urbain": RodeoReportIn,
    "maltraitance_animale": AnimalReportIn,
    "autre_nuisance": OtherReportIn,
}


class ReportIn(RootModel[Annotated[ReportInput, Field(discriminator="kind")]]):
    """A new report: one schema per kind, chosen by ``kind`` (the OpenAPI request body)."""


class KindProbe(BaseModel):
    """First step of reading a report: which kind, so errors name fields without a prefix."""

    model_config = ConfigDict(extra="allow", strict=True)
    kind: Kind


class SubmittedReport(BaseModel):
    report_id: str
    tracking_code: str = Field(
        description="À conserver : seul moyen de suivre le signalement, affiché une seule fois."
    )
    status: Status
    status_label: str
    received_at: str
    photos_allowed: int
    message: str


class TrackedReport(BaseModel):
    status: Status
    status_label: str
    received_at: str
    updated_at: str


# -- photos ----------------------------------------------------------------------


class PhotoUploadIn(Body):
    content_type: PhotoType


class PresignedPost(BaseModel):
    url: str
    fields: dict[str, str]


class PhotoUpload(BaseModel):
    photo_id: str
    upload: PresignedPost
    expires_in: int
    max_bytes: int
    content_type: PhotoType


class PhotoDone(BaseModel):
    photo_id: str
    status: Literal["clean"]
    content_type: PhotoType
    width: int
    height: int
    bytes: int


# -- officers --------------------------------------------------------------------


class PageQuery(Query):
    limit: int = Field(25, ge=1, le=100, description="Taille de la page (plafonnée).")
    next: CursorText | None = Field(
        None,
        description="Curseur opaque de la page suivante.",
        json_schema_extra=optional_parameter,
    )


class ReportListQuery(PageQuery):
    kind: Kind | None = absent()
    status: Status | None = absent()
    dept: DeptText | None = absent()
    from_: DateText | None = Field(None, alias="from", json_schema_extra=optional_parameter)
    to: DateText | None = absent()

    _dates = field_validator("from_", "to")(check_date)


class SpotListQuery(PageQuery):
    kind: Kind | None = absent()
    dept: DeptText | None = absent()
    from_: DateText | None = Field(None, alias="from", json_schema_extra=optional_parameter)
    to: DateText | None = absent()

    _dates = field_validator("from_", "to")(check_date)


class ExportQuery(Query):
    dept: DeptText
    from_: DateText = Field(alias="from")
    to: DateText

    _dates = field_validator("from_", "to")(check_date)


class ReportSummary(BaseModel):
    report_id: str
    kind: Kind
    kind_label: str
    status: Status
    status_label: str
    created_at: str
    dept: str
    postcode: str
    commune: str
    address: str
    spot_id: str


class ReportPage(BaseModel):
    items: list[ReportSummary]
    next: str | None = None


class LocationOut(BaseModel):
    address: str
    postcode: str
    commune: str
    dept: str
    lat: float | None = None
    lon: float | None = None


class PhotoView(BaseModel):
    photo_id: str
    url: str = Field(description="Lien de lecture temporaire.")
    expires_in: int
    content_type: str
    width: int
    height: int


class ContactOut(BaseModel):
    name: str | None = None
    reach: str
    expires_at: str


class HistoryEntry(BaseModel):
    at: str
    officer: str
    from_status: Status
    to_status: Status
    note: str


class ReportDetail(ReportSummary):
    updated_at: str
    location: LocationOut
    observed: dict[str, Any]
    description: str
    details: dict[str, Any]
    photos: list[PhotoView]
    contact: ContactOut | None = None
    history: list[HistoryEntry]


class StatusChangeIn(Body):
    expected: Status = Field(description="Le statut affiché quand la décision a été prise.")
    to: TargetStatus
    note: Text1000


class StatusChanged(BaseModel):
    report_id: str
    status: Status
    status_label: str
    updated_at: str
    event: HistoryEntry


class SpotSummary(BaseModel):
    spot_id: str
    kind: Kind
    kind_label: str
    method: Literal["geohash", "address"]
    dept: str
    postcode: str
    commune: str
    address: str
    geohash: str | None = None
    lat: float | None = None
    lon: float | None = None
    report_count: int
    first_at: str
    last_at: str


class SpotPage(BaseModel):
    items: list[SpotSummary]
    next: str | None = None


class SpotReports(BaseModel):
    spot: SpotSummary
    items: list[ReportSummary]
    next: str | None = None
