"""Officers triage: filtered pages (one Query each), spots, one report, status changes, CSV."""

from __future__ import annotations

import base64
import csv
import io
import itertools
import json
from typing import Any

import pytest

from local.aws_calls import counting
from tests.integration.reports_harness import ANY_PERIOD, Api, at_address, report_body

DAY = 86400


def located(kind: str, postcode: str, address: str, lat: float, lon: float) -> dict[str, Any]:
    return report_body(
        kind,
        location={
            "address": address,
            "postcode": postcode,
            "commune": "Ville",
            "coordinates": {"lat": lat, "lon": lon},
        },
    )


def ids(reply: Any) -> list[str]:
    return [item["report_id"] for item in reply.body["items"]]


@pytest.fixture
def landscape(api: Api, clock: Any) -> list[dict[str, Any]]:
    """Eight reports, a day apart: 2 kinds × 2 départements, some moved on."""
    filed = []
    places = [("75011", 48.8635, 2.3707), ("13001", 43.2965, 5.3698)]
    for index, (kind, (postcode, lat, lon)) in enumerate(
        itertools.product(["point_de_deal", "rodeo_urbain"], places)
    ):
        for copy in range(2):
            body = located(kind, postcode, f"{index} rue {copy}", lat + copy, lon)
            answer = api.filed(body)
            filed.append(
                {
                    **answer,
                    "kind": kind,
                    "dept": postcode[:2],
                    "status": "recu",
                    "day": answer["received_at"][:10],
                }
            )
            clock.advance(DAY)
    for report, to in [(filed[0], "en_analyse"), (filed[3], "en_analyse"), (filed[5], "transmis")]:
        assert api.move(report["report_id"], "recu", to).status == 200
        report["status"] = to
    return filed


# -- who may read ----------------------------------------------------------------------

OFFICER_READS = [
    "/officer/reports",
    "/officer/reports/0123456789AB",
    "/officer/spots",
    "/officer/spots/x/reports",
    "/officer/reports.csv?dept=75&from=2026-01-01&to=2026-01-31",
    "/officer/volunteers",
    "/officer/feedback/summary",
]


@pytest.mark.parametrize("path", OFFICER_READS)
def test_officer_routes_refuse_anyone_without_an_officer_token(api: Api, path: str) -> None:
    assert api.call("GET", path).status == 401
    forged = api.call("GET", path, headers={"Authorization": "Bearer abc.def.ghi"})
    assert forged.status == 403


def test_nobody_but_an_officer_moves_a_report(api: Api) -> None:
    filed = api.filed()
    path = f"/officer/reports/{filed['report_id']}/status"
    body = {"expected": "recu", "to": "cloture", "note": "Rien à voir."}
    as_citizen = {"X-Tracking-Code": filed["tracking_code"]}
    assert api.call("POST", path, body, headers=as_citizen).status == 401
    forged = {"Authorization": "Bearer " + filed["tracking_code"]}
    assert api.call("POST", path, body, headers=forged).status == 403
    assert api.track(filed["tracking_code"]).body["status"] == "recu"


def test_a_tracking_code_is_no_key_to_the_officer_routes(api: Api) -> None:
    filed = api.filed()
    reply = api.call(
        "GET",
        f"/officer/reports/{filed['report_id']}",
        headers={
            "X-Tracking-Code": filed["tracking_code"],
            "Authorization": filed["tracking_code"],
        },
    )
    assert reply.status == 403


# -- lists -----------------------------------------------------------------------------


def test_reports_are_listed_newest_first_with_french_labels(
    api: Api, landscape: list[dict[str, Any]]
) -> None:
    reply = api.officer_get("/officer/reports")
    assert reply.status == 200
    assert ids(reply) == [report["report_id"] for report in reversed(landscape)]
    first = reply.body["items"][0]
    assert first["kind_label"] == "Rodéo urbain"
    assert first["status_label"] == "Reçu"
    assert "next" not in reply.body


