"""Who the client is (issue 15, findings 2 and 4): per-client limits see the real citizen
behind CloudFront, cannot be escaped by writing X-Forwarded-For, and keep no address.

CloudFront appends the viewer's address to X-Forwarded-For and sends the origin secret
(``X-Origin-Verify``); a request to the execute-api endpoint directly has no secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any

from tests.integration.reports_harness import Api, report_body

VIEWER = "203.0.113.7"


def file_report(api: Api, forwarded: str, *, origin: str | None = "cdn") -> int:
    """POST /reports with this X-Forwarded-For; ``origin``: "cdn" (CloudFront's secret), a
    value of one's own, or None (none at all: the execute-api endpoint directly)."""
    headers = {"Idempotency-Key": uuid.uuid4().hex, "X-Forwarded-For": forwarded}
    if origin not in (None, "cdn"):
        headers["X-Origin-Verify"] = str(origin)
    return api.call(
        "POST", "/reports", report_body(), headers=headers, through_cdn=origin == "cdn"
    ).status


def stored(api: Api, aggregate: str) -> list[dict[str, Any]]:
    # A Scan is fine here: the test looks into the table, the app never scans.
    table = f"{api.aws.prefix}-{aggregate}"
    return list(api.aws.client("dynamodb").scan(TableName=table)["Items"])


def test_through_cloudfront_rotating_x_forwarded_for_does_not_escape_the_limit(
    api: Api, with_settings: Any
) -> None:
    with_settings(REPORTS_PER_CLIENT_PER_WINDOW="3")
    # What CloudFront forwards: the client's own claim, then the address it saw.
    statuses = [file_report(api, f"192.0.2.{n}, {VIEWER}") for n in range(8)]
    assert statuses == [201, 201, 201, 429, 429, 429, 429, 429]


def test_the_execute_api_endpoint_refuses_requests_without_the_origin_secret(
    api: Api, with_settings: Any
) -> None:
    with_settings(REPORTS_PER_CLIENT_PER_WINDOW="3")
    # The finding: 8 requests with a rotating X-Forwarded-For straight to execute-api.
    direct = [
        api.call(
            "POST",
            "/reports",
            report_body(),
            headers={"Idempotency-Key": uuid.uuid4().hex, "X-Forwarded-For": f"192.0.2.{n}"},
            through_cdn=False,
        )
        for n in range(8)
    ]
    assert {reply.status for reply in direct} == {403}
    assert direct[0].body["error"]["code"] == "forbidden"
    assert file_report(api, VIEWER, origin="not-the-secret") == 403
    assert [item for item in stored(api, "reports") if item["sk"]["S"] == "report"] == []
    for path in ("/health", "/status", "/openapi.json"):
        assert api.call("GET", path, through_cdn=False).status == 403, path


def test_citizens_behind_cloudfront_each_have_their_own_limit(api: Api, with_settings: Any) -> None:
    # The finding: with no trusted hop, everyone behind one CloudFront edge shared 10 an hour.
    with_settings(REPORTS_PER_CLIENT_PER_WINDOW="2")
    viewers = [f"198.51.100.{n}" for n in range(1, 6)]
    for viewer in viewers:
        assert [file_report(api, viewer) for _ in range(2)] == [201, 201], viewer
    assert file_report(api, viewers[0]) == 429


def test_a_stage_without_an_origin_secret_never_trusts_x_forwarded_for(
    api: Api, with_settings: Any
) -> None:
    with_settings(REPORTS_PER_CLIENT_PER_WINDOW="3", ORIGIN_SECRET_ID="")
    statuses = [file_report(api, f"192.0.2.{n}", origin=None) for n in range(5)]
    assert statuses == [201, 201, 201, 429, 429]  # all counted as the source address


def test_after_a_rotation_the_new_and_the_previous_origin_secret_both_pass(
    api: Api, clock: Any
) -> None:
    previous = api.aws.secret_value("ORIGIN_SECRET_ID")
    assert file_report(api, VIEWER) == 201  # the current value is read and cached
    secrets = api.aws.client("secretsmanager")
    secrets.put_secret_value(
        SecretId=api.aws.secrets["ORIGIN_SECRET_ID"], SecretString="rotated-" + uuid.uuid4().hex
    )
    rotated = api.aws.secret_value("ORIGIN_SECRET_ID")
    clock.advance(61)  # a value the process does not know makes it read again, once a minute
    assert file_report(api, VIEWER, origin=rotated) == 201
    assert file_report(api, VIEWER, origin=previous) == 201  # CloudFront may still send it
    assert file_report(api, VIEWER, origin="rotated-guess") == 403


def test_client_addresses_are_stored_as_keyed_digests_only(api: Api) -> None:
    file_report(api, VIEWER)
    items = json.dumps(stored(api, "ratelimits"))
    assert VIEWER not in items
    # The finding: sha256("report-client:" + IP)[:32] was reversed in one try.
    assert hashlib.sha256(f"report-client:{VIEWER}".encode()).hexdigest()[:32] not in items
    key = api.aws.secret_value("CLIENT_KEY_SECRET_ID").encode()
    keyed = hmac.new(key, f"report-client:{VIEWER}".encode(), hashlib.sha256).hexdigest()[:32]
    assert f"report-client#{keyed}#" in items
