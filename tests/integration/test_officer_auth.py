"""Officer JWT verification: only tokens of our pool, our client, unexpired, RS256-signed pass."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.auth import TokenVerifier, reset_verifier, verify_officer_token
from chalicelib.config import settings
from chalicelib.errors import Unauthorized
from tests.integration.chat_harness import moto_public_jwks
from tests.integration.moto_world import MotoAws


def login(aws: MotoAws, username: str, kind: str = "IdToken") -> str:
    result = aws.client("cognito-idp").initiate_auth(
        ClientId=aws.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": "Commissariat-2026!"},
    )
    return str(result["AuthenticationResult"][kind])


@pytest.fixture
def pinned(aws: MotoAws) -> MotoAws:
    """In-process moto cannot serve the JWKS over HTTP: pin moto's real public keys."""
    reset_verifier(TokenVerifier(settings(), jwks=moto_public_jwks()))
    return aws


def test_id_and_access_tokens_of_our_pool_are_accepted(pinned: MotoAws) -> None:
    for kind in ("IdToken", "AccessToken"):
        officer = verify_officer_token("Bearer " + login(pinned, "superviseur", kind))
        assert officer.is_supervisor
        assert "officers" in officer.groups


def test_a_plain_officer_is_not_a_supervisor(pinned: MotoAws) -> None:
    officer = verify_officer_token(login(pinned, "officier1"))
    assert not officer.is_supervisor
    assert officer.username == "officier1"


def _claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def test_a_token_signed_with_another_key_is_refused(pinned: MotoAws) -> None:
    genuine = _claims_of(login(pinned, "officier1"))
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = moto_public_jwks()["keys"][0]["kid"]
    forged = jwt.encode(genuine, other_key, algorithm="RS256", headers={"kid": kid})
    with pytest.raises(Unauthorized):
        verify_officer_token(forged)


def test_an_unsigned_alg_none_token_is_refused(pinned: MotoAws) -> None:
    genuine = _claims_of(login(pinned, "officier1"))
    forged = jwt.encode(genuine, key="", algorithm="none")
    with pytest.raises(Unauthorized):
        verify_officer_token(forged)


def test_an_expired_token_is_refused(pinned: MotoAws) -> None:
    from chalicelib.clock import FrozenClock, SystemClock, use_clock

    token = login(pinned, "officier1")
    claims = _claims_of(token)
    assert verify_officer_token(token).username == "officier1"
    # Two hours later, the one-hour token has expired.
    use_clock(FrozenClock(start=claims["exp"] + 3600))
    try:
        with pytest.raises(Unauthorized, match="expirée"):
            verify_officer_token(token)
    finally:
        use_clock(SystemClock())


def test_a_token_of_another_pool_is_refused(pinned: MotoAws) -> None:
    from local.aws import DemoAccount, create_account, create_user_pool

    cognito = pinned.client("cognito-idp")
    other_pool, other_client = create_user_pool(cognito, "other-prefix")
    create_account(
        cognito, other_pool, DemoAccount("intrus", "Commissariat-2026!", ("officers",), "Intrus")
    )
    result = cognito.initiate_auth(
        ClientId=other_client,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "intrus", "PASSWORD": "Commissariat-2026!"},
    )
    with pytest.raises(Unauthorized):
        verify_officer_token(result["AuthenticationResult"]["IdToken"])


def test_a_token_for_another_client_is_refused(pinned: MotoAws) -> None:
    cognito = pinned.client("cognito-idp")
    other = cognito.create_user_pool_client(
        UserPoolId=pinned.user_pool_id,
        ClientName="autre-appli",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    result = cognito.initiate_auth(
        ClientId=other,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "officier1", "PASSWORD": "Commissariat-2026!"},
    )
    with pytest.raises(Unauthorized, match="autre application"):
        verify_officer_token(result["AuthenticationResult"]["IdToken"])


@pytest.mark.parametrize("garbage", ["", "abc", "a.b", "a.b.c", "Bearer ", "x" * 5000])
def test_garbage_is_refused_without_a_crash(pinned: MotoAws, garbage: str) -> None:
    with pytest.raises(Unauthorized):
        verify_officer_token(garbage)
