"""Filing a report: idempotent, rate-limited, grouped by spot; and the citizen's tracking code.

The tracking code is ``<report id>.<secret>``: the id finds the report with one
GetItem, the secret proves the right to see it. Only the SHA-256 of the
secret is stored with the report.

A retried submission (same ``Idempotency-Key``) must answer the same code, so
powertools keeps the first answer in the ``idempotency`` table for an hour —
but sealed (AES-GCM) under a key derived from the ``Idempotency-Key``, which
only the citizen's browser knows (powertools stores a hash of it). The plain
secret is never written anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from chalicelib.auth import hash_secret, new_secret, secret_matches
from chalicelib.clock import iso_time, now
from chalicelib.config import settings
from chalicelib.errors import Conflict, NotFound
from chalicelib.models import ratelimit
from chalicelib.models.report import (
    REPORT_SK,
    ReportContact,
    ReportIdTaken,
    ReportItem,
    SpotUpdate,
    create_report,
    get_report,
    report_pk,
)
from chalicelib.models.report_idempotency import persistence_layer
from chalicelib.models.report_index import REPORT_INDEXES, SPOT_INDEXES, index_keys
from chalicelib.reports.location import departement, spot_for
from chalicelib.stats.counters import record
from chalicelib.vocabulary import INITIAL_STATUS

if TYPE_CHECKING:
    from chalicelib.reports.schemas import ReportInput

# Crockford's base 32: no I, L, O, U — easy to read out over the phone.
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REPORT_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{12}$")
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_CODE = re.compile(r"^(?P<report_id>[0-9A-HJKMNP-TV-Z]{12})\.(?P<secret>[A-Za-z0-9_-]{43})$")
COORDINATE_DECIMALS = 6
_SEAL_CONTEXT = b"moncommissariat/tracking-code-seal/v1\x00"

NO_SUCH_REPORT = "Aucun signalement ne correspond à ce code de suivi."
TOO_MANY_REPORTS = (
    "Vous avez envoyé beaucoup de signalements en peu de temps. Réessayez un peu plus tard."
)
TOO_MANY_ATTEMPTS = "Trop de tentatives d'envoi pour ce signalement. Réessayez plus tard."


@dataclass(frozen=True)
class Submitted:
    """What the citizen is told once: the report id and the tracking code."""

    report_id: str
    tracking_code: str
    received_at: str


def new_report_id() -> str:
    """A random report id: 12 characters of Crockford base 32 (60 bits)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))


def tracking_code(report_id: str, secret: str) -> str:
    return f"{report_id}.{secret}"


def _seal_key(idempotency_key: str) -> bytes:
    return hashlib.sha256(_SEAL_CONTEXT + idempotency_key.encode("utf-8")).digest()


def seal(secret: str, idempotency_key: str) -> str:
    """The secret encrypted under the idempotency key (what the idempotency store keeps)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(_seal_key(idempotency_key)).encrypt(nonce, secret.encode("ascii"), None)
    return base64.b64encode(nonce + sealed).decode("ascii")


def unseal(sealed: str, idempotency_key: str) -> str:
    """The secret back from :func:`seal`, with the same idempotency key."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = base64.b64decode(sealed)
    return AESGCM(_seal_key(idempotency_key)).decrypt(raw[:12], raw[12:], None).decode("ascii")


def submit(
    report: ReportInput, client: str, idempotency_key: str, lambda_context: Any = None
) -> Submitted:
    """File a report once, however many times the same submission is retried.

    Limits: attempts per idempotency key, and new reports per client (counted
    only when a report is really created, so retries cost the citizen nothing).
    The same key with a different report is a Conflict.
    """
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    conf = settings()
    ratelimit.enforce(
        "report-key",
        idempotency_key,
        conf.attempts_per_idempotency_key,
        conf.rate_window_seconds,
        TOO_MANY_ATTEMPTS,
    )
    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="report",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=conf.idempotency_ttl_seconds,
        lambda_context=lambda_context,
    )

    def create_once(submission: dict[str, Any]) -> dict[str, str]:
        ratelimit.enforce(
            "report-client",
            client,
            conf.reports_per_client_per_window,
            conf.rate_window_seconds,
            TOO_MANY_REPORTS,
        )
        report_id, secret, received_at = _create(report)
        return {
            "report_id": report_id,
            "sealed": seal(secret, idempotency_key),
            "received_at": received_at,
        }

    submit_once = cast(
        "Callable[..., dict[str, str]]",
        idempotent_function(
            create_once,
            data_keyword_argument="submission",
            persistence_store=persistence_layer(),
            config=config,
            key_prefix="reports.submit",
        ),
    )
    try:
        stored = submit_once(
            submission={"key": idempotency_key, "report": report.model_dump(mode="json")}
        )
    except IdempotencyValidationError as error:
        raise Conflict(
            "Cette clé d'envoi a déjà servi pour un autre signalement.", field="Idempotency-Key"
        ) from error
    except IdempotencyAlreadyInProgressError as error:
        raise Conflict(
            "Ce signalement est en cours d'envoi : patientez quelques secondes avant de réessayer."
        ) from error
    return Submitted(
        report_id=stored["report_id"],
        tracking_code=tracking_code(stored["report_id"], unseal(stored["sealed"], idempotency_key)),
        received_at=stored["received_at"],
    )


