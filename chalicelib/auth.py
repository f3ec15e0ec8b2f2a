"""Officer JWT verification (Cognito user pool) and citizen secret tokens.

One verification guards both officer HTTP routes (through the Chalice
authorizer) and the officer WebSocket ``$connect``: RS256 signature against the
pool's JWKS, issuer, audience / client id, expiry, ``token_use``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from chalicelib.clock import now
from chalicelib.config import Settings, settings
from chalicelib.errors import Unauthorized

LEEWAY_SECONDS = 5
MAX_NAME = 120
OFFICERS_GROUP = "officers"
SUPERVISORS_GROUP = "supervisors"


@dataclass(frozen=True)
class OfficerIdentity:
    """Who a verified token speaks for: an officer or a supervisor (not the stored officer)."""

    officer_id: str
    username: str
    groups: frozenset[str] = field(default_factory=frozenset)
    name: str = ""  # Cognito's `name` attribute (id tokens only): what colleagues read

    @property
    def is_supervisor(self) -> bool:
        return SUPERVISORS_GROUP in self.groups


class TokenVerifier:
    """Verifies Cognito tokens against one user pool's JWKS (keys cached)."""

    def __init__(self, conf: Settings, jwks: dict[str, Any] | None = None) -> None:
        """``jwks`` pins the key set (tests with in-process moto); otherwise it is fetched."""
        import jwt

        self._conf = conf
        self._pinned = jwt.PyJWKSet.from_dict(jwks) if jwks else None
        self._jwks = jwt.PyJWKClient(conf.jwks_url, cache_keys=True, lifespan=3600, timeout=5)
        self._lock = threading.Lock()

    def _signing_key(self, kid: str) -> Any:
        import jwt

        if self._pinned is not None:
            for key in self._pinned.keys:
                if key.key_id == kid:
                    return key
            raise jwt.PyJWKClientError("unknown kid")
        with self._lock:
            return self._jwks.get_signing_key(kid)

    def verify(self, token: str) -> OfficerIdentity:
        """The officer a token speaks for, or Unauthorized naming the problem."""
        import jwt

        if not token or token.count(".") != 2:
            raise Unauthorized("Jeton absent ou mal formé.")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthorized("Jeton mal formé.") from error
        if header.get("alg") != "RS256":
            raise Unauthorized("Algorithme de signature refusé.")
        try:
            key = self._signing_key(str(header.get("kid", "")))
        except (jwt.PyJWKClientError, jwt.PyJWKClientConnectionError) as error:
            raise Unauthorized("Clé de signature inconnue.") from error
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                issuer=self._conf.issuer,
                # Expiry is checked below against the app's clock (tests move it).
                options={
                    "require": ["exp", "iss", "sub", "token_use"],
                    "verify_aud": False,
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError as error:
            raise Unauthorized("Jeton invalide.") from error
        if not isinstance(claims.get("exp"), int | float) or claims["exp"] + LEEWAY_SECONDS < now():
            raise Unauthorized("Session expirée. Reconnectez-vous.")
        self._check_client(claims)
        groups = frozenset(claims.get("cognito:groups") or [])
        if not groups & {OFFICERS_GROUP, SUPERVISORS_GROUP}:
            raise Unauthorized("Ce compte n'appartient à aucun groupe de policiers.")
        username = str(claims.get("cognito:username") or claims.get("username") or claims["sub"])
        name = str(claims.get("name") or "").strip()[:MAX_NAME]
        return OfficerIdentity(
            officer_id=str(claims["sub"]), username=username, groups=groups, name=name
        )

    def _check_client(self, claims: dict[str, Any]) -> None:
        expected = self._conf.user_pool_client_id
        use = claims.get("token_use")
        if use == "id":
            audience = claims.get("aud")
        elif use == "access":
            audience = claims.get("client_id")
        else:
            raise Unauthorized("Type de jeton refusé.")
        if not expected or audience != expected:
            raise Unauthorized("Jeton émis pour une autre application.")


_verifier: TokenVerifier | None = None


def verifier() -> TokenVerifier:
    """The process-wide verifier for the configured user pool."""
    global _verifier
    if _verifier is None:
        _verifier = TokenVerifier(settings())
    return _verifier


def reset_verifier(replacement: TokenVerifier | None = None) -> None:
    """Forget (or replace) the verifier: tests that change the pool."""
    global _verifier
    _verifier = replacement


def verify_officer_token(token: str) -> OfficerIdentity:
    """Verify a bearer token (``Bearer `` prefix allowed)."""
    if token.lower().startswith("bearer "):
        token = token[7:]
    return verifier().verify(token.strip())


def new_secret() -> str:
    """An unguessable token for a citizen (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """What is stored for a secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented secret with a stored hash."""
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def client_address(source_ip: str, forwarded_for: str, trusted_hops: int) -> str:
    """The address of the client behind ``trusted_hops`` trusted proxies.

    ``source_ip`` is the address that reached API Gateway (``requestContext.identity
    .sourceIp``). Each trusted proxy appends the address it received the request from to
    ``X-Forwarded-For``: behind one proxy (CloudFront) the client is the last entry (API
    Gateway may append ``source_ip`` itself, which is dropped first); entries further left
    are the client's own claims and are ignored. With no trusted proxy, the header is
    ignored altogether: anyone can write it.
    """
    source = source_ip.strip() or "unknown"
    if trusted_hops <= 0:
        return source
    forwarded = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    if forwarded and forwarded[-1] == source:
        forwarded.pop()
    return forwarded[-trusted_hops] if len(forwarded) >= trusted_hops else source
