"""The local platform's WebSocket Lambdas run apart from its gateway (local/lambdas.py): an
invocation reaches a process's handler with its event and a Lambda context, and comes back
with what the handler returned — or as a failed invocation naming the error; each goes to
the process with the fewest invocations running, over connections kept open.

The processes' servers run here in threads, with plain functions for handlers (the platform's
own processes import the app: the e2e tests go through them)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from local.lambdas import InvocationFailed, LambdaPool, _Invocations, _Server


@dataclass
class ServerInThread:
    """What LambdaPool needs of a Lambdas' process: where it listens, how to stop it."""

    server: _Server
    address: tuple[str, int]
    connections: list[int]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _serve(functions: dict[str, Any]) -> ServerInThread:
    connections: list[int] = []

    class Handler(_Invocations):
        def setup(self) -> None:
            connections.append(1)
            super().setup()

    Handler.functions = functions
    server = _Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return ServerInThread(server, ("127.0.0.1", server.server_address[1]), connections)


def _run(calls: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """``asyncio.run`` in a thread of its own, as the gateway's event loop runs: a browser
    test before this one in the same worker may have left a loop running in this thread."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(lambda: asyncio.run(calls())).result()


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def test_an_invocation_runs_the_handler_with_its_event_and_a_lambda_context() -> None:
    seen: list[Any] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append((event, context.function_name))
        return {"statusCode": 200, "body": event["body"].upper()}

    process = _serve({"websocket_message": handler})
    pool = LambdaPool([process])  # type: ignore[list-item]
    try:

        async def calls() -> list[Any]:
            return [
                await pool.invoke("websocket_message", {"body": f"trame {n}"}) for n in range(3)
            ]

        answers = _run(calls)
    finally:
        pool.close()
    assert answers == [{"statusCode": 200, "body": f"TRAME {n}"} for n in range(3)]
    assert seen == [({"body": f"trame {n}"}, "websocket_message") for n in range(3)]
    assert len(process.connections) == 1  # one connection kept for the three


def test_a_handler_that_raises_is_a_failed_invocation_naming_the_error() -> None:
    def handler(event: dict[str, Any], context: Any) -> str:
        if event.get("boom"):
            raise ValueError("trame illisible")
        return "ok"

    pool = LambdaPool([_serve({"websocket_message": handler})])  # type: ignore[list-item]
    try:

        async def calls() -> str:
            with pytest.raises(InvocationFailed, match="ValueError: trame illisible"):
                await pool.invoke("websocket_message", {"boom": True})
            return str(await pool.invoke("websocket_message", {}))  # the process goes on

        assert _run(calls) == "ok"
    finally:
        pool.close()


def test_an_invocation_goes_to_the_process_with_the_fewest_running(
    release: threading.Event,
) -> None:
    ran: list[str] = []

    def functions(name: str) -> dict[str, Any]:
        def handler(event: dict[str, Any], context: Any) -> str:
            ran.append(name)
            if event.get("slow"):
                release.wait(10)
            return name

        return {"f": handler}

    first, second = _serve(functions("first")), _serve(functions("second"))
    pool = LambdaPool([first, second])  # type: ignore[list-item]
    try:

        async def calls() -> list[str]:
            slow = asyncio.create_task(pool.invoke("f", {"slow": True}))
            while not ran:  # the slow one runs in one of the two
                await asyncio.sleep(0.01)
            quick = [await pool.invoke("f", {}) for _ in range(3)]
            release.set()
            return [await slow, *quick]

        busy, *quick = _run(calls)
    finally:
        pool.close()
    other = "second" if busy == "first" else "first"
    assert quick == [other] * 3