def file_for_officer(report: ReportInput, conversation_id: str) -> str:
    """A report an officer files from a chat conversation (no tracking code: nobody outside
    follows it); returns its id. It enters the triage queue like any other."""
    report_id, _secret, _received = _create(report, conversation_id)
    return report_id


def _create(report: ReportInput, conversation_id: str | None = None) -> tuple[str, str, str]:
    """Store a new report (and count it on its spot); returns id, secret and time.
    ``conversation_id``: filed by an officer from that chat conversation."""
    conf = settings()
    at = now()
    received_at = iso_time(at)
    location = report.location
    # Six decimals (about 10 cm) is all a phone knows, and keeps every value within
    # DynamoDB's number range (2.2e-308 is a valid JSON number, not a valid DynamoDB one).
    lat = round(location.coordinates.lat, COORDINATE_DECIMALS) if location.coordinates else None
    lon = round(location.coordinates.lon, COORDINATE_DECIMALS) if location.coordinates else None
    dept = departement(location.postcode)
    spot = spot_for(report.kind, location.postcode, location.address, lat, lon)
    ttl = int(at) + conf.report_retention_days * 86400
    secret = new_secret()
    spot_row: dict[str, Any] = {
        "spot_id": spot.spot_id,
        "kind": report.kind,
        "method": spot.method,
        "dept": dept,
        "postcode": location.postcode,
        "commune": location.commune.strip(),
        "address": location.address.strip(),
        "geohash": spot.geohash,
        "lat": spot.lat,
        "lon": spot.lon,
        "first_at": received_at,
    }
    spot_update = SpotUpdate(
        spot_id=spot.spot_id,
        at=received_at,
        ttl=ttl,
        row=spot_row,
        index_keys=index_keys(
            "spot",
            {"kind": report.kind, "dept": dept},
            f"{received_at}#{spot.spot_id}",
            SPOT_INDEXES,
        ),
    )
    details = report.details.model_dump(mode="json", exclude_none=True) if report.details else {}
    for _attempt in range(3):
        report_id = new_report_id()
        row = {
            "report_id": report_id,
            "kind": report.kind,
            "status": INITIAL_STATUS,
            "created_at": received_at,
            "dept": dept,
            "postcode": location.postcode,
            "commune": location.commune.strip(),
            "address": location.address.strip(),
            "spot_id": spot.spot_id,
        }
        keys = index_keys(
            "report",
            {"kind": report.kind, "status": INITIAL_STATUS, "dept": dept},
            f"{received_at}#{report_id}",
            REPORT_INDEXES,
        )
        attributes: dict[str, Any] = dict(
            report_id=report_id,
            kind=report.kind,
            status=INITIAL_STATUS,
            created_at=received_at,
            updated_at=received_at,
            address=location.address.strip(),
            postcode=location.postcode,
            commune=location.commune.strip(),
            dept=dept,
            lat=lat,
            lon=lon,
            observed=report.observed.model_dump(mode="json", exclude_none=True),
            details=details,
            description=report.description.strip(),
            tracking_hash=hash_secret(secret),
            spot_id=spot.spot_id,
            photo_slots=0,
            conversation_id=conversation_id,
            ttl=ttl,
            row=row,
            spot_pk=spot.spot_id,
            **keys,
        )
        item = ReportItem(report_pk(report_id), REPORT_SK, **attributes)
        contact = None
        if report.contact is not None:
            contact = ReportContact(
                report_pk(report_id),
                "contact",
                name=report.contact.name.strip() if report.contact.name else None,
                reach=report.contact.reach.strip(),
                ttl=min(ttl, int(at) + conf.personal_data_retention_days * 86400),
            )
        try:
            create_report(item, spot_update, contact)
        except ReportIdTaken:
            continue
        record("reports", {"received": 1, f"received.{report.kind}": 1, "entered.recu": 1})
        return report_id, secret, received_at
    raise Conflict("Le signalement n'a pas pu être enregistré. Réessayez.")  # pragma: no cover


def authorised_report(code: str | None, report_id: str | None = None) -> ReportItem:
    """The report a tracking code opens (and only if it is ``report_id``, when given).

    Every failure — malformed code, unknown report, wrong secret, another
    report's code — is the same NotFound, so a refusal gives no hint.
    """
    match = _CODE.match(code or "")
    if match is None or (report_id is not None and match["report_id"] != report_id):
        raise NotFound(NO_SUCH_REPORT)
    report = get_report(match["report_id"])
    stored = report.tracking_hash if report is not None else hash_secret("")
    if not secret_matches(match["secret"], stored) or report is None:
        raise NotFound(NO_SUCH_REPORT)
    return report
