"""A report's whole journey on the local platform: filed, photo posted to S3 with the
presigned form (moto's server), cleaned, seen by an officer through a temporary link,
moved on, and followed by the citizen with the tracking code."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
import requests
from PIL import Image

from tests.integration.reports_harness import report_body
from tests.local_platform import Platform, http_json
from tests.unit.test_reports_imaging import GPS_IFD, jpeg_with_gps

pytestmark = pytest.mark.e2e


def call(
    platform: Platform,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    sent = {"Content-Type": "application/json", **(headers or {})}
    raw = json.dumps(body).encode("utf-8") if body is not None else None
    return http_json(f"{platform.url}/api{path}", method, raw, sent)


def test_a_photo_goes_from_the_citizen_to_the_officer_without_its_gps(
    local_platform: Platform,
) -> None:
    status, filed = call(
        local_platform,
        "POST",
        "/reports",
        report_body("maltraitance_animale"),
        {"Idempotency-Key": str(uuid.uuid4())},
    )
    assert status == 201, filed
    citizen = {"X-Tracking-Code": filed["tracking_code"]}
    report = f"/reports/{filed['report_id']}"

    status, grant = call(
        local_platform, "POST", f"{report}/photos", {"content_type": "image/jpeg"}, citizen
    )
    assert status == 201, grant
    # The browser posts the form straight to the bucket (moto's S3 here).
    posted = requests.post(
        grant["upload"]["url"],
        data=grant["upload"]["fields"],
        files={"file": ("photo.jpg", jpeg_with_gps((400, 300)), "image/jpeg")},
        timeout=15,
    )
    assert posted.status_code == 204, posted.text

    status, done = call(
        local_platform, "POST", f"{report}/photos/{grant['photo_id']}/complete", None, citizen
    )
    assert status == 200, done
    assert (done["width"], done["height"]) == (400, 300)

    officer = {"Authorization": f"Bearer {local_platform.token('officier2')}"}
    status, detail = call(
        local_platform, "GET", f"/officer/reports/{filed['report_id']}", None, officer
    )
    assert status == 200, detail
    (photo,) = detail["photos"]
    assert "/clean/" in photo["url"] and "X-Amz-Expires=300" in photo["url"]
    fetched = requests.get(photo["url"], timeout=15)
    assert fetched.status_code == 200
    image = Image.open(io.BytesIO(fetched.content))
    assert image.size == (400, 300)
    assert image.getexif().get_ifd(GPS_IFD) == {}
    assert b"TelephoneDeTemoin" not in fetched.content
    # The original, GPS tags included, is gone from the bucket (every version of it).
    s3 = local_platform.aws_client("s3")
    originals = s3.list_object_versions(
        Bucket="moncommissariat-local-photos", Prefix=grant["upload"]["fields"]["key"]
    )
    assert originals.get("Versions", []) == []

    status, moved = call(
        local_platform,
        "POST",
        f"/officer/reports/{filed['report_id']}/status",
        {"expected": "recu", "to": "transmis", "note": "Transmis à la SPA locale."},
        officer,
    )
    assert status == 200, moved
    status, seen = call(local_platform, "GET", "/reports/track", None, citizen)
    assert status == 200
    assert seen["status_label"] == "Transmis au service local"
