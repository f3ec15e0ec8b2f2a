"""Photos: presigned uploads S3 itself polices, metadata stripped before any officer sees them.

moto's S3 does not evaluate presigned POST policies (moto/s3/responses.py
``_bucket_response_post`` stores whatever is posted; no check of conditions,
signature or expiry). So the policy *document* the app signs is checked here
with the rules S3 applies, and the app checks size and type again when the
upload is completed (tested below with uploads moto let through).
"""

from __future__ import annotations

import base64
import io
import json
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from PIL import Image

from tests.integration.reports_harness import Api
from tests.unit.test_reports_imaging import GPS_IFD, jpeg_with_gps

BUCKET = "moncommissariat-test-photos"
MAX = 5 * 1024 * 1024


def ask_upload(api: Api, filed: dict[str, Any], content_type: str = "image/jpeg") -> Any:
    return api.call(
        "POST",
        f"/reports/{filed['report_id']}/photos",
        {"content_type": content_type},
        headers={"X-Tracking-Code": filed["tracking_code"]},
    )


def complete(api: Api, filed: dict[str, Any], photo_id: str, code: str | None = None) -> Any:
    return api.call(
        "POST",
        f"/reports/{filed['report_id']}/photos/{photo_id}/complete",
        headers={"X-Tracking-Code": code or filed["tracking_code"]},
    )


def upload(api: Api, grant: dict[str, Any], data: bytes) -> None:
    """What the browser's POST would store (moto does not enforce the policy anyway)."""
    fields = grant["upload"]["fields"]
    api.aws.client("s3").put_object(
        Bucket=BUCKET, Key=fields["key"], Body=data, ContentType=fields["Content-Type"]
    )


def uploaded(api: Api, filed: dict[str, Any], data: bytes | None = None) -> dict[str, Any]:
    """A slot asked for ``filed`` and the file posted to it (a JPEG with GPS tags unless
    told otherwise): the grant."""
    grant = ask_upload(api, filed).body
    upload(api, grant, jpeg_with_gps() if data is None else data)
    return dict(grant)


def policy_of(grant: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(base64.b64decode(grant["upload"]["fields"]["policy"])))


# S3's rules for a browser POST (docs: "Creating a POST policy"): every form field
# but the signature fields must match a condition; the file size must be in range.
_UNCHECKED = {"policy", "x-amz-signature", "file"}


def policy_accepts(
    policy: dict[str, Any], form: dict[str, str], size: int, bucket: str = BUCKET
) -> bool:
    checked = set()
    for condition in policy["conditions"]:
        if isinstance(condition, dict):
            ((name, value),) = condition.items()
            # The bucket is the one of the URL the form is posted to.
            if (bucket if name == "bucket" else form.get(name)) != value:
                return False
            checked.add(name.lower())
        elif condition[0] == "content-length-range":
            if not condition[1] <= size <= condition[2]:
                return False
        elif condition[0] == "eq":
            name = condition[1].lstrip("$")
            if form.get(name) != condition[2]:
                return False
            checked.add(name.lower())
        elif condition[0] == "starts-with":
            name = condition[1].lstrip("$")
            if not form.get(name, "").startswith(condition[2]):
                return False
            checked.add(name.lower())
    return all(name.lower() in checked or name.lower() in _UNCHECKED for name in form)


@pytest.fixture
def filed(api: Api) -> dict[str, Any]:
    return api.filed()


# -- the presigned POST ---------------------------------------------------------------


def test_the_upload_form_is_signed_for_one_key_one_type_and_five_megabytes(
    api: Api, filed: dict[str, Any]
) -> None:
    reply = ask_upload(api, filed, "image/png")
    assert reply.status == 201, reply.body
    grant = reply.body
    conditions = policy_of(grant)["conditions"]
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, MAX] in conditions
    assert {"key": f"uploads/{filed['report_id']}/{grant['photo_id']}"} in conditions
    assert {"bucket": BUCKET} in conditions
    assert grant["max_bytes"] == MAX and grant["expires_in"] == 600


def test_the_policy_refuses_an_oversize_file_another_type_or_another_key(
    api: Api, filed: dict[str, Any]
) -> None:
    grant = ask_upload(api, filed).body
    policy = policy_of(grant)
    form = dict(grant["upload"]["fields"])
    assert policy_accepts(policy, form, size=2 * 1024 * 1024)
    assert policy_accepts(policy, form, size=MAX)
    assert not policy_accepts(policy, form, size=MAX + 1)
    assert not policy_accepts(policy, form, size=0)
    assert not policy_accepts(policy, {**form, "Content-Type": "text/html"}, size=1000)
    assert not policy_accepts(policy, {**form, "Content-Type": "image/svg+xml"}, size=1000)
    other_key = f"uploads/{filed['report_id']}/autre"
    assert not policy_accepts(policy, {**form, "key": other_key}, size=1000)
    assert not policy_accepts(policy, {**form, "acl": "public-read"}, size=1000)
    assert not policy_accepts(policy, form, size=1000, bucket="another-bucket")


def test_only_images_can_be_announced(api: Api, filed: dict[str, Any]) -> None:
    for content_type in ("text/html", "image/svg+xml", "image/gif", "application/pdf"):
        reply = ask_upload(api, filed, content_type)
        assert reply.status == 422
        assert reply.body["error"]["field"] == "content_type"


