"""HTTP routes of reports: citizens file, track and illustrate; officers triage and export.

Citizen routes are anonymous: the tracking code (``X-Tracking-Code`` header,
never in a URL) is the only key to a report. Officer routes go through the
Cognito authorizer. Domain modules are imported inside the views (cold start).
"""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib.api.http import attachment, client_address
from chalicelib.api.routes import Header, Routes
from chalicelib.auth import OfficerIdentity
from chalicelib.config import settings
from chalicelib.errors import NotFound, Unauthorized
from chalicelib.fields import PageQuery
from chalicelib.reports import schemas
from chalicelib.vocabulary import REPORT_STATUSES, label

reports = Routes(__name__, tag="signalements")
officers = reports.section(tag="policiers", officer=True)
IDEMPOTENCY = Header(
    "Idempotency-Key",
    "Clé unique de cet envoi (un UUID tiré par le navigateur) : renvoyer la même requête "
    "avec la même clé ne crée pas un second signalement.",
    pattern="^[A-Za-z0-9_-]{16,128}$",
    required=True,
    missing="L'en-tête Idempotency-Key est obligatoire (un identifiant unique de l'envoi).",
    malformed="L'en-tête Idempotency-Key doit compter 16 à 128 lettres, chiffres, - ou _.",
)
TRACKING = Header(
    "X-Tracking-Code",
    "Le code de suivi remis à l'envoi du signalement (« K7MQ-2XH9-PD4R » ; les codes "
    "de la première forme, « 12 caractères.43 caractères », restent valables). Essais "
    "limités par client.",
    # Documented only: whether a code opens a report is the domain's answer (404, no hint).
    pattern=r"^([0-9A-HJKMNP-TV-Z]{12}\.[A-Za-z0-9_-]{43}|[2-9A-HJKMNP-Za-hjkmnp-z -]{12,20})$",
    required=True,
    refusal=Unauthorized,
    missing="Le code de suivi est nécessaire (en-tête X-Tracking-Code).",
)


def _report_id(value: str) -> str:
    """A path ``report_id`` of the right shape; anything else is simply not found."""
    from chalicelib.reports.intake import NO_SUCH_REPORT, REPORT_ID

    if not REPORT_ID.match(value):
        raise NotFound(NO_SUCH_REPORT)
    return value


# -- citizens ------------------------------------------------------------------------


@reports.post(
    "/reports",
    summary="Envoyer un signalement (anonyme)",
    status=201,
    errors=("conflict", "rate_limited"),
    headers=(IDEMPOTENCY,),
)
def submit_report(body: schemas.ReportIn, request: Request) -> schemas.SubmittedReport:
    """File a report: validated per kind, idempotent, rate-limited; answers the tracking code."""
    from chalicelib.reports import intake
    from chalicelib.vocabulary import INITIAL_STATUS

    submitted = intake.submit(
        body.root,
        client=client_address(request),
        idempotency_key=IDEMPOTENCY.read(request),
        lambda_context=request.lambda_context,
    )
    return schemas.SubmittedReport(
        report_id=submitted.report_id,
        tracking_code=submitted.tracking_code,
        status=INITIAL_STATUS,
        status_label=label(REPORT_STATUSES, INITIAL_STATUS),
        received_at=submitted.received_at,
        photos_allowed=settings().photos_per_report,
        message=(
            "Votre signalement a bien été reçu. Conservez votre code de suivi : "
            "il ne sera plus affiché."
        ),
    )


@reports.get(
    "/reports/track",
    summary="Suivre un signalement avec son code de suivi",
    errors=("not_found", "unauthorized", "rate_limited"),
    headers=(TRACKING,),
)
def track_report(request: Request) -> schemas.TrackedReport:
    """The status of the one report a tracking code opens (and nothing else about it)."""
    from chalicelib.reports.intake import authorised_report

    report = authorised_report(TRACKING.read(request), client=client_address(request))
    return schemas.TrackedReport(
        status=report.status,
        status_label=label(REPORT_STATUSES, report.status),
        received_at=report.created_at,
        updated_at=report.updated_at,
    )


@reports.post(
    "/reports/{report_id}/photos",
    summary="Obtenir un envoi de photo (formulaire S3 pré-signé)",
    status=201,
    errors=("not_found", "unauthorized", "conflict", "rate_limited"),
    headers=(TRACKING,),
)
def request_photo_upload(
    report_id: str, body: schemas.PhotoUploadIn, request: Request
) -> schemas.PhotoUpload:
    """Reserve a photo slot and answer the presigned POST that fills it."""
    from chalicelib.reports.photos import request_upload

    code = TRACKING.read(request)
    grant = request_upload(
        _report_id(report_id), code, body.content_type, client=client_address(request)
    )
    return schemas.PhotoUpload.model_validate(
        {
            "photo_id": grant.photo_id,
            "upload": {"url": grant.url, "fields": grant.fields},
            "expires_in": grant.expires_in,
            "max_bytes": grant.max_bytes,
            "content_type": body.content_type,
        }
    )


