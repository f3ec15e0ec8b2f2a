"""A real WebSocket client for e2e tests: a reader thread keeps every frame received."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

Frame = dict[str, Any]


class WsClient:
    def __init__(self, url: str, name: str = "", source: str | None = None) -> None:
        """``source``: the local address to connect from (any of 127.0.0.0/8), so that the
        platform sees sockets from different clients."""
        self.name = name
        self.url = url
        self.source = source
        self.frames: list[Frame] = []
        self._lock = threading.Lock()
        self._open(url)

    def _open(self, url: str) -> None:
        extra = {"source_address": (self.source, 0)} if self.source else {}
        self.connection: ClientConnection = connect(url, open_timeout=15, **extra)
        self.closed = False
        self._reader = threading.Thread(target=self._read, args=(self.connection,), daemon=True)
        self._reader.start()

    def _read(self, connection: ClientConnection) -> None:
        try:
            for raw in connection:
                frame = json.loads(raw)
                with self._lock:
                    self.frames.append(frame)
        except (ConnectionClosed, OSError):
            pass
        self.closed = True

    def send(self, frame: Frame) -> None:
        self.connection.send(json.dumps(frame))

    def request(self, frame: Frame, kind: str | tuple[str, ...], timeout: float = 15) -> Frame:
        """Send a frame with a ref and wait for the answer of that kind (or an error)."""
        ref = f"r{time.monotonic_ns()}"
        self.send({**frame, "ref": ref})
        kinds = (kind,) if isinstance(kind, str) else kind
        return self.wait_for(
            lambda f: f.get("ref") == ref and f["type"] in (*kinds, "error"), timeout
        )

    def wait_for(self, predicate: Callable[[Frame], bool], timeout: float = 15) -> Frame:
        deadline = time.time() + timeout
        seen = 0
        while time.time() < deadline:
            with self._lock:
                frames = list(self.frames)
            for frame in frames[seen:]:
                if predicate(frame):
                    return frame
            seen = 0  # frames may be consumed in any order: scan all again
            time.sleep(0.02)
        raise AssertionError(f"{self.name}: no matching frame in {timeout}s; got {self.frames}")

    def all(self, kind: str | None = None) -> list[Frame]:
        with self._lock:
            return [f for f in self.frames if kind is None or f.get("type") == kind]

    def messages(self) -> list[Frame]:
        """Every message received (pushed or in history), in arrival order."""
        out: list[Frame] = []
        for frame in self.all():
            if frame["type"] == "message":
                out.append(frame)
            elif frame["type"] == "history":
                out.extend(frame["messages"])
        return out

    def drop(self) -> None:
        """Vanish without a close frame (the network went away)."""
        self.connection.socket.shutdown(socket.SHUT_RDWR)
        self.connection.socket.close()
        self._reader.join(timeout=5)

    def reconnect(self) -> None:
        self._open(self.url)

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception:  # noqa: S110 - closing a dead socket
            pass