def test_a_report_takes_three_photos_at_most(api: Api, filed: dict[str, Any]) -> None:
    assert [ask_upload(api, filed).status for _ in range(3)] == [201, 201, 201]
    fourth = ask_upload(api, filed)
    assert fourth.status == 409
    assert "3 photos" in fourth.body["error"]["message"]


def test_a_report_already_handled_takes_no_more_photos(api: Api, filed: dict[str, Any]) -> None:
    api.move(filed["report_id"], "recu", "cloture")
    reply = ask_upload(api, filed)
    assert reply.status == 409


# -- completing an upload -------------------------------------------------------------


def test_a_jpeg_carrying_gps_tags_comes_out_without_them(api: Api, filed: dict[str, Any]) -> None:
    grant = uploaded(api, filed, jpeg_with_gps((320, 240)))
    done = complete(api, filed, grant["photo_id"])
    assert done.status == 200, done.body
    assert done.body == {
        "photo_id": grant["photo_id"],
        "status": "clean",
        "content_type": "image/jpeg",
        "width": 320,
        "height": 240,
        "bytes": done.body["bytes"],
    }
    seen = api.officer_get(f"/officer/reports/{filed['report_id']}").body["photos"]
    assert len(seen) == 1
    url = urlparse(seen[0]["url"])
    key = url.path.split(f"/{BUCKET}/", 1)[-1] if BUCKET in url.path else url.path.lstrip("/")
    assert key == f"clean/{filed['report_id']}/{grant['photo_id']}.jpg"
    assert parse_qs(url.query)["X-Amz-Expires"] == ["300"]
    stored = api.aws.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()
    image = Image.open(io.BytesIO(stored))
    assert image.getexif().get_ifd(GPS_IFD) == {}
    assert dict(image.getexif()) == {}


def test_the_original_with_its_metadata_is_deleted(api: Api, filed: dict[str, Any]) -> None:
    grant = uploaded(api, filed)
    complete(api, filed, grant["photo_id"])
    listing = api.aws.client("s3").list_object_versions(Bucket=BUCKET, Prefix="uploads/")
    assert listing.get("Versions", []) == []


def test_completing_twice_is_harmless(api: Api, filed: dict[str, Any]) -> None:
    grant = uploaded(api, filed)
    first = complete(api, filed, grant["photo_id"])
    again = complete(api, filed, grant["photo_id"])
    assert first.status == again.status == 200
    assert first.body == again.body


def test_an_oversize_file_moto_let_through_is_refused_and_its_slot_given_back(
    api: Api, filed: dict[str, Any]
) -> None:
    grant = uploaded(api, filed, b"\xff\xd8" + b"0" * MAX)
    reply = complete(api, filed, grant["photo_id"])
    assert reply.status == 413
    assert reply.body["error"]["field"] == "photo"
    assert [ask_upload(api, filed).status for _ in range(3)] == [201, 201, 201]
    listing = api.aws.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="uploads/")
    assert grant["upload"]["fields"]["key"] not in json.dumps(listing.get("Contents", []))


def test_a_file_that_is_not_an_image_is_refused_and_its_slot_given_back(
    api: Api, filed: dict[str, Any]
) -> None:
    grant = uploaded(api, filed, b"<html><script>alert('x')</script></html>")
    reply = complete(api, filed, grant["photo_id"])
    assert reply.status == 422
    assert reply.body["error"]["field"] == "photo"
    assert api.officer_get(f"/officer/reports/{filed['report_id']}").body["photos"] == []
    assert [ask_upload(api, filed).status for _ in range(3)] == [201, 201, 201]


def test_completing_before_uploading_gives_the_slot_back(api: Api, filed: dict[str, Any]) -> None:
    grant = ask_upload(api, filed).body
    reply = complete(api, filed, grant["photo_id"])
    assert reply.status == 409
    assert "n'a pas été reçue" in reply.body["error"]["message"]
    assert [ask_upload(api, filed).status for _ in range(3)] == [201, 201, 201]


def test_officers_never_see_a_photo_before_it_is_cleaned(api: Api, filed: dict[str, Any]) -> None:
    uploaded(api, filed)
    detail = api.officer_get(f"/officer/reports/{filed['report_id']}").body
    assert detail["photos"] == []
    assert "uploads/" not in json.dumps(detail)


# -- someone else's report -------------------------------------------------------------


def test_another_reports_code_opens_neither_its_uploads_nor_its_photos(
    api: Api, filed: dict[str, Any]
) -> None:
    other = api.filed()
    grant = uploaded(api, filed)
    as_other = {"X-Tracking-Code": other["tracking_code"]}
    asked = api.call(
        "POST", f"/reports/{filed['report_id']}/photos", {"content_type": "image/jpeg"}, as_other
    )
    completed = complete(api, filed, grant["photo_id"], code=other["tracking_code"])
    assert asked.status == completed.status == 404
    assert asked.body == completed.body == api.track("inconnu").body
    # The real owner is unaffected: the slot is still pending and can be completed.
    assert complete(api, filed, grant["photo_id"]).status == 200


def test_a_photo_of_another_report_is_not_found_through_mine(
    api: Api, filed: dict[str, Any]
) -> None:
    other = api.filed()
    theirs = uploaded(api, other)
    reply = complete(api, filed, theirs["photo_id"])
    assert reply.status == 404


def test_photo_routes_need_the_tracking_code(api: Api, filed: dict[str, Any]) -> None:
    asked = api.call(
        "POST", f"/reports/{filed['report_id']}/photos", {"content_type": "image/jpeg"}
    )
    assert asked.status == 401
    assert asked.body["error"]["field"] == "X-Tracking-Code"
