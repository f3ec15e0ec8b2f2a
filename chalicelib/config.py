"""Every setting of the app, read from environment variables in one place.

Nothing else in the code reads ``os.environ``. Settings are read once per
process (a Lambda container) and cached; tests call :func:`reload_settings`
after changing the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

APP_VERSION = "0.1.0"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _str(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def _bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    """The app's configuration. Field names say the unit where it matters."""

    stage: str
    version: str
    region: str
    service_name: str
    # Data: every table name is ``<table_prefix>-<aggregate>``.
    table_prefix: str
    dynamodb_endpoint: str | None
    photos_bucket: str
    s3_endpoint: str | None
    sqs_endpoint: str | None
    # WebSocket management API. Empty on AWS: built from the connection's
    # domainName/stage. Set by the local platform to its own address.
    websocket_endpoint: str | None
    # Officer authentication (Cognito user pool).
    user_pool_id: str
    user_pool_client_id: str
    jwks_url: str
    # Retention and lifetimes.
    retention_days: int
    connection_ttl_seconds: int
    # Observability.
    tracing_enabled: bool
    metrics_namespace: str
    # Chat limits and timings.
    message_max_chars: int
    messages_per_minute: int
    connections_per_token: int
    officer_capacity_default: int
    citizen_grace_seconds: int
    officer_grace_seconds: int
    typing_throttle_seconds: int
    # The citizen site's public address (https://…): site paths in transcripts are written on it.
    site_url: str
    # Service hours (chalicelib/chat/hours.py parses them) and what is offered when closed.
    chat_hours: str
    chat_holiday_hours: str
    chat_closed_dates: str
    chat_holiday_region: str
    chat_async_messages: bool
    # Short codes (chalicelib/chat/codes.py): how long a conversation's code opens it after it
    # closed, and how many code lookups a client may make per window.
    resume_code_hours_after_close: int
    deferred_answer_days: int
    code_lookups_per_client_per_window: int
    code_lookup_window_seconds: int
    # The queue fan-out (docs/architecture.md: queue positions). Every change of the waiting
    # queue sends one SQS message; the fan-out reads them in batches gathered over a window.
    queue_events_queue: str
    queue_batching_window_seconds: int
    fanout_concurrency: int
    fanout_workers: int
    fanout_lease_seconds: int
    queue_settle_seconds: float
    dispatch_rounds: int
    # HTTP limits.
    page_size_max: int
    # Reports and feedback (docs/reports.md).
    report_retention_days: int
    survey_retention_days: int
    personal_data_retention_days: int
    idempotency_ttl_seconds: int
    rate_window_seconds: int
    reports_per_client_per_window: int
    attempts_per_idempotency_key: int
    feedback_per_client_per_window: int
    # Who the client is (docs/deploy.md, "Client addresses"): proxies in front of each API
    # whose X-Forwarded-For entry is trusted, and the secret CloudFront proves itself with.
    trusted_proxy_hops: int
    websocket_trusted_proxy_hops: int
    origin_secret_id: str
    client_key_secret_id: str
    secrets_endpoint: str | None
    # Chat abuse limits per source (a keyed hash of the client address), docs/protocol.md.
    chat_joins_per_source_per_window: int
    chat_waiting_per_source: int
    chat_urgent_burst_per_source: int
    chat_join_window_seconds: int
    photos_per_report: int
    photo_max_bytes: int
    photo_max_pixels: int
    photo_upload_ttl_seconds: int
    photo_view_ttl_seconds: int
    export_max_rows: int

    @property
    def queue_events_name(self) -> str:
        """Name of the SQS queue of queue events (``<table_prefix>-queue-events``)."""
        return self.queue_events_queue or f"{self.table_prefix}-queue-events"

    def table_name(self, aggregate: str) -> str:
        """Full DynamoDB table name of an aggregate (``conversations``...)."""
        return f"{self.table_prefix}-{aggregate}"

    @property
    def issuer(self) -> str:
        """The ``iss`` claim Cognito writes in the tokens of this user pool."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"


def _load() -> Settings:
    region = _str("AWS_REGION", _str("AWS_DEFAULT_REGION", "eu-west-3"))
    user_pool_id = _str("USER_POOL_ID")
    default_jwks = (
        f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}/.well-known/jwks.json"
    )
    # Every client of the local platform is 127.0.0.1 (chalice's LocalGateway): per-client
    # limits there would throttle all tests and demos as one client, and per-source chat
    # limits would stop the surge benchmarks (docs/protocol.md, "Limits"): there, the former
    # are raised to 1,000 and the latter are off (0).
    local = _str("STAGE") == "local"

    def per_client(name: str, limit: int) -> int:
        return _int(name, 1000 if local else limit)

    def per_source(name: str, limit: int) -> int:
        return _int(name, 0 if local else limit)

    return Settings(
        stage=_str("STAGE", "dev"),
        version=_str("APP_VERSION", APP_VERSION),
        region=region,
        service_name=_str("POWERTOOLS_SERVICE_NAME", "moncommissariat"),
        table_prefix=_str("TABLE_PREFIX", "moncommissariat-dev"),
        dynamodb_endpoint=_str("DYNAMODB_ENDPOINT") or None,
        photos_bucket=_str("PHOTOS_BUCKET", "moncommissariat-dev-photos"),
        s3_endpoint=_str("S3_ENDPOINT") or None,
        sqs_endpoint=_str("SQS_ENDPOINT") or None,
        websocket_endpoint=_str("WEBSOCKET_ENDPOINT") or None,
        user_pool_id=user_pool_id,
        user_pool_client_id=_str("USER_POOL_CLIENT_ID"),
        jwks_url=_str("JWKS_URL", default_jwks),
        retention_days=_int("RETENTION_DAYS", 90),
        connection_ttl_seconds=_int("CONNECTION_TTL_SECONDS", 2 * 3600 + 15 * 60),
        tracing_enabled=_bool("TRACING_ENABLED", False),
        metrics_namespace=_str("POWERTOOLS_METRICS_NAMESPACE", "MonCommissariat"),
        message_max_chars=_int("MESSAGE_MAX_CHARS", 2000),
        messages_per_minute=_int("MESSAGES_PER_MINUTE", 20),
        connections_per_token=_int("CONNECTIONS_PER_TOKEN", 3),
        officer_capacity_default=_int("OFFICER_CAPACITY_DEFAULT", 4),
        citizen_grace_seconds=_int("CITIZEN_GRACE_SECONDS", 300),
        officer_grace_seconds=_int("OFFICER_GRACE_SECONDS", 120),
        typing_throttle_seconds=_int("TYPING_THROTTLE_SECONDS", 3),
        site_url=_str("SITE_URL", ""),
        # Open 24/7 unless a stage says otherwise: the local platform and the tests need it.
        chat_hours=_str("CHAT_HOURS", "always"),
        chat_holiday_hours=_str("CHAT_HOLIDAY_HOURS", "closed"),
        chat_closed_dates=_str("CHAT_CLOSED_DATES", ""),
        chat_holiday_region=_str("CHAT_HOLIDAY_REGION", ""),
        chat_async_messages=_bool("CHAT_ASYNC_MESSAGES", False),
        resume_code_hours_after_close=_int("RESUME_CODE_HOURS_AFTER_CLOSE", 6),
        deferred_answer_days=_int("DEFERRED_ANSWER_DAYS", 7),
        code_lookups_per_client_per_window=per_client("CODE_LOOKUPS_PER_CLIENT_PER_WINDOW", 10),
        code_lookup_window_seconds=_int("CODE_LOOKUP_WINDOW_SECONDS", 900),
        queue_events_queue=_str("QUEUE_EVENTS_QUEUE"),
        queue_batching_window_seconds=_int("QUEUE_BATCHING_WINDOW_SECONDS", 2),
        fanout_concurrency=_int("FANOUT_CONCURRENCY", 2),
        fanout_workers=_int("FANOUT_WORKERS", 16),
        fanout_lease_seconds=_int("FANOUT_LEASE_SECONDS", 30),
        queue_settle_seconds=float(_str("QUEUE_SETTLE_SECONDS", "1")),
        dispatch_rounds=_int("DISPATCH_ROUNDS", 3),
        page_size_max=_int("PAGE_SIZE_MAX", 100),
        report_retention_days=_int("REPORT_RETENTION_DAYS", 365),
        survey_retention_days=_int("SURVEY_RETENTION_DAYS", 365),
        personal_data_retention_days=_int("PERSONAL_DATA_RETENTION_DAYS", 90),
        idempotency_ttl_seconds=_int("IDEMPOTENCY_TTL_SECONDS", 3600),
        rate_window_seconds=_int("RATE_WINDOW_SECONDS", 3600),
        reports_per_client_per_window=per_client("REPORTS_PER_CLIENT_PER_WINDOW", 10),
        attempts_per_idempotency_key=_int("ATTEMPTS_PER_IDEMPOTENCY_KEY", 20),
        feedback_per_client_per_window=per_client("FEEDBACK_PER_CLIENT_PER_WINDOW", 20),
        trusted_proxy_hops=_int("TRUSTED_PROXY_HOPS", 0),
        websocket_trusted_proxy_hops=_int("WEBSOCKET_TRUSTED_PROXY_HOPS", 0),
        origin_secret_id=_str("ORIGIN_SECRET_ID"),
        client_key_secret_id=_str("CLIENT_KEY_SECRET_ID"),
        secrets_endpoint=_str("SECRETS_ENDPOINT") or None,
        chat_joins_per_source_per_window=per_source("CHAT_JOINS_PER_SOURCE_PER_WINDOW", 6),
        chat_waiting_per_source=per_source("CHAT_WAITING_PER_SOURCE", 3),
        chat_urgent_burst_per_source=per_source("CHAT_URGENT_BURST_PER_SOURCE", 3),
        chat_join_window_seconds=_int("CHAT_JOIN_WINDOW_SECONDS", 3600),
        photos_per_report=_int("PHOTOS_PER_REPORT", 3),
        photo_max_bytes=_int("PHOTO_MAX_BYTES", 5 * 1024 * 1024),
        photo_max_pixels=_int("PHOTO_MAX_PIXELS", 40_000_000),
        photo_upload_ttl_seconds=_int("PHOTO_UPLOAD_TTL_SECONDS", 600),
        photo_view_ttl_seconds=_int("PHOTO_VIEW_TTL_SECONDS", 300),
        export_max_rows=_int("EXPORT_MAX_ROWS", 2000),
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process, read from the environment on first use."""
    return _load()


def reload_settings() -> Settings:
    """Forget the cached settings and read the environment again (tests, local platform)."""
    settings.cache_clear()
    return settings()
