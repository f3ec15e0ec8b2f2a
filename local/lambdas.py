"""The app's WebSocket Lambdas, run in processes of their own, as Lambda runs them apart from
API Gateway.

API Gateway hands each WebSocket frame to a Lambda invocation running elsewhere; the local
gateway (local/gateway.py) did it in threads of its own process, so every handler's work —
Python, mostly botocore building and reading AWS calls — took turns on one interpreter with
the event loop that reads and writes every socket and answers every push. Under a surge the
loop and the handlers slowed each other down: an officer's ``send`` waited on the closes and
joins of others. Here ``python -m local.lambdas`` imports the app, prints the address it
listens on, and runs each invocation it receives in a thread of its own (an invocation per
execution environment, many environments), until the platform that started it stops. The
platform starts ``LAMBDA_PROCESSES`` of them and hands each invocation to the one with the
fewest running.

The surge bench starts its platform with 2 (this machine's cores). ``make run`` and the
tests run the handlers in the gateway's process (0, the default) for now (docs/local.md).

The wire between them is the platform's own, not Lambda's Invoke API: a 4-byte length then
a JSON document each way — ``{"function", "event"}`` in, ``{"result"}`` or ``{"error"}``
out. The event and the result are JSON on AWS too.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import signal
import socket
import socketserver
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, ClassVar

from local import quick_thread_switches
from local.child import Child

LENGTH = struct.Struct("!I")
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024  # far above API Gateway's 128 KB messages
CONNECTIONS_PER_PROCESS = 16  # invocations one process runs at once (as the gateway's pool)
DEFAULT_PROCESSES = 0  # see the module's docstring: the surge bench starts 2


class InvocationFailed(Exception):
    """The handler raised: the message is what the Lambda's process logged."""


def _read_exactly(stream: Any, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class _Invocations(socketserver.StreamRequestHandler):
    """One connection from the gateway: invocations, one after the other."""

    functions: ClassVar[dict[str, Any]] = {}

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        from chalice.local import LambdaContext

        while True:
            head = _read_exactly(self.rfile, LENGTH.size)
            if head is None:
                return
            (size,) = LENGTH.unpack(head)
            body = _read_exactly(self.rfile, size) if size <= MAX_DOCUMENT_BYTES else None
            if body is None:
                return
            request = json.loads(body)
            name = request["function"]
            try:
                context = LambdaContext(function_name=name, memory_size=512, max_runtime_ms=29_000)
                answer = {"result": self.functions[name](request["event"], context)}
            except Exception as error:  # the invocation failed, not the process
                logging.getLogger(__name__).exception("Lambda %s failed", name)
                answer = {"error": f"{type(error).__name__}: {error}"}
            data = json.dumps(answer, separators=(",", ":")).encode()
            self.wfile.write(LENGTH.pack(len(data)) + data)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class LambdaProcess(Child):
    """One process running the app's Lambdas; ``address`` is where it listens."""

    address: tuple[str, int]

    def __init__(self) -> None:
        super().__init__(
            [sys.executable, "-m", "local.lambdas"],
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            text=True,
        )

    def wait_ready(self) -> None:
        """Wait for the app to be imported and the address printed."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening "):
            self.stop()
            raise RuntimeError(f"the Lambdas' process did not start: {line!r}")
        host, _, port = line.removeprefix("listening ").rpartition(":")
        self.address = (host, int(port))
        self.process.stdout.close()


class LambdaPool:
    """The gateway's side: invocations handed to the processes, over kept connections."""

    def __init__(self, processes: list[LambdaProcess]) -> None:
        self.processes = processes
        self._idle: list[list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = [
            [] for _ in processes
        ]
        self._running = [0 for _ in processes]
        self._slots: list[asyncio.Semaphore] | None = None
        self._order = itertools.count()

    async def invoke(self, function: str, event: dict[str, Any]) -> Any:
        """Run ``function`` with ``event`` in the process with the fewest invocations running
        (ties in turn); returns what the handler returned, raises InvocationFailed."""
        if self._slots is None:  # made on the event loop that uses them
            self._slots = [asyncio.Semaphore(CONNECTIONS_PER_PROCESS) for _ in self.processes]
        turn = next(self._order)
        index = min(
            range(len(self.processes)),
            key=lambda n: (self._running[n], (n - turn) % len(self.processes)),
        )
        self._running[index] += 1
        try:
            async with self._slots[index]:
                return await self._call(index, function, event)
        finally:
            self._running[index] -= 1

    async def _call(self, index: int, function: str, event: dict[str, Any]) -> Any:
        idle = self._idle[index]
        if idle:
            reader, writer = idle.pop()
        else:
            reader, writer = await asyncio.open_connection(*self.processes[index].address)
            writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            data = json.dumps({"function": function, "event": event}).encode()
            writer.write(LENGTH.pack(len(data)) + data)
            (size,) = LENGTH.unpack(await reader.readexactly(LENGTH.size))
            answer = json.loads(await reader.readexactly(size))
        except BaseException:
            writer.close()  # a half-read answer: this connection is not reused
            raise
        idle.append((reader, writer))
        if "error" in answer:
            raise InvocationFailed(answer["error"])
        return answer["result"]

    def close(self) -> None:
        """Stop the processes (their connections end with them, whether or not the event
        loop that opened them still runs)."""
        for idle in self._idle:
            idle.clear()
        for process in self.processes:
            process.stop()


def start_lambdas(count: int | None = None) -> LambdaPool | None:
    """Start ``count`` processes (``LAMBDA_PROCESSES``, default 0: the handlers run in the
    gateway's process) with the platform's environment; they die with the platform."""
    count = int(os.environ.get("LAMBDA_PROCESSES", DEFAULT_PROCESSES)) if count is None else count
    if count <= 0:
        return None
    processes = [LambdaProcess() for _ in range(count)]  # they import the app at once
    try:
        for process in processes:
            process.wait_ready()
    except BaseException:
        for process in processes:
            process.stop()
        raise
    return LambdaPool(processes)


def main() -> int:
    """Import the app, listen, run invocations until SIGTERM."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import app as chalice_module
    from chalicelib.models.base import open_connections

    quick_thread_switches()
    open_connections()  # the invocations' threads share the clients made here
    _Invocations.functions = dict(chalice_module.app.handler_map)
    server = _Server(("127.0.0.1", 0), _Invocations)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    # Ctrl-C reaches the whole process group: the platform stops its Lambdas itself (SIGTERM),
    # after the sockets are closed and their $disconnect invoked.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    print(f"listening 127.0.0.1:{server.server_address[1]}", flush=True)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nobody reads stdout any more
    server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
