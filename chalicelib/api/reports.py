"""HTTP routes of reports: citizens file, track and illustrate; officers triage and export.

Citizen routes are anonymous: the tracking code (``X-Tracking-Code`` header,
never in a URL) is the only key to a report. Officer routes go through the
Cognito authorizer. Pydantic models are imported inside the views (cold start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from chalice.app import Blueprint, Request, Response

from chalicelib.api.authorizer import officer_auth
from chalicelib.api.http import (
    current_officer,
    guarded,
    json_response,
    read_body,
    read_json,
    read_query,
    validate,
)
from chalicelib.api.openapi import operation
from chalicelib.config import settings
from chalicelib.errors import InvalidInput, NotFound, Unauthorized

if TYPE_CHECKING:
    from chalicelib.reports.schemas import ReportInput

reports = Blueprint(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
TRACKING_HEADER = "X-Tracking-Code"
_S = "chalicelib.reports.schemas:"
IDEMPOTENCY_KEY_SCHEMA: dict[str, Any] = {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,128}$"}
TRACKING_CODE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": r"^[0-9A-HJKMNP-TV-Z]{12}\.[A-Za-z0-9_-]{43}$",
}
IDEMPOTENCY = (
    IDEMPOTENCY_HEADER,
    "Clé unique de cet envoi (un UUID tiré par le navigateur) : renvoyer la même requête "
    "avec la même clé ne crée pas un second signalement.",
    IDEMPOTENCY_KEY_SCHEMA,
)
TRACKING = (
    TRACKING_HEADER,
    "Le code de suivi remis à l'envoi du signalement.",
    TRACKING_CODE_SCHEMA,
)


# -- edge helpers shared with the feedback routes ------------------------------------


def client_address(request: Request) -> str:
    """The citizen's IP address, for rate limits (never stored in clear).

    ``requestContext.identity.sourceIp`` is the address that reached API
    Gateway. Behind ``TRUSTED_PROXY_HOPS`` trusted proxies (CloudFront: 1), the
    client is the entry that the outermost trusted proxy appended to
    ``X-Forwarded-For``; entries further left are the client's own claims.
    """
    identity = (request.context or {}).get("identity") or {}
    source = str(identity.get("sourceIp") or "unknown")
    hops = settings().trusted_proxy_hops
    if hops <= 0:
        return source
    forwarded = [
        part.strip()
        for part in str(request.headers.get("x-forwarded-for", "")).split(",")
        if part.strip()
    ]
    if forwarded and forwarded[-1] == source:
        forwarded.pop()
    return forwarded[-hops] if len(forwarded) >= hops else source


def _report_id(value: str) -> str:
    """A path ``report_id`` of the right shape; anything else is simply not found."""
    from chalicelib.reports.intake import NO_SUCH_REPORT, REPORT_ID

    if not REPORT_ID.match(value):
        raise NotFound(NO_SUCH_REPORT)
    return value


def _tracking_code(request: Request) -> str:
    code = request.headers.get(TRACKING_HEADER.lower())
    if not code:
        raise Unauthorized(
            "Le code de suivi est nécessaire (en-tête X-Tracking-Code).", field=TRACKING_HEADER
        )
    return str(code)


# -- citizens ------------------------------------------------------------------------

operation(
    "POST",
    "/reports",
    summary="Envoyer un signalement (anonyme)",
    tag="signalements",
    request=_S + "ReportIn",
    response=_S + "SubmittedReport",
    status=201,
    errors=("conflict", "rate_limited"),
    required_headers=(IDEMPOTENCY,),
)


@reports.route("/reports", methods=["POST"])
@guarded
def submit_report() -> Response:
    """File a report: validated per kind, idempotent, rate-limited; answers the tracking code."""
    from chalicelib.reports import intake
    from chalicelib.reports.schemas import REPORT_MODELS, KindProbe, SubmittedReport
    from chalicelib.vocabulary import INITIAL_STATUS, REPORT_STATUSES, label

    request = reports.current_request
    key = str(request.headers.get(IDEMPOTENCY_HEADER.lower()) or "")
    if not key:
        raise InvalidInput(
            "L'en-tête Idempotency-Key est obligatoire (un identifiant unique de l'envoi).",
            field=IDEMPOTENCY_HEADER,
        )
    if not intake.IDEMPOTENCY_KEY.match(key):
        raise InvalidInput(
            "L'en-tête Idempotency-Key doit compter 16 à 128 lettres, chiffres, - ou _.",
            field=IDEMPOTENCY_HEADER,
        )
    data = read_json(request)
    if not isinstance(data, dict):
        raise InvalidInput("Un objet JSON est attendu.", field="body")
    kind = validate(KindProbe, data).kind
    report = cast("ReportInput", validate(REPORT_MODELS[kind], data))
    submitted = intake.submit(
        report,
        client=client_address(request),
        idempotency_key=key,
        lambda_context=request.lambda_context,
    )
    settings_ = settings()
    answer = SubmittedReport(
        report_id=submitted.report_id,
        tracking_code=submitted.tracking_code,
        status=INITIAL_STATUS,
        status_label=label(REPORT_STATUSES, INITIAL_STATUS),
        received_at=submitted.received_at,
        photos_allowed=settings_.photos_per_report,
        message=(
            "Votre signalement a bien été reçu. Conservez votre code de suivi : "
            "il ne sera plus affiché."
        ),
    )
    return json_response(answer, 201)


operation(
    "GET",
    "/reports/track",
    summary="Suivre un signalement avec son code de suivi",
    tag="signalements",
    response=_S + "TrackedReport",
    errors=("not_found", "unauthorized"),
    required_headers=(TRACKING,),
)


@reports.route("/reports/track", methods=["GET"])
@guarded
def track_report() -> Response:
    """The status of the one report a tracking code opens (and nothing else about it)."""
    from chalicelib.reports.intake import authorised_report
    from chalicelib.reports.schemas import TrackedReport
    from chalicelib.vocabulary import REPORT_STATUSES, label

    report = authorised_report(_tracking_code(reports.current_request))
    return json_response(
        TrackedReport(
            status=report.status,
            status_label=label(REPORT_STATUSES, report.status),
            received_at=report.created_at,
            updated_at=report.updated_at,
        )
    )


operation(
    "POST",
    "/reports/{report_id}/photos",
    summary="Obtenir un envoi de photo (formulaire S3 pré-signé)",
    tag="signalements",
    request=_S + "PhotoUploadIn",
    response=_S + "PhotoUpload",
    status=201,
    errors=("not_found", "unauthorized", "conflict"),
    required_headers=(TRACKING,),
)


@reports.route("/reports/{report_id}/photos", methods=["POST"])
@guarded
def request_photo_upload(report_id: str) -> Response:
    """Reserve a photo slot and answer the presigned POST that fills it."""
    from chalicelib.reports.photos import request_upload
    from chalicelib.reports.schemas import PhotoUpload, PhotoUploadIn, PresignedPost

    request = reports.current_request
    code = _tracking_code(request)
    body = read_body(request, PhotoUploadIn)
    grant = request_upload(_report_id(report_id), code, body.content_type)
    return json_response(
        PhotoUpload(
            photo_id=grant.photo_id,
            upload=PresignedPost(url=grant.url, fields=grant.fields),
            expires_in=grant.expires_in,
            max_bytes=grant.max_bytes,
            content_type=body.content_type,
        ),
        201,
    )


operation(
    "POST",
    "/reports/{report_id}/photos/{photo_id}/complete",
    summary="Signaler la fin d'un envoi de photo (nettoyage des métadonnées)",
    tag="signalements",
    response=_S + "PhotoDone",
    errors=("not_found", "unauthorized", "conflict", "invalid_input", "payload_too_large"),
    required_headers=(TRACKING,),
)


@reports.route("/reports/{report_id}/photos/{photo_id}/complete", methods=["POST"])
@guarded
def complete_photo_upload(report_id: str, photo_id: str) -> Response:
    """Re-encode the uploaded photo without EXIF/GPS; refuse a non-image or an oversize file."""
    from chalicelib.reports.photos import PHOTO_ID_CHARS, complete_upload, content_type_of
    from chalicelib.reports.schemas import PhotoDone

    code = _tracking_code(reports.current_request)
    if len(photo_id) != PHOTO_ID_CHARS or not all(c in "0123456789abcdef" for c in photo_id):
        raise NotFound("Aucune photo ne correspond à cette adresse pour ce signalement.")
    photo = complete_upload(_report_id(report_id), photo_id, code)
    return json_response(
        PhotoDone.model_validate(
            {
                "photo_id": photo.photo_id,
                "status": "clean",
                "content_type": content_type_of(photo.clean_key or ""),
                "width": int(photo.width or 0),
                "height": int(photo.height or 0),
                "bytes": int(photo.size or 0),
            }
        )
    )


# -- officers ----------------------------------------------------------------------

operation(
    "GET",
    "/officer/reports",
    summary="Lister les signalements (filtres, pagination par curseur)",
    tag="policiers",
    query=_S + "ReportListQuery",
    response=_S + "ReportPage",
    auth=True,
)


@reports.route("/officer/reports", methods=["GET"], authorizer=officer_auth)
@guarded
def list_reports() -> Response:
    """A page of reports filtered by kind, status, département and period."""
    from chalicelib.reports import triage
    from chalicelib.reports.schemas import ReportListQuery, ReportPage

    request = reports.current_request
    current_officer(request)
    query = read_query(request, ReportListQuery)
    listing = triage.list_reports(
        kind=query.kind,
        status=query.status,
        dept=query.dept,
        since=query.from_,
        until=query.to,
        limit=query.limit,
        cursor=query.next,
    )
    return json_response(ReportPage.model_validate({"items": listing.items, "next": listing.next}))


operation(
    "GET",
    "/officer/reports.csv",
    summary="Exporter en CSV les signalements d'un département sur une période",
    tag="policiers",
    query=_S + "ExportQuery",
    auth=True,
    content_type="text/csv",
)


@reports.route("/officer/reports.csv", methods=["GET"], authorizer=officer_auth)
@guarded
def export_reports() -> Response:
    """CSV of one département and period (semicolons, UTF-8 with BOM, formulas neutralised)."""
    from chalicelib.reports.export import export_csv
    from chalicelib.reports.schemas import ExportQuery

    request = reports.current_request
    current_officer(request)
    query = read_query(request, ExportQuery)
    text = export_csv(query.dept, query.from_, query.to)
    filename = f"signalements-{query.dept}-{query.from_}-{query.to}.csv"
    return Response(
        body=text,
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


operation(
    "GET",
    "/officer/reports/{report_id}",
    summary="Lire un signalement (photos par liens temporaires, historique)",
    tag="policiers",
    response=_S + "ReportDetail",
    errors=("not_found",),
    auth=True,
)


@reports.route("/officer/reports/{report_id}", methods=["GET"], authorizer=officer_auth)
@guarded
def read_report(report_id: str) -> Response:
    """Everything about one report: details, contact (if left), cleaned photos, history."""
    from chalicelib.reports import photos, triage
    from chalicelib.reports.schemas import ReportDetail

    current_officer(reports.current_request)
    found = triage.report_file(_report_id(report_id))
    report = found.report
    views = [view for view in map(photos.officer_view, found.photos) if view is not None]
    detail: dict[str, Any] = {
        **triage.report_row(report.row),
        "updated_at": report.updated_at,
        "location": {
            "address": report.address,
            "postcode": report.postcode,
            "commune": report.commune,
            "dept": report.dept,
            "lat": report.lat,
            "lon": report.lon,
        },
        "observed": report.observed,
        "description": report.description,
        "details": report.details,
        "photos": views,
        "history": [triage.history_entry(event) for event in found.events],
    }
    if found.contact is not None:
        from chalicelib.clock import iso_time

        detail["contact"] = {
            "name": found.contact.name,
            "reach": found.contact.reach,
            "expires_at": iso_time(found.contact.ttl),
        }
    return json_response(ReportDetail.model_validate(detail))


operation(
    "POST",
    "/officer/reports/{report_id}/status",
    summary="Changer le statut d'un signalement (avec une note)",
    tag="policiers",
    request=_S + "StatusChangeIn",
    response=_S + "StatusChanged",
    errors=("not_found", "conflict"),
    auth=True,
)


@reports.route("/officer/reports/{report_id}/status", methods=["POST"], authorizer=officer_auth)
@guarded
def change_report_status(report_id: str) -> Response:
    """Move a report from the status the officer saw to a new one; 409 if someone was first."""
    from chalicelib.reports import triage
    from chalicelib.reports.schemas import StatusChanged, StatusChangeIn
    from chalicelib.vocabulary import REPORT_STATUSES, label

    request = reports.current_request
    officer = current_officer(request)
    body = read_body(request, StatusChangeIn)
    report, event = triage.change_status(
        _report_id(report_id), officer, body.expected, body.to, body.note
    )
    return json_response(
        StatusChanged.model_validate(
            {
                "report_id": report.report_id,
                "status": report.status,
                "status_label": label(REPORT_STATUSES, report.status),
                "updated_at": report.updated_at,
                "event": triage.history_entry(event),
            }
        )
    )


operation(
    "GET",
    "/officer/spots",
    summary="Lister les lieux signalés (signalements regroupés)",
    tag="policiers",
    query=_S + "SpotListQuery",
    response=_S + "SpotPage",
    auth=True,
)


@reports.route("/officer/spots", methods=["GET"], authorizer=officer_auth)
@guarded
def list_spots() -> Response:
    """A page of spots (same kind, same place), most recently reported first."""
    from chalicelib.reports import triage
    from chalicelib.reports.schemas import SpotListQuery, SpotPage

    request = reports.current_request
    current_officer(request)
    query = read_query(request, SpotListQuery)
    listing = triage.list_spots(
        kind=query.kind,
        dept=query.dept,
        since=query.from_,
        until=query.to,
        limit=query.limit,
        cursor=query.next,
    )
    return json_response(SpotPage.model_validate({"items": listing.items, "next": listing.next}))


operation(
    "GET",
    "/officer/spots/{spot_id}/reports",
    summary="Les signalements d'un même lieu",
    tag="policiers",
    query=_S + "PageQuery",
    response=_S + "SpotReports",
    errors=("not_found",),
    auth=True,
)


@reports.route("/officer/spots/{spot_id}/reports", methods=["GET"], authorizer=officer_auth)
@guarded
def list_spot_reports(spot_id: str) -> Response:
    """One spot and a page of its reports."""
    from chalicelib.reports import triage
    from chalicelib.reports.schemas import PageQuery, SpotReports

    request = reports.current_request
    current_officer(request)
    query = read_query(request, PageQuery)
    spot, listing = triage.spot_reports(spot_id, query.limit, query.next)
    return json_response(
        SpotReports.model_validate({"spot": spot, "items": listing.items, "next": listing.next})
    )
