"""The one Logger, Metrics and Tracer of the app.

The Tracer loads the X-Ray SDK (about 300 ms of cold start), so it is only
created when tracing is enabled in the settings; otherwise :func:`tracer`
returns ``None`` and :func:`capture` is a no-op decorator.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from chalicelib.config import settings

F = TypeVar("F", bound=Callable[..., Any])

logger = Logger(service=settings().service_name)
metrics = Metrics(namespace=settings().metrics_namespace, service=settings().service_name)

_tracer: Any = None


def tracer() -> Any:
    """The powertools Tracer, or None when tracing is disabled."""
    global _tracer
    if _tracer is None and settings().tracing_enabled:
        from aws_lambda_powertools import Tracer

        _tracer = Tracer(service=settings().service_name)
    return _tracer


def capture(func: F) -> F:
    """Trace ``func`` as an X-Ray subsegment when tracing is enabled."""
    if not settings().tracing_enabled:
        return func
    active = tracer()
    return active.capture_method(func)  # type: ignore[no-any-return]


def count(name: str, value: float = 1) -> None:
    """Add to an EMF count metric, flushed at the end of the invocation."""
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def flush_metrics() -> None:
    """Write the metrics gathered during this invocation (EMF on stdout)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "no metrics" is normal here
            metrics.flush_metrics(raise_on_empty_metrics=False)
    except Exception:  # pragma: no cover - metrics must never break a request
        logger.exception("metrics flush failed")
