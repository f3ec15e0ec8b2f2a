"""Filing a report: validated per kind, idempotent, rate-limited, tracked with a code only."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.integration.reports_harness import Api, at_address, report_body

KINDS = ["point_de_deal", "rodeo_urbain", "maltraitance_animale", "autre_nuisance"]


def table_items(api: Api, aggregate: str) -> list[dict[str, Any]]:
    # A Scan is fine here: the test looks into the table, the app never scans.
    client = api.aws.client("dynamodb")
    return list(client.scan(TableName=f"{api.aws.prefix}-{aggregate}")["Items"])


def reports_stored(api: Api) -> list[dict[str, Any]]:
    return [item for item in table_items(api, "reports") if item["sk"]["S"] == "report"]


# -- a report is received -------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_valid_report_of_each_kind_is_received_with_an_id_and_a_tracking_code(
    api: Api, kind: str
) -> None:
    reply = api.submit(report_body(kind))
    assert reply.status == 201, reply.body
    assert reply.body["status"] == "recu"
    assert reply.body["status_label"] == "Reçu"
    assert reply.body["tracking_code"].startswith(reply.body["report_id"] + ".")
    assert "Conservez votre code de suivi" in reply.body["message"]
    assert reply.body["photos_allowed"] == 3


def test_a_report_is_anonymous_unless_the_citizen_leaves_a_contact(api: Api) -> None:
    anonymous = api.filed()
    with_contact = api.filed(report_body(contact={"name": "Léa", "reach": "lea@example.fr"}))
    contacts = [item for item in table_items(api, "reports") if item["sk"]["S"] == "contact"]
    assert [item["pk"]["S"] for item in contacts] == [f"report#{with_contact['report_id']}"]
    assert anonymous["report_id"] not in json.dumps(contacts)


def test_the_contact_left_by_a_citizen_is_kept_90_days_only(api: Api, clock: Any) -> None:
    filed = api.filed(report_body(contact={"reach": "06 12 34 56 78"}))
    contact = next(item for item in table_items(api, "reports") if item["sk"]["S"] == "contact")
    assert int(contact["ttl"]["N"]) == int(clock.now()) + 90 * 86400
    report = next(item for item in reports_stored(api))
    assert int(report["ttl"]["N"]) == int(clock.now()) + 365 * 86400
    assert filed["report_id"] in report["pk"]["S"]


def test_the_tracking_code_is_stored_only_as_a_hash(api: Api) -> None:
    filed = api.filed()
    secret = filed["tracking_code"].split(".", 1)[1]
    everything = json.dumps(
        [table_items(api, name) for name in ("reports", "idempotency", "ratelimits", "counters")]
    )
    assert secret not in everything
    report = reports_stored(api)[0]
    assert len(report["tracking_hash"]["S"]) == 64


# -- idempotency ----------------------------------------------------------------------


def test_the_same_submission_retried_five_times_makes_one_report(api: Api) -> None:
    key = str(uuid.uuid4())
    body = report_body()
    replies = [api.submit(body, key=key) for _ in range(5)]
    assert [reply.status for reply in replies] == [201] * 5
    assert len({reply.body["report_id"] for reply in replies}) == 1
    # The citizen who lost the first answer still gets the same working code.
    assert len({reply.body["tracking_code"] for reply in replies}) == 1
    assert api.track(replies[-1].body["tracking_code"]).status == 200
    assert len(reports_stored(api)) == 1
    spots = [item for item in table_items(api, "reports") if item["sk"]["S"] == "spot"]
    assert [int(spot["report_count"]["N"]) for spot in spots] == [1]
    counters = table_items(api, "counters")
    assert [int(item["received"]["N"]) for item in counters if item["scope"]["S"] == "reports"] == [
        1
    ]


def test_the_same_key_with_another_report_is_a_conflict_and_files_nothing(api: Api) -> None:
    key = str(uuid.uuid4())
    assert api.submit(report_body(), key=key).status == 201
    reply = api.submit(report_body(description="Autre chose entièrement."), key=key)
    assert reply.status == 409
    assert reply.body["error"]["field"] == "Idempotency-Key"
    assert len(reports_stored(api)) == 1


@pytest.mark.parametrize("key", [None, "", "court", "é" * 20, "x" * 129, "a b c d e f g h i j"])
def test_without_a_proper_idempotency_key_nothing_is_filed(api: Api, key: str | None) -> None:
    headers = {} if key is None else {"Idempotency-Key": key}
    reply = api.call("POST", "/reports", report_body(), headers=headers)
    assert reply.status == 422
    assert reply.body["error"]["field"] == "Idempotency-Key"
    assert reports_stored(api) == []


# -- rate limits ----------------------------------------------------------------------


def test_over_the_rate_limit_a_client_gets_429_with_retry_after(
    api: Api, clock: Any, with_settings: Any
) -> None:
    with_settings(REPORTS_PER_CLIENT_PER_WINDOW="3", RATE_WINDOW_SECONDS="3600")
    clock.advance(600)  # ten minutes into a window
    for _ in range(3):
        assert api.submit().status == 201
    refused = api.submit()
    assert refused.status == 429
    assert refused.body["error"]["code"] == "rate_limited"
    assert "Réessayez" in refused.body["error"]["message"]
    retry_after = int(refused.headers["Retry-After"])
    assert 0 < retry_after <= 3600
    assert refused.body["error"]["retry_after"] == retry_after
    assert len(reports_stored(api)) == 3


def test_a_retry_of_a_filed_report_is_answered_even_over_the_limit(
    api: Api, with_settings: Any
) -> None:
    with_settings(REPORTS_PER_CLIENT_PER_WINDOW="1")
    key = str(uuid.uuid4())
    first = api.submit(key=key)
    assert api.submit().status == 429
    again = api.submit(key=key)
    assert again.status == 201
    assert again.body["tracking_code"] == first.body["tracking_code"]


def test_the_next_window_lets_the_client_file_again(
    api: Api, clock: Any, with_settings: Any
) -> None:
    with_settings(REPORTS_PER_CLIENT_PER_WINDOW="1", RATE_WINDOW_SECONDS="3600")
    assert api.submit().status == 201
    refused = api.submit()
    assert refused.status == 429
    clock.advance(int(refused.headers["Retry-After"]))
    assert api.submit().status == 201


def test_attempts_with_one_key_are_limited_too(api: Api, with_settings: Any) -> None:
    with_settings(ATTEMPTS_PER_IDEMPOTENCY_KEY="3")
    key = str(uuid.uuid4())
    assert [api.submit(key=key).status for _ in range(4)] == [201, 201, 201, 429]


def test_clients_are_counted_apart_behind_the_trusted_proxy(api: Api, with_settings: Any) -> None:
    # Behind CloudFront (one trusted hop) the client is the address CloudFront appended.
    with_settings(REPORTS_PER_CLIENT_PER_WINDOW="1", TRUSTED_PROXY_HOPS="1")

    def from_address(address: str, claimed: str = "") -> int:
        forwarded = ", ".join(part for part in (claimed, address) if part)
        return api.call(
            "POST",
            "/reports",
            report_body(),
            headers={"Idempotency-Key": uuid.uuid4().hex, "X-Forwarded-For": forwarded},
        ).status

    assert from_address("203.0.113.7") == 201
    assert from_address("198.51.100.20") == 201
    assert from_address("203.0.113.7") == 429
    # A client cannot escape its limit by claiming another address in front of its own.
    assert from_address("203.0.113.7", claimed="192.0.2.99") == 429


def test_the_client_address_is_only_stored_hashed(api: Api, with_settings: Any) -> None:
    with_settings(TRUSTED_PROXY_HOPS="1")
    api.call(
        "POST",
        "/reports",
        report_body(),
        headers={"Idempotency-Key": uuid.uuid4().hex, "X-Forwarded-For": "203.0.113.77"},
    )
    assert "203.0.113.77" not in json.dumps(table_items(api, "ratelimits"))


# -- tracking -------------------------------------------------------------------------


def test_a_tracking_code_shows_only_its_own_reports_status(api: Api) -> None:
    mine = api.filed()
    theirs = api.filed(report_body("rodeo_urbain"))
    assert api.move(theirs["report_id"], "recu", "en_analyse").status == 200
    seen_by_me = api.track(mine["tracking_code"])
    seen_by_them = api.track(theirs["tracking_code"])
    assert seen_by_me.status == 200 and seen_by_them.status == 200
    assert seen_by_me.body["status"] == "recu"
    assert seen_by_them.body["status"] == "en_analyse"
    assert seen_by_them.body["status_label"] == "En cours d'analyse"
    # Status and dates only: nothing of what was reported.
    assert set(seen_by_me.body) == {"status", "status_label", "received_at", "updated_at"}


def test_the_tracking_answer_dates_the_last_change(api: Api, clock: Any) -> None:
    filed = api.filed()
    clock.advance(3 * 86400)
    api.move(filed["report_id"], "recu", "transmis")
    seen = api.track(filed["tracking_code"]).body
    assert seen["received_at"] == filed["received_at"]
    assert seen["updated_at"] > seen["received_at"]
    assert seen["status_label"] == "Transmis au service local"


def test_a_wrong_code_is_a_404_with_no_hint(api: Api) -> None:
    filed = api.filed()
    other = api.filed()
    report_id, secret = filed["tracking_code"].split(".", 1)
    wrong_codes = [
        f"{report_id}.{'A' * 43}",  # right report, wrong secret
        f"{'Z' * 12}.{secret}",  # unknown report, right-looking secret
        f"{report_id}.{other['tracking_code'].split('.', 1)[1]}",  # another report's secret
        "n'importe quoi",
        filed["tracking_code"] + "x",
    ]
    answers = [api.track(code) for code in wrong_codes]
    assert {answer.status for answer in answers} == {404}
    assert len({json.dumps(answer.body) for answer in answers}) == 1


def test_the_code_is_read_from_a_header_never_from_the_url(api: Api) -> None:
    filed = api.filed()
    reply = api.call("GET", f"/reports/track?code={filed['tracking_code']}")
    assert reply.status == 401
    assert reply.body["error"]["field"] == "X-Tracking-Code"


def test_a_report_past_its_retention_is_no_longer_tracked(api: Api, clock: Any) -> None:
    filed = api.filed()
    clock.advance(366 * 86400)  # moto never deletes expired items: the app must ignore them
    assert api.track(filed["tracking_code"]).status == 404


# -- refusals are clear and write nothing ----------------------------------------------


def errors_of(reply: Any) -> dict[str, str]:
    return {item["field"]: item["message"] for item in reply.body["error"]["details"]}


def test_every_bad_field_is_named_with_a_french_message(api: Api) -> None:
    body = report_body(
        location={"address": " ", "postcode": "7501", "commune": "Paris"},
        observed={"days": ["lundi", "lundi"], "time_ranges": [{"start": "25:00", "end": "02:00"}]},
        description="x" * 5001,
        details={"people_count": "4"},
    )
    reply = api.submit(body)
    assert reply.status == 422
    assert reply.body["error"]["code"] == "invalid_input"
    problems = errors_of(reply)
    assert set(problems) == {
        "location.address",
        "location.postcode",
        "observed.days",
        "observed.time_ranges.0.start",
        "description",
        "details.people_count",
    }
    assert problems["description"] == "Ce texte est trop long."
    assert problems["observed.days"] == "Un même jour est indiqué deux fois."
    assert problems["details.people_count"] == "Un nombre entier est attendu."
    assert reports_stored(api) == []


def test_an_unknown_kind_is_refused_on_the_kind_field(api: Api) -> None:
    reply = api.submit({**report_body(), "kind": "tapage"})
    assert reply.status == 422
    assert reply.body["error"]["field"] == "kind"


def test_details_of_another_kind_are_refused(api: Api) -> None:
    reply = api.submit(report_body("point_de_deal", details={"vehicle_types": ["quad"]}))
    assert reply.status == 422
    assert "details.vehicle_types" in errors_of(reply)


def test_fields_nobody_asked_for_are_refused(api: Api) -> None:
    reply = api.submit(report_body(reporter_name="Jean"))
    assert reply.status == 422
    assert errors_of(reply) == {"reporter_name": "Ce champ n'est pas attendu."}


def test_a_report_without_coordinates_is_accepted(api: Api) -> None:
    reply = api.submit(report_body(location=at_address("3 rue de la Paix", "13001", "Marseille")))
    assert reply.status == 201


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b"", b'"texte"'])
def test_what_is_not_a_json_object_is_refused(api: Api, raw: bytes) -> None:
    reply = api.call(
        "POST",
        "/reports",
        headers={"Idempotency-Key": uuid.uuid4().hex, "Content-Type": "application/json"},
        raw=raw,
    )
    assert reply.status in (400, 422)
    assert reply.body["error"]["message"]
    assert reports_stored(api) == []


def test_coordinates_are_kept_to_six_decimals_whatever_the_client_sends(api: Api) -> None:
    # 2.2e-308 is a valid JSON number but outside DynamoDB's number range.
    body = report_body(
        location={
            "address": "Quai de la Gironde",
            "postcode": "33000",
            "commune": "Bordeaux",
            "coordinates": {"lat": 44.837789123456789, "lon": 2.2250738585072014e-308},
        }
    )
    filed = api.filed(body)
    location = api.officer_get(f"/officer/reports/{filed['report_id']}").body["location"]
    assert (location["lat"], location["lon"]) == (44.837789, 0.0)
