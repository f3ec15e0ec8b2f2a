"""The stage's secret keys, read from AWS Secrets Manager once per cold start.

Two secrets, created by ``infra/template.yaml`` and named in the settings (docs/deploy.md):

- the **client key** (``CLIENT_KEY_SECRET_ID``): the HMAC key of every value derived from a
  client address (rate-limit counters, a chat socket's source). An address is never stored,
  and without the key a stored digest cannot be tied back to one (there are only 2³² IPv4
  addresses: a plain hash would be reversed by trying them all);
- the **origin secret** (``ORIGIN_SECRET_ID``): the value CloudFront sends in the
  ``X-Origin-Verify`` header to the REST API. A request that carries it came through
  CloudFront, so its ``X-Forwarded-For`` can be trusted; one that does not was sent to the
  execute-api endpoint directly.

Rotation (docs/deploy.md): a new value is put with ``put-secret-value``. The origin secret's
current and previous values are both accepted, and a value that matches neither makes this
process read the secret again (at most once a minute), so CloudFront can switch at its own
pace. The client key is read once: a process started before a rotation keeps the old key
until Lambda recycles it, and rate-limit windows simply start afresh under the new one.

Locally and in tests the secrets live in moto (``local/aws.py``, ``tests/conftest.py``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import threading
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.clock import now
from chalicelib.config import Settings, settings

REFRESH_AFTER_SECONDS = 60.0


class MissingSecret(RuntimeError):
    """A secret the stage needs is not configured or cannot be read: a deployment bug."""


@dataclass
class _Cache:
    conf: Settings | None = None
    client_key: bytes | None = None
    origin: tuple[str, ...] = ()
    origin_read_at: float = 0.0


_cache = _Cache()
_lock = threading.Lock()


@functools.lru_cache(maxsize=4)
def _client(conf: Settings) -> Any:
    """One Secrets Manager client per settings (a client costs milliseconds to make)."""
    return boto3.client(
        "secretsmanager", region_name=conf.region, endpoint_url=conf.secrets_endpoint
    )


def _read(conf: Settings, secret_id: str, stage: str) -> str | None:
    """The value of one version stage of a secret (None when that stage has no version)."""
    try:
        answer = _client(conf).get_secret_value(SecretId=secret_id, VersionStage=stage)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None
        raise
    value = answer.get("SecretString")
    return str(value) if value else None


def _current(conf: Settings) -> _Cache:
    """The cache for the settings in effect (tests and the local platform change them)."""
    global _cache
    if _cache.conf is not conf:
        _cache = _Cache(conf=conf)
    return _cache


def client_key() -> bytes:
    """The HMAC key of values derived from client addresses (read once per process)."""
    conf = settings()
    with _lock:
        cache = _current(conf)
        if cache.client_key is None:
            if not conf.client_key_secret_id:
                raise MissingSecret("CLIENT_KEY_SECRET_ID is not set")
            try:
                value = _read(conf, conf.client_key_secret_id, "AWSCURRENT")
            except (ClientError, BotoCoreError) as error:
                raise MissingSecret(f"cannot read {conf.client_key_secret_id}") from error
            if not value:
                raise MissingSecret(f"{conf.client_key_secret_id} has no current value")
            cache.client_key = value.encode("utf-8")
        return cache.client_key


def client_digest(purpose: str, value: str) -> str:
    """A keyed digest of a client-derived value (an address), for ``purpose``: 32 hex
    characters of HMAC-SHA256. The same value gives the same digest under one key."""
    message = f"{purpose}:{value}".encode("utf-8", "surrogatepass")
    return hmac.new(client_key(), message, hashlib.sha256).hexdigest()[:32]


def origin_required() -> bool:
    """True when the stage's REST API must be reached through CloudFront."""
    return bool(settings().origin_secret_id)


def _origin_values(conf: Settings, refresh: bool) -> tuple[str, ...]:
    with _lock:
        cache = _current(conf)
        stale = now() - cache.origin_read_at >= REFRESH_AFTER_SECONDS
        if cache.origin and not (refresh and stale):
            return cache.origin
        try:
            values = tuple(
                value
                for value in (
                    _read(conf, conf.origin_secret_id, "AWSCURRENT"),
                    _read(conf, conf.origin_secret_id, "AWSPREVIOUS"),
                )
                if value
            )
        except (ClientError, BotoCoreError) as error:
            raise MissingSecret(f"cannot read {conf.origin_secret_id}") from error
        if not values:
            raise MissingSecret(f"{conf.origin_secret_id} has no current value")
        cache.origin, cache.origin_read_at = values, now()
        return values


def _matches(presented: bytes, values: tuple[str, ...]) -> bool:
    return any(hmac.compare_digest(presented, value.encode("utf-8")) for value in values)


def origin_verified(presented: str) -> bool:
    """True when ``presented`` (the request's ``X-Origin-Verify``) is the origin secret's
    current or previous value. Compared in constant time."""
    conf = settings()
    if not conf.origin_secret_id or not presented:
        return False
    raw = presented.encode("utf-8", "surrogatepass")
    if _matches(raw, _origin_values(conf, refresh=False)):
        return True
    # A rotation this process has not seen yet: read again (at most once a minute).
    return _matches(raw, _origin_values(conf, refresh=True))
