"""The local platform behind `make run` and the e2e tests. Not deployed."""

from __future__ import annotations

import sys

# How long a thread that wakes up (a socket ready, an answer from moto) may wait for a thread
# that computes before CPython hands it the interpreter: 5 ms by default. The gateway's event
# loop wakes the most often; moto's and the fan-out's threads hold per-table locks or post in
# a pool, where switching too often costs more than it saves (measured with the surge bench).
GATEWAY_SWITCH_SECONDS = 0.0005
SWITCH_INTERVAL_SECONDS = 0.001


def quick_thread_switches(interval: float = SWITCH_INTERVAL_SECONDS) -> None:
    """Hand the interpreter over sooner, in one of the platform's processes (docs/local.md).

    Each process runs many threads (the gateway's event loop and 16 Lambda handlers; moto's
    request threads; the fan-out's posting pool), of which one runs Python at a time. With
    CPython's default 5 ms, the event loop — woken by every frame and every push — waited up
    to 5 ms at each wake-up while a handler computed, so every push and every frame took
    longer as the handlers got busier: under the surge an officer's ``send`` was answered in
    70 ms at the close wave against 30 ms before it, with neither core saturated. In
    production API Gateway, each Lambda and DynamoDB run on machines of their own.
    """
    sys.setswitchinterval(interval)
