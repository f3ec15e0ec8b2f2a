"""Signing in to the console: French errors next to the fields, the first-sign-in password
challenge and authenticator enrolment (MFA, as the production pool requires), the code of an
enrolled account, tokens in sessionStorage only, refresh, roles from the Cognito groups, the
display name, sign-out."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from tests.browser.console_pages import (
    OFFICER,
    SUPERVISOR,
    api_get,
    axe_report,
    axe_violations,
    leave_officer_clean,
    open_console,
    signed_in,
)
from tests.local_platform import Platform

pytestmark = pytest.mark.browser

SESSION_KEY = "moncommissariat.console.session"


def fresh_page(browser: Any, platform: Platform) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{platform.url}/console/")
    page.wait_for_selector("#sign-in-form:not([hidden])")
    return context, page


def test_wrong_password_and_empty_fields_are_explained_in_french(
    browser: Any, local_platform: Platform
) -> None:
    context, page = fresh_page(browser, local_platform)
    try:
        page.click("#sign-in-form button[type=submit]")
        assert page.inner_text("#username-erreur") == "Saisissez votre identifiant."
        assert page.get_attribute("#username", "aria-invalid") == "true"
        assert "username-erreur" in page.get_attribute("#username", "aria-describedby")
        assert page.evaluate("document.activeElement.id") == "username"
        page.fill("#username", OFFICER)
        page.fill("#password", "pas-le-bon-mot-de-passe")
        page.click("#sign-in-form button[type=submit]")
        page.locator("#sign-in-error", has_text="Identifiant ou mot de passe incorrect.").wait_for()
        assert page.input_value("#password") == ""
        assert page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')") is None
        assert page.locator("#view-conversations").is_hidden()
    finally:
        context.close()


def test_tokens_live_in_session_storage_and_roles_come_from_the_groups(
    browser: Any, local_platform: Platform
) -> None:
    officer = open_console(browser, local_platform, OFFICER)
    supervisor = open_console(browser, local_platform, SUPERVISOR)
    try:
        page = officer.page
        assert page.evaluate("localStorage.length") == 0
        assert page.evaluate("document.cookie") == ""
        stored = page.evaluate(f"JSON.parse(sessionStorage.getItem('{SESSION_KEY}'))")
        assert stored["username"] == OFFICER and stored["groups"] == ["officers"]
        # No supervision for an officer: hidden, and the route falls back to the workspace.
        assert page.locator("nav [data-supervisors]").is_hidden()
        page.goto(f"{local_platform.url}/console/#/supervision")
        page.wait_for_selector("#view-conversations:not([hidden])")
        assert page.locator("#view-supervision").is_hidden()
        # A reload keeps the session (same tab).
        page.reload()
        page.wait_for_selector("#view-conversations:not([hidden])")
        # The header names the officer by Cognito's `name` attribute, not the username.
        assert page.inner_text("#account-name") == "Agent Camille Martin"

        assert supervisor.page.locator("nav [data-supervisors]").is_visible()
        supervisor.page.click("nav a[data-route=supervision]")
        supervisor.page.wait_for_selector("#view-supervision:not([hidden])")
    finally:
        officer.close()
        supervisor.close()
        leave_officer_clean(local_platform, OFFICER)
        leave_officer_clean(local_platform, SUPERVISOR)


def test_tokens_are_refreshed_with_the_refresh_token(
    browser: Any, local_platform: Platform
) -> None:
    with signed_in(browser, local_platform, OFFICER) as page:
        flows: list[str] = []
        page.on(
            "request",
            lambda request: (
                flows.append(request.post_data or "")
                if "InitiateAuth" in (request.headers.get("x-amz-target") or "")
                else None
            ),
        )
        before = page.evaluate(f"JSON.parse(sessionStorage.getItem('{SESSION_KEY}')).idToken")
        page.evaluate(
            "async () => { const auth = await import('/console/js/auth.js');"
            " await auth.refresh(); }"
        )
        after = page.evaluate(f"JSON.parse(sessionStorage.getItem('{SESSION_KEY}')).idToken")
        assert after != before
        assert any("REFRESH_TOKEN_AUTH" in flow for flow in flows)
        # The new token works for the API.
        page.click("nav a[data-route=signalements]")
        page.wait_for_function(
            "() => /affiché|Aucun/.test(document.querySelector('#reports-status').textContent)"
            " || document.querySelector('#reports-error').textContent !== ''"
        )
        assert page.inner_text("#reports-error") == ""


def totp_code(secret: str) -> str:
    """The authenticator's code now, away from the edge of its 30 s step (moto checks the
    current step only)."""
    from local.aws import totp_code as code_of

    if time.time() % 30 > 26:
        time.sleep(30 - time.time() % 30 + 0.2)
    return code_of(secret)


def test_first_sign_in_sets_a_password_then_enrols_an_authenticator_app(
    browser: Any, local_platform: Platform
) -> None:
    cognito = local_platform.aws_client("cognito-idp")
    pool = local_platform.config["cognito"]["userPoolId"]
    username = f"recrue{uuid.uuid4().hex[:6]}"
    cognito.admin_create_user(
        UserPoolId=pool,
        Username=username,
        TemporaryPassword="Provisoire-2026!",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "name", "Value": "Agent Léa Recrue"}],
    )
    cognito.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName="officers")
    context, page = fresh_page(browser, local_platform)
    try:
        page.fill("#username", username)
        page.fill("#password", "Provisoire-2026!")
        page.click("#sign-in-form button[type=submit]")
        page.wait_for_selector("#new-password-form:not([hidden])")
        assert page.evaluate("document.activeElement.id") == "new-password-title"
        page.fill("#new-password", "Nouveau-Mot-2026!")
        page.fill("#new-password-confirm", "Autre-Chose-2026!")
        page.click("#new-password-form button[type=submit]")
        assert page.inner_text("#new-password-confirm-erreur") == (
            "Les deux mots de passe ne sont pas identiques."
        )
        page.fill("#new-password-confirm", "Nouveau-Mot-2026!")
        page.click("#new-password-form button[type=submit]")

        # The pool requires MFA: enrol an authenticator app (QR code, or the key as text).
        page.wait_for_selector("#mfa-setup-form:not([hidden])")
        assert page.evaluate("document.activeElement.id") == "mfa-setup-title"
        qr = page.locator("#mfa-qr svg[role=img]")
        qr.wait_for()
        assert "application d'authentification" in (qr.get_attribute("aria-label") or "")
        assert int(qr.get_attribute("data-modules") or 0) >= 21
        secret = page.get_attribute("#mfa-secret", "data-secret") or ""
        assert page.inner_text("#mfa-secret").replace(" ", "") == secret and len(secret) >= 8
        violations = axe_violations(page)
        assert violations == [], axe_report(violations)

        page.fill("#mfa-setup-code", "12345")
        page.click("#mfa-setup-form button[type=submit]")
        assert page.inner_text("#mfa-setup-code-erreur") == (
            "Saisissez les 6 chiffres affichés par votre application."
        )
        wrong = "000000" if totp_code(secret) != "000000" else "111111"
        page.fill("#mfa-setup-code", wrong)
        page.click("#mfa-setup-form button[type=submit]")
        page.locator("#mfa-setup-error", has_text="Ce code ne correspond pas.").wait_for()
        assert page.evaluate("document.activeElement.id") == "mfa-setup-code"

        page.fill("#mfa-setup-code", totp_code(secret))
        page.click("#mfa-setup-form button[type=submit]")
        page.wait_for_selector("#view-conversations:not([hidden])")
        assert page.inner_text("#account-name") == "Agent Léa Recrue"

        # From now on the account signs in with a code.
        page.click("#sign-out")
        page.wait_for_selector("#sign-in-form:not([hidden])")
        page.fill("#username", username)
        page.fill("#password", "Nouveau-Mot-2026!")
        page.click("#sign-in-form button[type=submit]")
        page.wait_for_selector("#mfa-code-form:not([hidden])")
        page.fill("#mfa-code", totp_code(secret))
        page.click("#mfa-code-form button[type=submit]")
        page.wait_for_selector("#view-conversations:not([hidden])")
    finally:
        context.close()
        cognito.admin_delete_user(UserPoolId=pool, Username=username)


def test_an_enrolled_account_signs_in_with_the_code_of_its_app(
    browser: Any, local_platform: Platform
) -> None:
    from local.aws import DEMO_TOTP_SECRET

    context, page = fresh_page(browser, local_platform)
    try:
        page.fill("#username", "officier4")
        page.fill("#password", "Commissariat-2026!")
        page.click("#sign-in-form button[type=submit]")
        page.wait_for_selector("#mfa-code-form:not([hidden])")
        assert page.evaluate("document.activeElement.id") == "mfa-code-title"
        violations = axe_violations(page)
        assert violations == [], axe_report(violations)
        wrong = "000000" if totp_code(DEMO_TOTP_SECRET) != "000000" else "111111"
        page.fill("#mfa-code", wrong)
        page.click("#mfa-code-form button[type=submit]")
        page.locator("#mfa-code-error", has_text="Ce code ne correspond pas.").wait_for()
        # A wrong code spends the challenge at Cognito: « Recommencer » starts again.
        page.click("#mfa-code-form [data-restart]")
        page.wait_for_selector("#sign-in-form:not([hidden])")
        page.fill("#username", "officier4")
        page.fill("#password", "Commissariat-2026!")
        page.click("#sign-in-form button[type=submit]")
        page.wait_for_selector("#mfa-code-form:not([hidden])")
        page.fill("#mfa-code", totp_code(DEMO_TOTP_SECRET))
        page.click("#mfa-code-form button[type=submit]")
        page.wait_for_selector("#view-conversations:not([hidden])")
        assert page.inner_text("#account-name") == "Agente Inès Moreau"
    finally:
        context.close()


def test_sign_out_goes_offline_and_forgets_the_tokens(
    browser: Any, local_platform: Platform
) -> None:
    with signed_in(browser, local_platform, OFFICER) as page:
        page.check("#presence-away")
        page.wait_for_function("() => document.body.dataset.presence === 'away'")
        page.click("#sign-out")
        page.wait_for_selector("#sign-in-form:not([hidden])")
        assert page.evaluate(f"sessionStorage.getItem('{SESSION_KEY}')") is None
        officers = api_get(local_platform, "/api/officer/officers", OFFICER)
        assert OFFICER not in [item["username"] for item in officers["items"]]