@reports.post(
    "/reports/{report_id}/photos/{photo_id}/complete",
    summary="Signaler la fin d'un envoi de photo (nettoyage des métadonnées)",
    errors=("not_found", "unauthorized", "conflict", "invalid_input", "payload_too_large"),
    headers=(TRACKING,),
)
def complete_photo_upload(report_id: str, photo_id: str, request: Request) -> schemas.PhotoDone:
    """Re-encode the uploaded photo without EXIF/GPS; refuse a non-image or an oversize file."""
    from chalicelib.reports.photos import (
        NO_SUCH_PHOTO,
        PHOTO_ID_CHARS,
        complete_upload,
        content_type_of,
    )

    if len(photo_id) != PHOTO_ID_CHARS or not all(c in "0123456789abcdef" for c in photo_id):
        raise NotFound(NO_SUCH_PHOTO)
    photo = complete_upload(
        _report_id(report_id), photo_id, TRACKING.read(request), client=client_address(request)
    )
    return schemas.PhotoDone.model_validate(
        {
            "photo_id": photo.photo_id,
            "status": "clean",
            "content_type": content_type_of(photo.clean_key or ""),
            "width": int(photo.width or 0),
            "height": int(photo.height or 0),
            "bytes": int(photo.size or 0),
        }
    )


# -- officers ----------------------------------------------------------------------


@officers.get(
    "/officer/reports", summary="Lister les signalements (filtres, pagination par curseur)"
)
def list_reports(query: schemas.ReportListQuery) -> schemas.ReportPage:
    """A page of reports filtered by kind, status, département and period."""
    from chalicelib.reports import triage

    return schemas.ReportPage.model_validate(triage.list_reports(query), from_attributes=True)


@officers.get(
    "/officer/reports.csv",
    summary="Exporter en CSV les signalements d'un département sur une période",
    content_type="text/csv",
)
def export_reports(query: schemas.ExportQuery) -> Response:
    """CSV of one département and period (semicolons, UTF-8 with BOM, formulas neutralised)."""
    from chalicelib.reports.export import export_csv

    text = export_csv(query.dept, query.from_, query.to)
    filename = f"signalements-{query.dept}-{query.from_}-{query.to}.csv"
    return attachment(text, "text/csv", filename)


@officers.get(
    "/officer/reports/{report_id}",
    summary="Lire un signalement (photos par liens temporaires, historique)",
    errors=("not_found",),
)
def read_report(report_id: str) -> schemas.ReportDetail:
    """Everything about one report: details, contact (if left), cleaned photos, history."""
    from chalicelib.reports import triage

    return schemas.ReportDetail.model_validate(triage.report_detail(_report_id(report_id)))


@officers.post(
    "/officer/reports/{report_id}/status",
    summary="Changer le statut d'un signalement (avec une note)",
    errors=("not_found", "conflict"),
)
def change_report_status(
    report_id: str, body: schemas.StatusChangeIn, officer: OfficerIdentity
) -> schemas.StatusChanged:
    """Move a report from the status the officer saw to a new one; 409 if someone was first."""
    from chalicelib.reports import triage

    report, event = triage.change_status(
        _report_id(report_id), officer, body.expected, body.to, body.note
    )
    return schemas.StatusChanged.model_validate(
        {
            "report_id": report.report_id,
            "status": report.status,
            "status_label": label(REPORT_STATUSES, report.status),
            "updated_at": report.updated_at,
            "event": triage.history_entry(event),
        }
    )


@officers.get("/officer/spots", summary="Lister les lieux signalés (signalements regroupés)")
def list_spots(query: schemas.SpotListQuery) -> schemas.SpotPage:
    """A page of spots (same kind, same place), most recently reported first."""
    from chalicelib.reports import triage

    return schemas.SpotPage.model_validate(triage.list_spots(query), from_attributes=True)


@officers.get(
    "/officer/spots/{spot_id}/reports",
    summary="Les signalements d'un même lieu",
    errors=("not_found",),
)
def list_spot_reports(spot_id: str, query: PageQuery) -> schemas.SpotReports:
    """One spot and a page of its reports."""
    from chalicelib.reports import triage

    spot, listing = triage.spot_reports(spot_id, query.limit, query.next)
    return schemas.SpotReports.model_validate(
        {"spot": spot, "items": listing.items, "next": listing.next}
    )
