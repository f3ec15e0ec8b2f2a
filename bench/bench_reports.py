"""DynamoDB calls per report operation at 10 and 10,000 existing reports (moto in-process).

Each operation goes through the whole HTTP path (chalice's test client: the
authorizer with a real Cognito token, the view, the domain, the data layer):
submitting a report, reading one filtered page of the officer list, changing
a status. The figures must not grow with the table, and no call is a Scan.
"""

from __future__ import annotations

import gzip
import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from bench.environment import PREFIX, use_bench_environment
from local import aws_calls

OPERATIONS = ("submit", "list_page", "status_change")
SIZES = (10, 10_000)
PASSWORD = "Commissariat-2026!"  # noqa: S105 - moto's demo accounts only


@contextmanager
def _environment() -> Iterator[None]:
    """Fake credentials and the bench's table prefix, for this bench only."""
    saved = dict(os.environ)
    use_bench_environment()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _report_items(existing: int) -> list[dict[str, Any]]:
    """``existing`` reports over 4 kinds, 4 statuses and 20 départements, a minute apart,
    each with its spot, serialized exactly as the app stores them."""
    from chalicelib.auth import hash_secret
    from chalicelib.clock import iso_time
    from chalicelib.models.report import REPORT_SK, SPOT_SK, ReportItem, SpotItem
    from chalicelib.models.report_index import REPORT_INDEXES, SPOT_INDEXES, index_keys
    from chalicelib.vocabulary import REPORT_KINDS, REPORT_STATUSES

    KINDS, STATUSES = tuple(REPORT_KINDS), tuple(REPORT_STATUSES)

    now = time.time()
    ttl = int(now) + 300 * 86400
    items = []
    for n in range(existing):
        kind, status = KINDS[n % 4], STATUSES[(n // 4) % 4]
        dept = f"{(n % 20) + 1:02d}"
        created = iso_time(now - 60 * (existing - n))
        report_id = f"B{n:011d}"
        spot_id = f"{kind}.a.{n:016x}"
        row = {
            "report_id": report_id,
            "kind": kind,
            "status": status,
            "created_at": created,
            "dept": dept,
            "postcode": f"{dept}000",
            "commune": "Commune",
            "address": f"{n} rue du Banc",
            "spot_id": spot_id,
        }
        report = ReportItem(
            f"report#{report_id}",
            REPORT_SK,
            report_id=report_id,
            kind=kind,
            status=status,
            created_at=created,
            updated_at=created,
            address=row["address"],
            postcode=row["postcode"],
            commune="Commune",
            dept=dept,
            observed={"days": ["lundi"]},
            details={},
            description="Signalement de banc d'essai.",
            tracking_hash=hash_secret(report_id),
            spot_id=spot_id,
            photo_slots=0,
            ttl=ttl,
            row=row,
            spot_pk=spot_id,
            **index_keys(
                "report",
                {"kind": kind, "status": status, "dept": dept},
                f"{created}#{report_id}",
                REPORT_INDEXES,
            ),
        )
        spot = SpotItem(
            f"spot#{spot_id}",
            SPOT_SK,
            spot_id=spot_id,
            report_count=1,
            first_at=created,
            last_at=created,
            ttl=ttl,
            row={**row, "method": "address", "first_at": created},
            **index_keys(
                "spot", {"kind": kind, "dept": dept}, f"{created}#{spot_id}", SPOT_INDEXES
            ),
        )
        items += [report.serialize(), spot.serialize()]
    return items


def _seed(dynamodb: Any, existing: int) -> None:
    table = f"{PREFIX}-reports"
    items = _report_items(existing)
    for start in range(0, len(items), 25):
        dynamodb.batch_write_item(
            RequestItems={
                table: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            }
        )


def _report_body() -> dict[str, Any]:
    return {
        "kind": "point_de_deal",
        "location": {
            "address": "12 boulevard Voltaire",
            "postcode": "75011",
            "commune": "Paris",
            "coordinates": {"lat": 48.8635, "lon": 2.3707},
        },
        "observed": {"days": ["vendredi"], "time_ranges": [{"start": "22:00", "end": "02:00"}]},
        "description": "Vente tous les soirs devant le hall.",
        "details": {"people_count": 4},
    }


def _measure(existing: int) -> dict[str, Any]:
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from local.aws import (
        DEMO_ACCOUNTS,
        create_account,
        create_secrets,
        create_tables,
        create_user_pool,
    )

    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="eu-west-3")
        create_tables(dynamodb, PREFIX)
        secrets = create_secrets(boto3.client("secretsmanager", region_name="eu-west-3"), PREFIX)
        os.environ["CLIENT_KEY_SECRET_ID"] = secrets["CLIENT_KEY_SECRET_ID"]
        cognito = boto3.client("cognito-idp", region_name="eu-west-3")
        pool_id, client_id = create_user_pool(cognito, PREFIX)
        officer = next(account for account in DEMO_ACCOUNTS if account.username == "officier1")
        create_account(cognito, pool_id, officer)
        os.environ.update({"USER_POOL_ID": pool_id, "USER_POOL_CLIENT_ID": client_id})
        from tests.app_settings import configure_app

        configure_app({})
        from chalicelib.auth import TokenVerifier, reset_verifier
        from chalicelib.config import settings

        raw = resources.files("moto.cognitoidp").joinpath("resources/jwks-public.json.gz")
        jwks = json.loads(gzip.decompress(raw.read_bytes()))
        reset_verifier(TokenVerifier(settings(), jwks=jwks))
        token = cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "officier1", "PASSWORD": PASSWORD},
        )["AuthenticationResult"]["IdToken"]
        _seed(dynamodb, existing)

        import app as chalice_module

        officer_headers = {"Authorization": f"Bearer {token}"}
        calls: dict[str, int] = {}
        items_read: dict[str, int] = {}
        scans = 0
        with Client(chalice_module.app) as client:
            # One warm-up submission: first-use imports are not what is measured.
            client.http.post(
                "/reports",
                headers={"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
                body=json.dumps(_report_body()),
            )
            with aws_calls.counting() as tally:
                answer = client.http.post(
                    "/reports",
                    headers={
                        "Content-Type": "application/json",
                        "Idempotency-Key": uuid.uuid4().hex,
                    },
                    body=json.dumps(_report_body()),
                )
            assert answer.status_code == 201, answer.body
            calls["submit"], scans = tally.ddb(), scans + tally.ddb("Scan")

            with aws_calls.counting() as tally:
                page = client.http.get(
                    "/officer/reports?status=en_analyse&dept=05&limit=25", headers=officer_headers
                )
            assert page.status_code == 200, page.body
            listed = json.loads(page.body)["items"]
            assert listed, "the seed has reports in every status and département"
            calls["list_page"], scans = tally.ddb(), scans + tally.ddb("Scan")
            items_read["list_page"] = tally.total_items_read()

            target, current = listed[0]["report_id"], listed[0]["status"]
            with aws_calls.counting() as tally:
                moved = client.http.post(
                    f"/officer/reports/{target}/status",
                    headers={**officer_headers, "Content-Type": "application/json"},
                    body=json.dumps({"expected": current, "to": "cloture", "note": "Banc."}),
                )
            assert moved.status_code == 200, moved.body
            calls["status_change"], scans = tally.ddb(), scans + tally.ddb("Scan")
        reset_verifier()
        return {"calls": calls, "scans": scans, "items_read": items_read}


def run() -> dict[str, float]:
    figures: dict[str, float] = {}
    scans = 0
    with _environment():
        for size in SIZES:
            measured = _measure(size)
            scans += measured["scans"]
            for op in OPERATIONS:
                figures[f"reports.ddb_calls.{op}@{size}"] = measured["calls"][op]
            if size == SIZES[-1]:
                # A page reads what it shows (25), not the 10,000 reports around it.
                figures["reports.items_read.list_page@10000"] = measured["items_read"]["list_page"]
    figures["reports.scan_calls"] = scans
    return figures
