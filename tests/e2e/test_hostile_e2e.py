"""Hostile input on the live platform (issue 15, findings 3 and 10): the shapes of
tests/integration/test_hostile_input.py over real HTTP and real sockets, and bad site paths."""

from __future__ import annotations

import http.client
import re
import uuid
from urllib.parse import urlsplit

import pytest

from tests.e2e.ws_client import WsClient
from tests.integration.test_hostile_input import HOSTILE, body_routes, concrete
from tests.local_platform import Platform, http_json

pytestmark = pytest.mark.e2e

BAD_SITE_PATHS = [
    "/assets/%00",
    "/%00",
    "/fiches/%00/index.html",
    "/assets/" + "a" * 300,
    "/assets/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2fetc/passwd",
    "/assets/%5c..%5cetc",
    "/assets/%ff%fe",
    "/assets/js/%C3%A9t%C3%A9.js",
    "/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
]


def raw_get(platform: Platform, path: str) -> int:
    """GET ``path`` exactly as written (no client-side normalisation)."""
    parts = urlsplit(platform.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=15)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


@pytest.mark.parametrize("path", BAD_SITE_PATHS)
def test_any_bad_site_path_is_a_404(local_platform: Platform, path: str) -> None:
    assert raw_get(local_platform, path) == 404


def test_every_hostile_body_is_a_4xx_on_every_body_route(local_platform: Platform) -> None:
    token = local_platform.token("superviseur")
    for method, path in body_routes():
        for shape, raw in HOSTILE.items():
            status, body = http_json(
                f"{local_platform.url}/api{concrete(path)}",
                method=method,
                body=raw,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": uuid.uuid4().hex,
                    "X-Tracking-Code": "0123456789AB." + "a" * 43,
                },
            )
            assert 400 <= status < 500, (method, path, shape, status, body)
            assert body["error"]["code"] != "internal_error"


def test_every_hostile_frame_gets_an_error_frame_over_a_real_socket(
    local_platform: Platform,
) -> None:
    token = local_platform.token("officier2")
    for url in (local_platform.ws_url, f"{local_platform.ws_url}?role=officer&token={token}"):
        client = WsClient(url, "hostile")
        for n, (shape, raw) in enumerate(HOSTILE.items()):
            client.connection.send(raw.decode("utf-8", "replace"))
            client.send({"type": "ping", "ref": f"after-{n}"})  # answered after the shape
            client.wait_for(lambda f, ref=f"after-{n}": f.get("ref") == ref)
            errors = client.all("error")
            assert len(errors) == n + 1, (shape, errors)
            assert errors[-1]["code"] in ("invalid_json", "invalid_input", "unknown_type"), shape
        client.close()


def test_refusals_echo_the_ref_over_a_real_socket(local_platform: Platform) -> None:
    client = WsClient(local_platform.ws_url, "refs")
    for frame, code in (
        ({"type": "teleport"}, "unknown_type"),
        ({"type": "join", "topic": "nulle-part"}, "invalid_input"),
        ({"type": "end"}, "not_joined"),
    ):
        answer = client.request(frame, "none")
        assert answer["type"] == "error" and answer["code"] == code
        assert re.fullmatch(r"r\d+", answer["ref"])
    client.close()