@pytest.mark.parametrize(
    "filters",
    [
        {"kind": "rodeo_urbain"},
        {"status": "en_analyse"},
        {"dept": "13"},
        {"kind": "point_de_deal", "status": "en_analyse"},
        {"kind": "rodeo_urbain", "dept": "75"},
        {"status": "recu", "dept": "13"},
        {"kind": "rodeo_urbain", "status": "transmis", "dept": "13"},
        {"kind": "point_de_deal", "status": "cloture", "dept": "75"},
    ],
)
def test_every_combination_of_filters_finds_exactly_the_matching_reports(
    api: Api, landscape: list[dict[str, Any]], filters: dict[str, str]
) -> None:
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    expected = [
        report["report_id"]
        for report in reversed(landscape)
        if all(report[name] == value for name, value in filters.items())
    ]
    with counting() as calls:
        reply = api.officer_get(f"/officer/reports?{query}")
    assert reply.status == 200
    assert ids(reply) == expected
    assert calls.ddb() == 1 and calls.ddb("Query") == 1
    assert calls.ddb("Scan") == 0


def test_the_period_filter_takes_whole_days_on_both_ends(
    api: Api, landscape: list[dict[str, Any]]
) -> None:
    since, until = landscape[2]["day"], landscape[4]["day"]
    reply = api.officer_get(f"/officer/reports?from={since}&to={until}")
    assert ids(reply) == [report["report_id"] for report in reversed(landscape[2:5])]
    single = api.officer_get(f"/officer/reports?from={since}&to={since}&kind=point_de_deal")
    assert ids(single) == [landscape[2]["report_id"]]
    backwards = api.officer_get(f"/officer/reports?from={until}&to={since}")
    assert backwards.status == 200 and backwards.body["items"] == []


def test_pages_chain_with_the_next_cursor_until_the_end(
    api: Api, landscape: list[dict[str, Any]]
) -> None:
    seen: list[str] = []
    path = "/officer/reports?limit=3&status=recu"
    pages = 0
    while True:
        with counting() as calls:
            reply = api.officer_get(path)
        assert calls.ddb() == 1
        pages += 1
        seen += ids(reply)
        if "next" not in reply.body:
            break
        path = f"/officer/reports?limit=3&status=recu&next={reply.body['next']}"
    expected = [r["report_id"] for r in reversed(landscape) if r["status"] == "recu"]
    assert seen == expected
    assert pages == 2


def test_the_page_size_is_capped_by_the_settings(
    api: Api, landscape: list[dict[str, Any]], with_settings: Any
) -> None:
    with_settings(PAGE_SIZE_MAX="2")
    reply = api.officer_get("/officer/reports?limit=100")
    assert len(reply.body["items"]) == 2
    assert reply.body["next"]


def test_a_forged_or_foreign_cursor_is_refused_on_next(
    api: Api, landscape: list[dict[str, Any]]
) -> None:
    rodeo_cursor = api.officer_get("/officer/reports?limit=1&kind=rodeo_urbain").body["next"]
    early = landscape[0]["day"]
    decoded = json.loads(base64.urlsafe_b64decode(rodeo_cursor + "=" * (-len(rodeo_cursor) % 4)))
    decoded["k"]["kind_pk"] = "report#point_de_deal"
    tampered = base64.urlsafe_b64encode(json.dumps(decoded).encode()).decode().rstrip("=")
    attempts = [
        "/officer/reports?next=pas-un-curseur",
        f"/officer/reports?kind=point_de_deal&next={rodeo_cursor}",
        f"/officer/reports?kind=point_de_deal&next={tampered}",
        f"/officer/reports?kind=rodeo_urbain&to={early}&next={rodeo_cursor}",
        "/officer/reports?next=" + base64.urlsafe_b64encode(b'{"s":1,"k":[]}').decode(),
    ]
    for path in attempts:
        reply = api.officer_get(path)
        assert reply.status == 422, path
        assert reply.body["error"]["field"] == "next"


