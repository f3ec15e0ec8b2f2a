"""Photos of a report: a slot and a presigned upload, then cleaning, then officer links.

1. ``request_upload``: the citizen (tracking code) takes one of the report's
   slots (3) and gets a presigned POST for one exact key; S3 enforces type and
   size from the signed policy.
2. ``complete_upload``: the Lambda reads the upload, checks its size again,
   re-encodes it without metadata under ``clean/``, marks the slot ``clean`` and
   deletes the original. A missing, oversized or non-image upload gives the
   slot back, so a failed attempt does not cost the citizen a photo.
3. Officers only ever get short-lived presigned GETs of ``clean/`` keys.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from chalicelib.clock import iso_time, now
from chalicelib.config import settings
from chalicelib.errors import Conflict, NotFound, PayloadTooLarge
from chalicelib.models import photo_store
from chalicelib.models.report import (
    PHOTO_PREFIX,
    ReportPhoto,
    get_photo,
    mark_photo_clean,
    release_photo,
    report_pk,
    reserve_photo,
)
from chalicelib.observability import count
from chalicelib.reports.imaging import NotAnImage, strip_metadata
from chalicelib.reports.intake import authorised_report
from chalicelib.vocabulary import PHOTOS_OPEN_STATUSES

PHOTO_ID_CHARS = 16
NO_SUCH_PHOTO = "Aucune photo ne correspond à cette adresse pour ce signalement."


@dataclass(frozen=True)
class UploadGrant:
    """A photo slot and the presigned POST that fills it."""

    photo_id: str
    url: str
    fields: dict[str, str]
    expires_in: int
    max_bytes: int
    content_type: str


def request_upload(
    report_id: str, code: str | None, content_type: str, *, client: str = ""
) -> UploadGrant:
    """Reserve a photo slot of the report the code opens; Conflict when none is left."""
    conf = settings()
    report = authorised_report(code, report_id, client=client)
    if report.status not in PHOTOS_OPEN_STATUSES:
        raise Conflict("Ce signalement est déjà traité : il n'accepte plus de photos.")
    photo_id = secrets.token_hex(PHOTO_ID_CHARS // 2)
    key = photo_store.upload_key(report_id, photo_id)
    photo = ReportPhoto(
        report_pk(report_id),
        PHOTO_PREFIX + photo_id,
        photo_id=photo_id,
        state="pending",
        content_type=content_type,
        upload_key=key,
        created_at=iso_time(now()),
        ttl=report.ttl,
    )
    if not reserve_photo(photo, conf.photos_per_report, PHOTOS_OPEN_STATUSES):
        raise Conflict(
            f"Ce signalement a déjà {conf.photos_per_report} photos : c'est le maximum.",
            field="photo",
        )
    form = photo_store.upload_form(
        key, content_type, conf.photo_max_bytes, conf.photo_upload_ttl_seconds
    )
    return UploadGrant(
        photo_id=photo_id,
        url=form["url"],
        fields=form["fields"],
        expires_in=conf.photo_upload_ttl_seconds,
        max_bytes=conf.photo_max_bytes,
        content_type=content_type,
    )


def complete_upload(
    report_id: str, photo_id: str, code: str | None, *, client: str = ""
) -> ReportPhoto:
    """Clean an uploaded photo; idempotent (a photo already cleaned is just returned)."""
    conf = settings()
    authorised_report(code, report_id, client=client)
    photo = get_photo(report_id, photo_id)
    if photo is None:
        raise NotFound(NO_SUCH_PHOTO)
    if photo.state == "clean":
        return photo
    upload = photo_store.read_upload(photo.upload_key, conf.photo_max_bytes)
    if upload is None:
        release_photo(photo)
        raise Conflict(
            "La photo n'a pas été reçue. Vous pouvez l'envoyer à nouveau.", field="photo"
        )
    if upload.data is None:
        _discard(photo)
        raise PayloadTooLarge(
            f"La photo dépasse {conf.photo_max_bytes // (1024 * 1024)} Mo.", field="photo"
        )
    try:
        clean = strip_metadata(upload.data, conf.photo_max_pixels)
    except NotAnImage:
        _discard(photo)
        raise
    key = photo_store.clean_key(report_id, photo_id, clean.extension)
    photo_store.put_clean(key, clean.data, clean.content_type)
    if mark_photo_clean(photo, key, clean.width, clean.height, len(clean.data)):
        count("ReportPhotoCleaned")
    photo_store.delete_upload(photo.upload_key)
    done = get_photo(report_id, photo_id)
    if done is None or done.state != "clean":  # pragma: no cover - released concurrently
        raise Conflict("La photo n'a pas pu être enregistrée. Envoyez-la à nouveau.", field="photo")
    return done


def _discard(photo: ReportPhoto) -> None:
    """Delete a refused upload and give its slot back."""
    photo_store.delete_upload(photo.upload_key)
    release_photo(photo)


def officer_view(photo: ReportPhoto) -> dict[str, Any] | None:
    """What an officer sees of a photo: a short-lived link to its cleaned copy (never the
    original). None while the photo is not cleaned."""
    if photo.state != "clean" or not photo.clean_key:
        return None
    expires_in = settings().photo_view_ttl_seconds
    return {
        "photo_id": photo.photo_id,
        "url": photo_store.view_url(photo.clean_key, expires_in),
        "expires_in": expires_in,
        "content_type": content_type_of(photo.clean_key),
        "width": int(photo.width or 0),
        "height": int(photo.height or 0),
    }


def content_type_of(key: str) -> str:
    """The content type of a cleaned photo, from its key's extension."""
    extension = key.rsplit(".", 1)[-1]
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
        extension, "application/octet-stream"
    )
