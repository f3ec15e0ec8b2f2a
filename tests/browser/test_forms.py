"""The citizen forms in Chromium, against the local platform's real API: reports (all kinds,
photos, position, tracking code shown once, tracking), the post-chat survey, the survey for
people who never used the service, and the workshop sign-up with explicit consent.
Errors appear in a summary at the top and next to each field, in words; axe finds nothing.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.chat_pages import (
    SURVEY_KEY,
    axe_violations,
    officer,
)
from tests.e2e.ws_client import WsClient
from tests.local_platform import Platform

pytestmark = pytest.mark.browser

TRACKING_CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{12}\.[A-Za-z0-9_-]{43}$")
PARIS = {"latitude": 48.85661, "longitude": 2.35222}


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="fr-FR",
        accept_downloads=True,
        geolocation=PARIS,
        permissions=["geolocation"],
    )
    yield context
    context.close()


def png(width: int = 40, height: int = 30) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def error_next_to(page: Any, field: str) -> str:
    """The error message shown in the wrapper of an API field."""
    group = f'.champ[data-field="{field}"]'
    line = page.locator(f"{group} > .champ__erreur, {group} > fieldset > .champ__erreur").first
    return str(line.text_content()).strip()


def sent_empty(page: Any, url: str, button: str) -> Any:
    """Open the form at ``url`` and press ``button`` with nothing filled in: the summary of
    errors, which must take the focus."""
    from playwright.sync_api import expect

    page.goto(url, wait_until="networkidle")
    page.get_by_role("button", name=button).click()
    summary = page.locator(".resume-erreurs")
    expect(summary).to_be_focused()
    return summary


def summary_messages(page: Any) -> list[str]:
    return page.locator(".resume-erreurs li").all_inner_texts()


def fill_location(page: Any) -> None:
    page.get_by_label("Adresse ou lieu précis").fill("12 rue de la Paix, hall B")
    page.get_by_label("Code postal").fill("75002")
    page.get_by_label("Commune").fill("Paris")


# -- reports ------------------------------------------------------------------------------


def test_a_valid_point_de_deal_report_shows_its_tracking_code_once(
    local_platform: Platform, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{local_platform.url}/signaler/point-de-deal/", wait_until="networkidle")
    fill_location(page)
    page.get_by_role("button", name="Utiliser ma position").click()
    expect(page.locator("[data-geoloc-state]")).to_contain_text("Position ajoutée")
    page.get_by_label("Lundi").check()
    page.get_by_label("Vendredi").check()
    page.locator("#plage-0-debut").fill("18:00")
    page.locator("#plage-0-fin").fill("23:30")
    page.get_by_role("button", name="Ajouter une plage horaire").click()
    expect(page.locator("#plage-2-debut")).to_be_focused()
    page.locator("#plage-2-debut").fill("22:00")
    page.locator("#plage-2-fin").fill("02:00")
    page.get_by_label("Décrivez les faits").fill(
        "Vente de cannabis dans le hall B tous les soirs, allées et venues constantes."
    )
    expect(page.locator("#description-compteur")).to_have_text("Il vous reste 4 923 caractères.")
    page.get_by_label("Nombre de personnes présentes (facultatif)").fill("4")
    page.locator('input[name="lookouts"][value="oui"]').check()
    page.get_by_label("Type de lieu (facultatif)").select_option("hall_immeuble")
    page.get_by_label("Ajouter des photos (facultatif)").set_input_files(
        {"name": "hall.png", "mimeType": "image/png", "buffer": png()}
    )
    page.get_by_role("button", name="Envoyer le signalement").click()

    done = page.locator("[data-report-done]")
    expect(done.get_by_role("heading", name="Signalement envoyé")).to_be_focused()
    expect(done).to_contain_text("il ne sera plus jamais affiché")
    code = page.locator("[data-report-code]").inner_text().strip()
    assert TRACKING_CODE.match(code), code
    expect(page.locator("[data-report-photos]")).to_have_text("1 photo envoyée.", timeout=20_000)
    expect(page.locator("[data-report-form]")).to_be_hidden()
    expect(done.get_by_role("link", name="suivez-le avec ce code")).to_have_attribute(
        "href", "/signaler/suivi/"
    )
    assert axe_violations(page) == [], "report sent"
    # The code is not kept anywhere by the site.
    assert page.evaluate("sessionStorage.length + localStorage.length") == 0

    # What officers read is what the citizen entered.
    report_id = code.split(".")[0]
    status, report = local_platform.get(
        f"/api/officer/reports/{report_id}",
        headers={"Authorization": f"Bearer {local_platform.token('officier3')}"},
    )
    assert status == 200, report
    assert report["kind"] == "point_de_deal"
    assert report["location"]["postcode"] == "75002"
    assert report["location"]["lat"] == pytest.approx(PARIS["latitude"], abs=1e-4)
    assert report["observed"]["days"] == ["lundi", "vendredi"]
    assert report["observed"]["time_ranges"] == [
        {"start": "18:00", "end": "23:30"},
        {"start": "22:00", "end": "02:00"},
    ]
    assert report["details"] == {"people_count": 4, "lookouts": True, "place_type": "hall_immeuble"}
    assert len(report["photos"]) == 1
    assert "contact" not in report

    # Tracking by code.
    page.get_by_role("link", name="suivez-le avec ce code").click()
    page.wait_for_url("**/signaler/suivi/")
    page.get_by_label("Code de suivi", exact=True).fill(f"  {code}\n")
    page.get_by_role("button", name="Voir l'état du signalement").click()
    expect(page.locator("[data-tracking-status]")).to_have_text("État : Reçu.")
    expect(page.get_by_role("heading", name="État de votre signalement")).to_be_focused()
    assert page.problems == []


def test_a_report_with_errors_shows_them_next_to_the_fields(
    local_platform: Platform, page: Any
) -> None:
    from playwright.sync_api import expect

    summary = sent_empty(
        page, f"{local_platform.url}/signaler/point-de-deal/", "Envoyer le signalement"
    )
    expect(summary.get_by_role("heading")).to_have_text("Il y a un problème")
    assert summary_messages(page) == [
        "Indiquez l'adresse ou le lieu.",
        "Indiquez le code postal.",
        "Indiquez la commune.",
        "Cochez au moins un jour où vous constatez les faits.",
        "Décrivez ce que vous avez constaté.",
    ]
    assert error_next_to(page, "location.postcode") == "Erreur : Indiquez le code postal."
    assert error_next_to(page, "observed.days").endswith("où vous constatez les faits.")
    expect(page.get_by_label("Code postal")).to_have_attribute("aria-invalid", "true")
    assert page.title().startswith("Erreur : ")
    assert axe_violations(page) == [], "report errors"

    # A summary link takes the focus to its field.
    summary.get_by_role("link", name="Indiquez la commune.").click()
    expect(page.get_by_label("Commune")).to_be_focused()

    # Wrong formats, half a time range, too many photos, a name without a way to reach.
    fill_location(page)
    page.get_by_label("Code postal").fill("7500")
    page.get_by_label("Samedi").check()
    page.locator("#plage-1-debut").fill("20:00")
    page.get_by_label("Décrivez les faits").fill("Trafic le soir.")
    page.get_by_label("Nombre de personnes présentes (facultatif)").fill("0")
    page.get_by_label("Ajouter des photos (facultatif)").set_input_files(
        [{"name": f"p{n}.png", "mimeType": "image/png", "buffer": png()} for n in range(4)]
    )
    page.get_by_label("Votre nom (facultatif)").fill("Camille")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.locator(".resume-erreurs")).to_be_focused()
    assert summary_messages(page) == [
        "Le code postal doit compter 5 chiffres, par exemple 93200.",
        "Indiquez l'heure de début et l'heure de fin de la plage horaire 2.",
        "Indiquez un nombre entier entre 1 et 500.",
        "Choisissez 3 photos au maximum.",
        "Pour être recontacté, indiquez aussi une adresse e-mail ou un numéro de téléphone.",
    ]
    assert error_next_to(page, "observed.time_ranges.1").endswith("plage horaire 2.")
    assert error_next_to(page, "photos") == "Erreur : Choisissez 3 photos au maximum."
    assert axe_violations(page) == [], "report format errors"

    # A refusal by the API itself lands next to the right field too.
    page.get_by_label("Code postal").fill("75011")
    page.locator("#plage-1-fin").fill("23:00")
    page.get_by_label("Nombre de personnes présentes (facultatif)").fill("")
    page.get_by_label("Ajouter des photos (facultatif)").set_input_files([])
    page.get_by_label("Votre nom (facultatif)").fill("")

    def spoil(route: Any) -> None:
        body = json.loads(route.request.post_data)
        body["location"]["postcode"] = "00000"
        route.continue_(post_data=json.dumps(body))

    page.route("**/api/reports", spoil)
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.locator(".resume-erreurs")).to_be_focused()
    assert summary_messages(page) == ["Le format n'est pas valide."]
    assert error_next_to(page, "location.postcode") == "Erreur : Le format n'est pas valide."
    page.unroute("**/api/reports")

    # Corrected: sent, and the errors are gone.
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("heading", name="Signalement envoyé")).to_be_focused()
    expect(page.locator(".champ__erreur")).to_have_count(0)
    assert not page.title().startswith("Erreur")
    assert page.problems == []


@pytest.mark.parametrize(
    ("slug", "kind", "fill"),
    [
        ("rodeo-urbain", "rodeo_urbain", {"Moto": "check", "Quad": "check"}),
        ("maltraitance-animale", "maltraitance_animale", {"Animal concerné (facultatif)": "chien"}),
        ("autre-nuisance", "autre_nuisance", {"Nature de la nuisance (facultatif)": "Tapage"}),
    ],
)
def test_the_other_report_kinds_share_the_form(
    local_platform: Platform, page: Any, slug: str, kind: str, fill: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{local_platform.url}/signaler/{slug}/", wait_until="networkidle")
    assert page.locator("[data-report-form]").get_attribute("data-kind") == kind
    fill_location(page)
    page.get_by_label("Dimanche").check()
    page.get_by_label("Décrivez les faits").fill("Cela se répète chaque semaine.")
    for label, action in fill.items():
        control = page.get_by_label(label, exact=True)
        if action == "check":
            control.check()
        elif control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(action)
        else:
            control.fill(action)
    page.get_by_label("Adresse e-mail ou numéro de téléphone (facultatif)").fill("06 12 34 56 78")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("heading", name="Signalement envoyé")).to_be_focused()
    code = page.locator("[data-report-code]").inner_text().strip()
    status, report = local_platform.get(
        f"/api/officer/reports/{code.split('.')[0]}",
        headers={"Authorization": f"Bearer {local_platform.token('officier3')}"},
    )
    assert status == 200 and report["kind"] == kind
    assert report["contact"]["reach"] == "06 12 34 56 78"
    if kind == "rodeo_urbain":
        assert report["details"] == {"vehicle_types": ["moto", "quad"]}
    assert page.problems == []


def test_tracking_an_unknown_code_says_so_next_to_the_field(
    local_platform: Platform, page: Any
) -> None:
    from playwright.sync_api import expect

    sent_empty(page, f"{local_platform.url}/signaler/suivi/", "Voir l'état du signalement")
    assert summary_messages(page) == ["Indiquez votre code de suivi."]
    page.get_by_label("Code de suivi", exact=True).fill("ABC")
    page.get_by_role("button", name="Voir l'état du signalement").click()
    assert "n'a pas la bonne forme" in summary_messages(page)[0]
    page.get_by_label("Code de suivi", exact=True).fill("0123456789AB." + "A" * 43)
    page.get_by_role("button", name="Voir l'état du signalement").click()
    expect(page.locator(".resume-erreurs li")).to_have_text(
        "Aucun signalement ne correspond à ce code. "
        "Vérifiez-le : les majuscules et le point comptent."
    )
    assert error_next_to(page, "X-Tracking-Code").startswith("Erreur : Aucun signalement")
    assert axe_violations(page) == [], "tracking errors"
    assert page.problems == []


# -- surveys and workshops --------------------------------------------------------------------


def closed_conversation(platform: Platform) -> tuple[str, str]:
    """A conversation a citizen had and an officer closed: (id, resume token)."""
    citizen = WsClient(platform.ws_url, "survey-citizen")
    try:
        joined = citizen.request(
            {"type": "join", "topic": "demarches", "text": "Comment faire une procuration ?"},
            "joined",
        )
        assert joined["type"] == "joined", joined
        with officer(platform, "officier3") as police:
            conversation_id = joined["conversation_id"]
            police.take(conversation_id)
            police.send(conversation_id, "Sur maprocuration.gouv.fr, puis au commissariat.")
            police.close(conversation_id, "information")
        citizen.wait_for(lambda frame: frame["type"] == "closed")
    finally:
        citizen.close()
    return joined["conversation_id"], joined["token"]


def test_the_survey_after_a_closed_chat(local_platform: Platform, page: Any) -> None:
    from playwright.sync_api import expect

    conversation_id, token = closed_conversation(local_platform)
    page.goto(f"{local_platform.url}/plan-du-site/")
    page.evaluate(
        "([key, value]) => sessionStorage.setItem(key, JSON.stringify(value))",
        [SURVEY_KEY, {"conversation_id": conversation_id, "token": token}],
    )
    page.goto(f"{local_platform.url}/avis/", wait_until="networkidle")
    form = page.locator('[data-survey="chat"]')
    expect(form).to_be_visible()
    expect(page.locator('[data-survey="non-user"]')).to_be_hidden()
    for question in (
        "Nous avez-vous trouvé facilement ?",
        "Avez-vous compris nos réponses ?",
        "Avez-vous trouvé le service que vous cherchiez ?",
    ):
        expect(form.get_by_role("group", name=question)).to_be_visible()

    form.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.locator(".resume-erreurs")).to_be_focused()
    assert summary_messages(page) == [
        "Dites-nous si vous nous avez trouvé facilement.",
        "Dites-nous si vous avez compris nos réponses.",
        "Dites-nous si vous avez trouvé le service que vous cherchiez.",
        "Choisissez une note de 1 à 5.",
    ]
    assert axe_violations(page) == [], "chat survey errors"

    for question, answer in (
        ("Nous avez-vous trouvé facilement ?", "Oui"),
        ("Avez-vous compris nos réponses ?", "En partie"),
        ("Avez-vous trouvé le service que vous cherchiez ?", "Oui"),
    ):
        form.get_by_role("group", name=question).get_by_label(answer).check()
    form.get_by_role("group", name="Quelle note donnez-vous au service ?").get_by_label(
        "4", exact=True
    ).check()
    form.get_by_label("Un commentaire ? (facultatif)").fill("Rapide et clair.")
    form.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.get_by_role("heading", name="Merci pour votre avis")).to_be_focused()
    assert page.evaluate(f"sessionStorage.getItem('{SURVEY_KEY}')") is None

    # Once answered, /avis/ offers the other survey.
    page.reload(wait_until="networkidle")
    expect(page.locator('[data-survey="chat"]')).to_be_hidden()
    expect(page.locator('[data-survey="non-user"]')).to_be_visible()
    assert page.problems == []


def test_the_survey_for_people_who_never_used_the_service(
    local_platform: Platform, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(f"{local_platform.url}/avis/", wait_until="networkidle")
    form = page.locator('[data-survey="non-user"]')
    expect(page.locator('[data-survey="chat"]')).to_be_hidden()
    form.get_by_role("button", name="Envoyer mes réponses").click()
    assert summary_messages(page) == [
        "Dites-nous si vous auriez souhaité faire vos démarches en ligne."
    ]
    assert axe_violations(page) == [], "non-user survey errors"
    group = form.get_by_role("group", name="Auriez-vous souhaité faire vos démarches en ligne ?")
    group.get_by_label("Oui").check()
    form.get_by_label("Déposer plainte (au commissariat ou en ligne)").check()
    form.get_by_label("Suivre mon dossier").check()
    form.get_by_label("Dites-nous en plus (facultatif)").fill("Pour un vol de vélo.")
    form.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", name="Merci pour votre avis")).to_be_focused()
    assert page.problems == []


def test_the_volunteer_form_requires_explicit_consent(local_platform: Platform, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{local_platform.url}/ateliers/", wait_until="networkidle")
    consent = page.get_by_label(re.compile("J'accepte que mes coordonnées soient conservées 90 j"))
    expect(consent).not_to_be_checked()
    expect(page.locator("#volunteer-form")).to_contain_text("conservées 90 jours puis effacées")

    page.get_by_label("Votre nom ou prénom").fill("Camille")
    page.get_by_label("Adresse e-mail ou numéro de téléphone").fill("camille@exemple.fr")
    page.get_by_label("Vos disponibilités").fill("Le samedi matin")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.locator(".resume-erreurs")).to_be_focused()
    assert summary_messages(page) == [
        "Cochez la case pour accepter que nous gardions vos coordonnées 90 jours : sans votre "
        "accord, nous ne pouvons pas vous inscrire."
    ]
    assert error_next_to(page, "consent").startswith("Erreur : Cochez la case")
    assert axe_violations(page) == [], "volunteer errors"

    page.get_by_label("Adresse e-mail ou numéro de téléphone").fill("pas une adresse")
    consent.check()
    page.get_by_role("button", name="M'inscrire").click()
    assert summary_messages(page)[0].startswith("Indiquez une adresse e-mail")

    page.get_by_label("Adresse e-mail ou numéro de téléphone").fill("camille@exemple.fr")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("heading", name="Merci, vous êtes inscrit")).to_be_focused()
    assert page.problems == []
