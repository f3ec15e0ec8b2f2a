"""Pydantic models of the report routes: request bodies, query strings, answers.

Bodies are *strict* (no "12" for 12, no 1 for true) and closed (unknown fields
refused), so what the OpenAPI document says is exactly what is accepted.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, RootModel, field_validator

from chalicelib.fields import (
    POSTCODE_PATTERN,
    TIME_PATTERN,
    Answer,
    Body,
    ContactText,
    DateText,
    DeptText,
    Edge,
    PageQuery,
    Query,
    Text100,
    Text200,
    Text500,
    Text1000,
    Text5000,
    absent,
    check_date,
    distinct,
    integral,
    optional_parameter,
    validate,
)
from chalicelib.vocabulary import ReportKind as Kind
from chalicelib.vocabulary import ReportStatus as Status
from chalicelib.vocabulary import TargetStatus

PhotoType = Literal["image/jpeg", "image/png", "image/webp"]
Day = Literal["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


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

    _days = field_validator("days")(distinct("Un même jour est indiqué deux fois."))
    _since = field_validator("since")(check_date)


class ContactIn(Body):
    """Optional: how the police may call the citizen back (kept 90 days)."""

    name: Text100 | None = None
    reach: ContactText


# Bounds before the validator that reads 4.0 as 4: after it (or on ``X | None``) pydantic
# publishes them as ``ge``/``le``, which JSON Schema does not know — the bounds were lost.
Up500 = Annotated[int, Field(ge=1, le=500), BeforeValidator(integral)]
Up200 = Annotated[int, Field(ge=1, le=200), BeforeValidator(integral)]


class DealDetails(Body):
    people_count: Up500 | None = Field(None, description="Nombre de personnes.")
    lookouts: bool | None = Field(None, description="Présence de guetteurs.")
    vehicles: Text500 | None = Field(None, description="Véhicules utilisés.")
    place_type: Literal["rue", "hall_immeuble", "parking", "parc", "commerce", "autre"] | None = (
        None
    )


class RodeoDetails(Body):
    vehicle_count: Up200 | None = None
    vehicle_types: list[Literal["moto", "quad", "scooter", "voiture", "autre"]] = Field(
        default_factory=list, max_length=5, json_schema_extra={"uniqueItems": True}
    )
    at_night: bool | None = None

    _types = field_validator("vehicle_types")(
        distinct("Un même type de véhicule est indiqué deux fois.")
    )


class AnimalDetails(Body):
    animal_type: Literal["chien", "chat", "cheval", "animal_de_ferme", "autre"] | None = None
    animal_count: Up500 | None = None
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


class KindProbe(Edge):
    """First step of reading a report: which kind, so errors name fields without a prefix."""

    model_config = ConfigDict(extra="allow", strict=True)
    kind: Kind


class ReportIn(RootModel[Any]):
    """A new report: one schema per kind, chosen by ``kind`` (the OpenAPI request body)."""

    # Declared as a field, not as RootModel[...]: parametrizing would build the validator
    # at import.
    model_config = ConfigDict(defer_build=True)
    root: Annotated[ReportInput, Field(discriminator="kind")]

    @classmethod
    def from_body(cls, data: dict[str, Any]) -> ReportIn:
        """Read in two steps — the kind, then that kind's model — so that errors name
        fields as the citizen sent them (``location.postcode``, not
        ``point_de_deal.location.postcode``)."""
        kind = validate(KindProbe, data).kind
        return cls(validate(REPORT_MODELS[kind], data))


class SubmittedReport(Answer):
    report_id: str
    tracking_code: str = Field(
        description="À conserver : seul moyen de suivre le signalement, affiché une seule fois."
    )
    status: Status
    status_label: str
    received_at: str
    photos_allowed: int
    message: str


class TrackedReport(Answer):
    status: Status
    status_label: str
    received_at: str
    updated_at: str


# -- photos ----------------------------------------------------------------------


class PhotoUploadIn(Body):
    content_type: PhotoType


class PresignedPost(Answer):
    url: str
    fields: dict[str, str]


class PhotoUpload(Answer):
    photo_id: str
    upload: PresignedPost
    expires_in: int
    max_bytes: int
    content_type: PhotoType


class PhotoDone(Answer):
    photo_id: str
    status: Literal["clean"]
    content_type: PhotoType
    width: int
    height: int
    bytes: int


# -- officers --------------------------------------------------------------------


class SpotListQuery(PageQuery):
    """Filters shared by every list: kind, département, period (days, both included)."""

    kind: Kind | None = absent()
    dept: DeptText | None = absent()
    from_: DateText | None = Field(None, alias="from", json_schema_extra=optional_parameter)
    to: DateText | None = absent()

    _dates = field_validator("from_", "to")(check_date)


class ReportListQuery(SpotListQuery):
    status: Status | None = absent()


class ExportQuery(Query):
    dept: DeptText
    from_: DateText = Field(alias="from")
    to: DateText

    _dates = field_validator("from_", "to")(check_date)


class ReportSummary(Answer):
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


class ReportPage(Answer):
    items: list[ReportSummary]
    next: str | None = None


class LocationOut(Answer):
    address: str
    postcode: str
    commune: str
    dept: str
    lat: float | None = None
    lon: float | None = None


class PhotoView(Answer):
    photo_id: str
    url: str = Field(description="Lien de lecture temporaire.")
    expires_in: int
    content_type: str
    width: int
    height: int


class ContactOut(Answer):
    name: str | None = None
    reach: str
    expires_at: str


class HistoryEntry(Answer):
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
    conversation_id: str | None = Field(
        None, description="Créé par un policier depuis cette conversation du chat."
    )


class StatusChangeIn(Body):
    expected: Status = Field(description="Le statut affiché quand la décision a été prise.")
    to: TargetStatus
    note: Text1000


class StatusChanged(Answer):
    report_id: str
    status: Status
    status_label: str
    updated_at: str
    event: HistoryEntry


class SpotSummary(Answer):
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


class SpotPage(Answer):
    items: list[SpotSummary]
    next: str | None = None


class SpotReports(Answer):
    spot: SpotSummary
    items: list[ReportSummary]
    next: str | None = None