@pytest.mark.parametrize(
    "query",
    ["kind=tapage", "status=ouvert", "dept=123", "dept=2C", "from=2026-02-31", "limit=0"],
)
def test_bad_filters_are_named(api: Api, query: str) -> None:
    reply = api.officer_get(f"/officer/reports?{query}")
    assert reply.status == 422
    assert reply.body["error"]["field"] == query.split("=")[0]


def test_reports_past_their_retention_are_neither_listed_nor_read(api: Api, clock: Any) -> None:
    old = api.filed()
    clock.advance(200 * DAY)
    recent = api.filed()
    clock.advance(200 * DAY)  # the first one is 400 days old, the second 200
    assert ids(api.officer_get("/officer/reports")) == [recent["report_id"]]
    assert api.officer_get(f"/officer/reports/{old['report_id']}").status == 404
    assert api.move(old["report_id"], "recu", "cloture").status == 404


# -- spots -----------------------------------------------------------------------------


def test_reports_about_the_same_spot_are_grouped_with_a_count(api: Api, clock: Any) -> None:
    near = [(48.86350, 2.37070), (48.86352, 2.37072), (48.86349, 2.37069)]
    for lat, lon in near:
        api.filed(located("point_de_deal", "75011", "12 bd Voltaire", lat, lon))
        clock.advance(60)
    for address in ["3, Av. Lacassagne", "3 avenue LACASSAGNE"]:
        api.filed(report_body("point_de_deal", location=at_address(address, "69003", "Lyon")))
        clock.advance(60)
    api.filed(located("rodeo_urbain", "75011", "12 bd Voltaire", *near[0]))
    spots = api.officer_get("/officer/spots?kind=point_de_deal").body["items"]
    assert [(spot["report_count"], spot["method"]) for spot in spots] == [
        (2, "address"),
        (3, "geohash"),
    ]
    paris = spots[1]
    assert paris["geohash"] and paris["dept"] == "75" and paris["kind_label"] == "Point de deal"
    assert paris["first_at"] < paris["last_at"]
    lyon = api.officer_get("/officer/spots?dept=69").body["items"]
    assert [spot["spot_id"] for spot in lyon] == [spots[0]["spot_id"]]
    assert len(api.officer_get("/officer/spots").body["items"]) == 3


def test_the_reports_of_one_spot(api: Api, clock: Any) -> None:
    first = api.filed()
    clock.advance(60)
    second = api.filed()
    api.filed(report_body("point_de_deal", location=at_address("1 place Bellecour", "69002")))
    spot_id = api.officer_get(f"/officer/reports/{first['report_id']}").body["spot_id"]
    with counting() as calls:
        reply = api.officer_get(f"/officer/spots/{spot_id}/reports")
    assert reply.status == 200
    assert reply.body["spot"]["report_count"] == 2
    assert ids(reply) == [second["report_id"], first["report_id"]]
    assert calls.ddb() == 2 and calls.ddb("Scan") == 0


def test_an_unknown_spot_is_not_found(api: Api) -> None:
    reply = api.officer_get("/officer/spots/point_de_deal.g.zzzzzzz/reports")
    assert reply.status == 404
    assert reply.body["error"]["code"] == "not_found"


# -- one report, its status ------------------------------------------------------------


def test_an_officer_reads_a_whole_report_in_one_query(api: Api) -> None:
    filed = api.filed(report_body(contact={"name": "Léa", "reach": "lea@example.fr"}))
    with counting() as calls:
        reply = api.officer_get(f"/officer/reports/{filed['report_id']}")
    assert reply.status == 200
    body = reply.body
    assert body["description"].startswith("Des personnes vendent")
    assert body["details"] == {"people_count": 4, "lookouts": True, "place_type": "hall_immeuble"}
    assert body["observed"]["days"] == ["vendredi", "samedi"]
    assert body["location"]["dept"] == "75"
    assert body["contact"]["reach"] == "lea@example.fr"
    assert body["history"] == [] and body["photos"] == []
    assert "tracking_hash" not in json.dumps(body)
    assert calls.ddb() == 1 and calls.ddb("Query") == 1


