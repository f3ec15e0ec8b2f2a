"""Child processes of the local platform (moto, the SQS event sources): started so that they
die with the process that started them, stopped politely then firmly."""

from __future__ import annotations

import ctypes
import signal
import subprocess
from typing import Any

_LIBC = ctypes.CDLL("libc.so.6", use_errno=True)
PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In the child, between fork and exec: SIGTERM when the process that started it dies,
    so that a killed platform leaves nothing behind. A plain C call: nothing to lock."""
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def stop(process: subprocess.Popen[Any], timeout: float) -> None:
    """SIGTERM, then SIGKILL if it is still there after ``timeout`` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Child:
    """A child process that dies with this one; ``stop()`` ends it."""

    stop_timeout = 10.0

    def __init__(self, command: list[str], **popen: Any) -> None:
        self.process = subprocess.Popen(command, preexec_fn=die_with_parent, **popen)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        stop(self.process, self.stop_timeout)
