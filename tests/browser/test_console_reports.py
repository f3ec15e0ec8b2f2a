"""Reports in the console: filters, the grouped-by-spot view, a report's detail, a status
change with a note, the CSV export."""

from __future__ import annotations

import random
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.browser.console_pages import OFFICER, leave_officer_clean, open_console, post_json
from tests.local_platform import Platform

pytestmark = pytest.mark.browser


def test_reports_list_spots_detail_status_change_and_csv_export(
    browser: Any, local_platform: Platform
) -> None:
    street = f"{random.randint(1, 300)} rue des Tests {uuid.uuid4().hex[:6]}"
    ids = []
    for description in (
        "Des motos font des roues arrière tous les soirs.",
        "Encore ce soir, trois quads.",
    ):
        status, report = post_json(
            local_platform,
            "/api/reports",
            {
                "kind": "rodeo_urbain",
                "location": {"address": street, "postcode": "93200", "commune": "Saint-Denis"},
                "observed": {
                    "days": ["vendredi", "samedi"],
                    "time_ranges": [{"start": "21:00", "end": "23:30"}],
                },
                "description": description,
                "details": {
                    "vehicle_count": 4,
                    "vehicle_types": ["moto", "quad"],
                    "at_night": True,
                },
            },
            **{"Idempotency-Key": uuid.uuid4().hex},
        )
        assert status == 201, report
        ids.append(report["report_id"])

    console = open_console(browser, local_platform, OFFICER)
    page = console.page
    try:
        page.click("nav a[data-route=signalements]")
        page.wait_for_selector("#view-signalements:not([hidden])")
        assert page.evaluate("document.activeElement.id") == "signalements-title"

        # A wrong département is refused next to the field.
        page.fill("#filter-dept", "999")
        page.click("#report-filters button[type=submit]")
        assert "Département invalide" in page.inner_text("#filter-dept-erreur")

        page.select_option("#filter-kind", "rodeo_urbain")
        page.fill("#filter-dept", "93")
        page.click("#report-filters button[type=submit]")
        rows = page.locator(".reports-table tbody tr", has_text=street)
        rows.nth(1).wait_for()
        assert rows.count() == 2

        # Grouped by spot: both reports are one place.
        page.check("#grouping-spots")
        spot = page.locator(".spots-table tbody tr", has_text=street)
        spot.wait_for()
        assert spot.locator("td.number").inner_text() == "2"
        spot.locator(".link-button").click()
        page.locator("#spot-reports .reports-table tbody tr").nth(1).wait_for()

        # The detail, then a status change (a note is required).
        page.locator("#spot-reports .link-button").first.click()
        detail = page.locator("#report-detail")
        detail.locator("dt:text('Observé') + dd", has_text="21:00–23:30").wait_for()
        assert "vendredi, samedi" in detail.locator("dt:text('Observé') + dd").inner_text()
        assert detail.locator("dt:text('Types de véhicules') + dd").inner_text() == "moto, quad"
        assert detail.locator("dt:text('Statut') + dd").inner_text() == "Reçu"
        detail.get_by_label("Nouveau statut").select_option("en_analyse")
        detail.get_by_role("button", name="Enregistrer le statut").click()
        assert "Écrivez une note" in detail.locator(".field-error").inner_text()
        detail.get_by_label("Note (obligatoire, visible par vos collègues)").fill(
            "Transmis à la BAC de nuit pour vérification."
        )
        detail.get_by_role("button", name="Enregistrer le statut").click()
        detail.locator("dt:text('Statut') + dd", has_text="En cours d'analyse").wait_for()
        assert (
            "Transmis à la BAC de nuit pour vérification."
            in detail.locator(".history").inner_text()
        )

        page.check("#grouping-list")
        page.select_option("#filter-status", "en_analyse")
        page.click("#report-filters button[type=submit]")
        page.locator(".reports-table tbody tr", has_text=street).first.wait_for()
        assert page.locator(".reports-table tbody tr", has_text=street).count() == 1

        # CSV: a département and a period are required.
        page.fill("#filter-dept", "")
        page.click("#export-csv")
        assert "Choisissez un département" in page.inner_text("#filter-dept-erreur")
        page.fill("#filter-dept", "93")
        today = page.evaluate("new Date().toISOString().slice(0, 10)")
        page.fill("#filter-from", today)
        with page.expect_download() as download_info:
            page.click("#export-csv")
        download = download_info.value
        assert download.suggested_filename.startswith("signalements-93-")
        content = Path(download.path()).read_text(encoding="utf-8-sig")
        assert street in content
        assert console.dialogs == [] and console.errors == []
    finally:
        console.close()
        leave_officer_clean(local_platform, OFFICER)