def test_the_citizen_contact_disappears_after_90_days(api: Api, clock: Any) -> None:
    filed = api.filed(report_body(contact={"reach": "lea@example.fr"}))
    clock.advance(91 * DAY)
    body = api.officer_get(f"/officer/reports/{filed['report_id']}").body
    assert "contact" not in body
    assert body["report_id"] == filed["report_id"]


def test_a_status_change_records_who_when_from_to_and_why(api: Api, clock: Any) -> None:
    filed = api.filed()
    clock.advance(3600)
    moved = api.move(filed["report_id"], "recu", "en_analyse", note="Je regarde.")
    clock.advance(3600)
    api.move(filed["report_id"], "en_analyse", "transmis", "Transmis à la mairie.", "superviseur")
    assert moved.status == 200
    assert moved.body["status"] == "en_analyse"
    assert moved.body["event"]["officer"] == "officier1"
    history = api.officer_get(f"/officer/reports/{filed['report_id']}").body["history"]
    assert [(h["officer"], h["from_status"], h["to_status"], h["note"]) for h in history] == [
        ("officier1", "recu", "en_analyse", "Je regarde."),
        ("superviseur", "en_analyse", "transmis", "Transmis à la mairie."),
    ]
    assert history[0]["at"] < history[1]["at"]
    assert api.track(filed["tracking_code"]).body["status"] == "transmis"


def test_the_lists_follow_a_status_change(api: Api) -> None:
    filed = api.filed()
    api.move(filed["report_id"], "recu", "cloture")
    assert ids(api.officer_get("/officer/reports?status=recu")) == []
    assert ids(api.officer_get("/officer/reports?status=cloture&dept=75")) == [filed["report_id"]]


def test_two_officers_cannot_overwrite_each_others_decision(api: Api) -> None:
    filed = api.filed()
    first = api.move(filed["report_id"], "recu", "en_analyse", username="officier1")
    second = api.move(filed["report_id"], "recu", "cloture", username="officier2")
    assert first.status == 200
    assert second.status == 409
    assert second.body["error"]["field"] == "expected"
    assert "En cours d'analyse" in second.body["error"]["message"]
    detail = api.officer_get(f"/officer/reports/{filed['report_id']}").body
    assert detail["status"] == "en_analyse"
    assert len(detail["history"]) == 1


