"""Report photos in the private S3 bucket: presigned uploads, reading, cleaned copies, links.

Layout: ``uploads/<report>/<photo>`` receives the citizen's file (presigned
POST, deleted once cleaned — every version of it, the bucket being
versioned); ``clean/<report>/<photo>`` holds the re-encoded copy without
metadata, the only thing officers ever get, through short-lived presigned GETs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from chalicelib.config import Settings, settings
from chalicelib.models.base import per_settings


@per_settings
def _client(conf: Settings) -> Any:
    """The S3 client of the current settings (``S3_ENDPOINT`` locally and in tests)."""
    # The regional endpoint, so that presigned links work for a bucket created a minute ago.
    endpoint = conf.s3_endpoint or f"https://s3.{conf.region}.amazonaws.com"
    client = boto3.client(
        "s3",
        region_name=conf.region,
        endpoint_url=endpoint,
        config=BotoConfig(
            signature_version="s3v4",
            s3={"addressing_style": "path" if conf.s3_endpoint else "virtual"},
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    )
    return client


def upload_key(report_id: str, photo_id: str) -> str:
    return f"uploads/{report_id}/{photo_id}"


def clean_key(report_id: str, photo_id: str, extension: str) -> str:
    return f"clean/{report_id}/{photo_id}.{extension}"


def upload_form(key: str, content_type: str, max_bytes: int, expires_in: int) -> dict[str, Any]:
    """A presigned POST for exactly ``key``: S3 itself refuses another key, another
    content type, an empty file or one over ``max_bytes``, and any use after ``expires_in``."""
    form: dict[str, Any] = _client().generate_presigned_post(
        Bucket=settings().photos_bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[
            {"Content-Type": content_type},
            ["content-length-range", 1, max_bytes],
        ],
        ExpiresIn=expires_in,
    )
    return {"url": form["url"], "fields": dict(form["fields"])}


@dataclass(frozen=True)
class Upload:
    """What the citizen uploaded (``data`` is None when it is over the size limit)."""

    size: int
    version_id: str | None
    data: bytes | None


def read_upload(key: str, max_bytes: int) -> Upload | None:
    """The uploaded object, or None when nothing was uploaded. The body is only read
    when it is within ``max_bytes`` (a second check, after the POST policy)."""
    try:
        obj = _client().get_object(Bucket=settings().photos_bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
            return None
        raise
    size = int(obj.get("ContentLength", 0))
    body = obj["Body"]
    try:
        data = body.read(max_bytes + 1) if size <= max_bytes else None
    finally:
        body.close()
    if data is not None and len(data) > max_bytes:
        data = None
    return Upload(size=size, version_id=obj.get("VersionId"), data=data)


def put_clean(key: str, data: bytes, content_type: str) -> None:
    """Store the cleaned copy of a photo."""
    _client().put_object(
        Bucket=settings().photos_bucket,
        Key=key,
        Body=data,
        ContentType=content_type,
        ContentDisposition="inline",
        CacheControl="private, max-age=300",
    )


def delete_upload(key: str) -> None:
    """Delete every version of an uploaded original (the bucket is versioned: a plain
    delete would only hide the file, GPS tags included, behind a delete marker)."""
    client = _client()
    bucket = settings().photos_bucket
    listing = client.list_object_versions(Bucket=bucket, Prefix=key)
    versions = [
        {"Key": item["Key"], "VersionId": item["VersionId"]}
        for item in listing.get("Versions", []) + listing.get("DeleteMarkers", [])
        if item["Key"] == key
    ]
    if versions:
        client.delete_objects(Bucket=bucket, Delete={"Objects": versions, "Quiet": True})
    else:
        client.delete_object(Bucket=bucket, Key=key)


def view_url(key: str, expires_in: int) -> str:
    """A short-lived link to read one cleaned photo."""
    url: str = _client().generate_presigned_url(
        "get_object",
        Params={"Bucket": settings().photos_bucket, "Key": key},
        ExpiresIn=expires_in,
    )
    return url
