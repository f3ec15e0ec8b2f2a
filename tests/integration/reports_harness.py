"""Shared fixtures of the report and feedback tests: the app behind chalice's test client,
real Cognito tokens (moto, pinned JWKS), sample reports, a frozen clock, a fake chat verdict.

No tests here: tests/integration/conftest.py offers the fixtures to the integration tier,
the report and feedback tests import the helpers.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
import types
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import pytest

from tests.app_settings import configure_app
from tests.integration.moto_world import MotoAws

PASSWORD = "Commissariat-2026!"
# Noon, 800 days ago: tests travel up to two years ahead while the Cognito tokens
# (valid one hour from the real now) stay unexpired for the app's clock.
START = float(int(time.time()) // 86400 * 86400 - 800 * 86400 + 12 * 3600)
ANY_PERIOD = "from=2000-01-01&to=2099-12-31"


def moto_public_jwks() -> dict[str, Any]:
    raw = resources.files("moto.cognitoidp").joinpath("resources/jwks-public.json.gz").read_bytes()
    return dict(json.loads(gzip.decompress(raw)))


def report_body(kind: str = "point_de_deal", **changes: Any) -> dict[str, Any]:
    """A valid report of ``kind``; keyword arguments replace top-level fields."""
    details = {
        "point_de_deal": {"people_count": 4, "lookouts": True, "place_type": "hall_immeuble"},
        "rodeo_urbain": {"vehicle_count": 3, "vehicle_types": ["moto", "quad"]},
        "maltraitance_animale": {"animal_type": "chien", "immediate_danger": True},
        "autre_nuisance": {"nuisance": "Tapage nocturne"},
    }[kind]
    body: dict[str, Any] = {
        "kind": kind,
        "location": {
            "address": "12 boulevard Voltaire",
            "postcode": "75011",
            "commune": "Paris",
            "coordinates": {"lat": 48.8635, "lon": 2.3707},
        },
        "observed": {
            "days": ["vendredi", "samedi"],
            "time_ranges": [{"start": "22:00", "end": "02:00"}],
        },
        "description": "Des personnes vendent devant le hall du 12 tous les soirs.",
        "details": details,
    }
    body.update(changes)
    return body


def at_address(address: str, postcode: str = "75011", commune: str = "Paris") -> dict[str, Any]:
    """A location without coordinates (grouped by postcode and normalised address)."""
    return {"address": address, "postcode": postcode, "commune": commune}


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any
    text: str


@dataclass
class Api:
    """The Chalice app in-process (chalice.test.Client) over in-process moto."""

    client: Any
    aws: MotoAws
    tokens: dict[str, str] = field(default_factory=dict)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        through_cdn: bool = True,
    ) -> Reply:
        """One request; ``through_cdn`` (as CloudFront sends it): with the origin secret."""
        sent = dict(headers or {})
        if through_cdn:
            sent.setdefault("X-Origin-Verify", self.aws.secret_value("ORIGIN_SECRET_ID"))
        payload = raw
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            sent.setdefault("Content-Type", "application/json")
        response = self.client.http.request(method, path, headers=sent, body=payload or b"")
        text = response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return Reply(response.status_code, dict(response.headers), parsed, text)

    def token(self, username: str) -> str:
        if username not in self.tokens:
            result = self.aws.client("cognito-idp").initiate_auth(
                ClientId=self.aws.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
            )
            self.tokens[username] = result["AuthenticationResult"]["IdToken"]
        return self.tokens[username]

    def as_officer(self, username: str = "officier1") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}

    # -- citizens --------------------------------------------------------------

    def submit(self, body: dict[str, Any] | None = None, key: str | None = None) -> Reply:
        return self.call(
            "POST",
            "/reports",
            body if body is not None else report_body(),
            headers={"Idempotency-Key": key or uuid.uuid4().hex},
        )

    def filed(self, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Submit a report that must be accepted; returns the answer."""
        reply = self.submit(body)
        assert reply.status == 201, reply.body
        return dict(reply.body)

    def track(self, code: str | None) -> Reply:
        headers = {"X-Tracking-Code": code} if code is not None else {}
        return self.call("GET", "/reports/track", headers=headers)

    # -- officers --------------------------------------------------------------

    def officer_get(self, path: str, username: str = "officier1") -> Reply:
        return self.call("GET", path, headers=self.as_officer(username))

    def move(
        self, report_id: str, expected: str, to: str, note: str = "Vu.", username: str = "officier1"
    ) -> Reply:
        return self.call(
            "POST",
            f"/officer/reports/{report_id}/status",
            {"expected": expected, "to": to, "note": note},
            headers=self.as_officer(username),
        )


@pytest.fixture
def clock() -> Iterator[Any]:
    """The app's clock, frozen at START and moved by hand."""
    from chalicelib.clock import FrozenClock, SystemClock, use_clock

    frozen = FrozenClock(start=START)
    use_clock(frozen)
    yield frozen
    use_clock(SystemClock())


@pytest.fixture
def api(aws: MotoAws, clock: Any) -> Iterator[Api]:
    """The app with real tokens of the demo accounts (JWKS pinned: no HTTP in-process)."""
    from chalice.test import Client

    import app as chalice_module
    from chalicelib.auth import TokenVerifier, reset_verifier
    from chalicelib.config import settings

    reset_verifier(TokenVerifier(settings(), jwks=moto_public_jwks()))
    with Client(chalice_module.app) as client:
        yield Api(client=client, aws=aws)
    reset_verifier()


@pytest.fixture
def with_settings(monkeypatch: pytest.MonkeyPatch, aws: MotoAws) -> Callable[..., None]:
    """Change settings for one test; the environment is restored after it."""

    def change(**env: str) -> None:
        from chalicelib.auth import TokenVerifier, reset_verifier
        from chalicelib.config import settings

        for name, value in env.items():
            monkeypatch.setenv(name, value)
        configure_app({})
        reset_verifier(TokenVerifier(settings(), jwks=moto_public_jwks()))

    return change


@dataclass
class FakeConversations:
    """Stands in for chalicelib.chat.access: conversation id → (token, closed)."""

    conversations: dict[str, tuple[str, bool]] = field(default_factory=dict)

    def closed_conversation_for_survey(self, conversation_id: str, token: str) -> None:
        from chalicelib.errors import Conflict, NotFound

        known = self.conversations.get(conversation_id)
        if known is None or known[0] != token:
            raise NotFound("Conversation introuvable.")
        if not known[1]:
            raise Conflict("La conversation n'est pas terminée.")


@pytest.fixture
def conversations(monkeypatch: pytest.MonkeyPatch) -> FakeConversations:
    """The chat domain's verdict on conversations, as its access module will give it."""
    fake = FakeConversations()
    module = types.ModuleType("chalicelib.chat.access")
    module.closed_conversation_for_survey = fake.closed_conversation_for_survey  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "chalicelib.chat.access", module)
    return fake