def test_a_stale_read_still_loses_in_the_conditional_write(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.auth import OfficerIdentity
    from chalicelib.errors import Conflict
    from chalicelib.models import report as store
    from chalicelib.reports import triage

    filed = api.filed()
    stale = store.get_report(filed["report_id"])
    api.move(filed["report_id"], "recu", "transmis", username="officier2")
    # The second officer's Lambda read the report before the first decision landed.
    monkeypatch.setattr(store, "get_report", lambda *_a, **_k: stale)
    with pytest.raises(Conflict):
        triage.change_status(
            filed["report_id"], OfficerIdentity("o1", "officier1"), "recu", "cloture", "x"
        )
    monkeypatch.undo()
    detail = api.officer_get(f"/officer/reports/{filed['report_id']}").body
    assert detail["status"] == "transmis"
    assert [h["to_status"] for h in detail["history"]] == ["transmis"]


def test_moving_to_the_current_status_or_back_to_received_is_refused(api: Api) -> None:
    filed = api.filed()
    api.move(filed["report_id"], "recu", "en_analyse")
    same = api.move(filed["report_id"], "en_analyse", "en_analyse")
    back = api.move(filed["report_id"], "en_analyse", "recu")
    assert same.status == 409
    assert back.status == 422 and back.body["error"]["field"] == "to"


def test_a_status_change_needs_a_note(api: Api) -> None:
    filed = api.filed()
    reply = api.call(
        "POST",
        f"/officer/reports/{filed['report_id']}/status",
        {"expected": "recu", "to": "cloture", "note": "   "},
        headers=api.as_officer(),
    )
    assert reply.status == 422 and reply.body["error"]["field"] == "note"


@pytest.mark.parametrize("report_id", ["0123456789AB", "pas-un-id", "IIIIIIIIIIII"])
def test_an_unknown_report_is_not_found(api: Api, report_id: str) -> None:
    assert api.officer_get(f"/officer/reports/{report_id}").status == 404
    assert api.move(report_id, "recu", "cloture").status == 404


def test_daily_counters_count_reports_by_kind_and_status(api: Api, clock: Any) -> None:
    from chalicelib.stats.counters import totals

    one = api.filed()
    api.filed(report_body("rodeo_urbain"))
    api.move(one["report_id"], "recu", "en_analyse")
    api.move(one["report_id"], "en_analyse", "cloture")
    counted = totals("reports", 1)
    assert counted["received"] == 2
    assert counted["received.point_de_deal"] == counted["received.rodeo_urbain"] == 1
    assert counted["entered.recu"] == 2
    assert counted["entered.en_analyse"] == counted["entered.cloture"] == 1


# -- CSV export ------------------------------------------------------------------------


def test_the_csv_export_is_one_departement_and_period_ready_for_a_spreadsheet(
    api: Api, landscape: list[dict[str, Any]]
) -> None:
    since, until = landscape[0]["day"], landscape[-1]["day"]
    with counting() as calls:
        reply = api.officer_get(f"/officer/reports.csv?dept=13&from={since}&to={until}")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in reply.headers["Content-Disposition"]
    assert reply.text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(reply.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Identifiant", "Reçu le (UTC)", "Type", "Statut"]
    expected = [r["report_id"] for r in landscape if r["dept"] == "13"]
    assert [row[0] for row in rows[1:]] == expected  # oldest first
    assert calls.ddb("Scan") == 0 and calls.ddb("Query") >= 1


def test_the_csv_export_neutralises_formulas_and_keeps_text_intact(api: Api) -> None:
    tricky = {
        "description": '=HYPERLINK("http://evil.example","clic"); ligne 1\nligne 2 "citée"',
        "location": {"address": "+33 rue du Calcul", "postcode": "75011", "commune": "@Paris"},
    }
    api.filed(report_body("autre_nuisance", **tricky, details={"nuisance": "-1+1"}))
    reply = api.officer_get(f"/officer/reports.csv?dept=75&{ANY_PERIOD}")
    header, row = list(csv.reader(io.StringIO(reply.text.lstrip("\ufeff")), delimiter=";"))
    cells = dict(zip(header, row, strict=True))
    assert cells["Description"] == "'" + tricky["description"]
    assert cells["Adresse"] == "'+33 rue du Calcul"
    assert cells["Commune"] == "'@Paris"
    assert cells["Précisions"] == "Nuisance : -1+1"
    assert cells["Latitude"] == cells["Longitude"] == ""
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_the_csv_export_refuses_a_period_with_too_many_reports(
    api: Api, landscape: list[dict[str, Any]], with_settings: Any
) -> None:
    with_settings(EXPORT_MAX_ROWS="3")
    reply = api.officer_get(f"/officer/reports.csv?dept=75&{ANY_PERIOD}")
    assert reply.status == 422
    assert reply.body["error"]["field"] == "from"
    assert "réduisez la période" in reply.body["error"]["message"]


@pytest.mark.parametrize(
    "query", ["from=2026-01-01&to=2026-01-31", "dept=75&to=2026-01-31", "dept=75&from=2026-01-01"]
)
def test_the_csv_export_needs_a_departement_and_a_period(api: Api, query: str) -> None:
    assert api.officer_get(f"/officer/reports.csv?{query}").status == 422


def test_coordinates_stay_numbers_even_when_negative(api: Api) -> None:
    api.filed(located("rodeo_urbain", "97400", "Rue de Paris", -20.8789, 55.4481))
    reply = api.officer_get(f"/officer/reports.csv?dept=974&{ANY_PERIOD}")
    header, row = list(csv.reader(io.StringIO(reply.text.lstrip("\ufeff")), delimiter=";"))
    cells = dict(zip(header, row, strict=True))
    assert (cells["Latitude"], cells["Longitude"]) == ("-20.8789", "55.4481")
