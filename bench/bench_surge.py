"""A surge on the local platform, with real WebSocket clients (docs/scale.md).

34 officers online at capacity 3; 300 citizens join within 60 s (``BENCH_SURGE_CITIZENS=1000``
for the lockdown-day burst: 1,000 within 46 s, figures under ``surge1000.``). Each officer
answers each conversation it is given with three messages over about 45 s and closes it; each
citizen answers the officer's first message; a few citizens drop their connection and resume,
a few cancel while waiting. Everyone pings every 25 s, as the site and the console do.

Figures (``surge.`` or ``surge1000.``):
- ``join_first_frame_p95_ms``: ``join`` → the first frame (``joined``); ``joined_not_first``
  counts sockets whose first frame for their conversation was another one;
- ``officer_ack_p95_ms``: an officer's ``send`` → ``ack`` and ``close`` → ``ok``;
- ``ack_ratio_high_vs_low``: officer ``send`` → ``ack`` p50 with many waiting ÷ p50 with
  fewer than 20 waiting. "Many" is 200 or more; with 300 citizens and 102 slots at most 198
  can wait, so there it is the top fifth of the waiting counts reached
  (``ack_ratio_high_threshold`` says which);
- ``lost`` (citizens never closed nor cancelled), ``double_assignments``,
  ``capacity_overruns``, ``position_regressions`` (an applied ``queue`` frame whose position
  is higher than the one before: nobody urgent joins here);
- ``eta_error_median_pct``: |estimated wait announced in a citizen's first ``queue`` frame −
  the wait that followed| ÷ that wait;
- ``local_rss_mb``: the platform's peak resident memory (VmHWM);
- ``idle_slot_seconds_max``: the longest time an officer had a free slot (no conversation both
  sides know of) while someone waited;
- ``cpu_seconds.<process>``: the CPU time each kind of process used during the run (the
  gateway ``local``, the WebSocket Lambdas ``local.lambdas``, moto, the fan-out
  ``local.events``, and the bench's own clients): where the two cores went.
  ``BENCH_SURGE_DUMP=<file>`` also writes them second by second, with every sample and
  change of the waiting count.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OFFICERS = 34
CAPACITY = 3
OFFICER_MESSAGES_AT = (2.0, 15.0, 30.0)  # seconds after an assignment
CLOSE_AT = 45.0
PING_SECONDS = 25.0
DROP_SHARE = 0.03
CANCEL_SHARE = 0.02
TOPICS = ("vol", "escroquerie", "demarches", "stupefiants", "autre")
PASSWORD = "Commissariat-2026!"  # noqa: S105 - accounts of the local platform only


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Clock:
    start: float = field(default_factory=time.monotonic)

    def now(self) -> float:
        return time.monotonic() - self.start


@dataclass
class Timeline:
    """Everything the clients saw, with the bench's own clock."""

    clock: Clock
    waiting: int = 0
    peak_waiting: int = 0
    join_first_frame: list[float] = field(default_factory=list)
    joined_not_first: int = 0
    officer_send_ack: list[tuple[float, int]] = field(default_factory=list)  # (ms, waiting)
    officer_close_ok: list[float] = field(default_factory=list)
    samples: list[tuple[float, str, float]] = field(default_factory=list)  # (at, what, ms)
    regressions: int = 0
    stale_queue_frames: int = 0
    eta_errors: list[float] = field(default_factory=list)
    # (time, +1/-1) changes of the number of citizens waiting
    waiting_changes: list[tuple[float, int]] = field(default_factory=list)
    # officer -> [(time, +1/-1)] of conversations both sides know of
    held_changes: dict[str, list[tuple[float, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    assigned_to: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    overruns: int = 0
    finished: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    def waiting_delta(self, delta: int) -> None:
        self.waiting += delta
        self.peak_waiting = max(self.peak_waiting, self.waiting)
        self.waiting_changes.append((self.clock.now(), delta))


@dataclass
class Conversation:
    """One conversation as both sides of the bench know it."""

    cid: str
    officer: str | None = None
    officer_knows: float | None = None
    citizen_knows: float | None = None
    counted: bool = False


class Surge:
    def __init__(self, platform: Any, citizens: int, join_seconds: float) -> None:
        self.platform = platform
        self.citizens = citizens
        self.join_seconds = join_seconds
        self.clock = Clock()
        self.timeline = Timeline(self.clock)
        self.conversations: dict[str, Conversation] = {}
        self.random = random.Random(11)
        self.done = asyncio.Event()

    # -- both sides know of an assignment ------------------------------------------------

    def _conversation(self, cid: str) -> Conversation:
        if cid not in self.conversations:
            self.conversations[cid] = Conversation(cid)
        return self.conversations[cid]

    def _maybe_known(self, conversation: Conversation) -> None:
        if conversation.counted or conversation.officer is None:
            return
        if conversation.officer_knows is None or conversation.citizen_knows is None:
            return
        conversation.counted = True
        at = max(conversation.officer_knows, conversation.citizen_knows)
        self.timeline.held_changes[conversation.officer].append((at, +1))

    # -- officers --------------------------------------------------------------------------

    async def officer(self, name: str, token: str, ready: asyncio.Event) -> None:
        from websockets.asyncio.client import connect

        url = f"{self.platform.ws_url}?role=officer&token={token}"
        pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        held: set[str] = set()
        # Closes sent and not answered yet: the server may give the slot to another
        # conversation as soon as the close is stored, and that conversation_assigned can
        # reach the console before the close's own frames (two Lambdas push at once).
        closing: set[str] = set()
        tasks: set[asyncio.Task[None]] = set()
        refs = iter(range(10**9))
        # Browsers send no WebSocket pings (the site and the console send `ping` frames).
        async with connect(url, open_timeout=60, max_size=None, ping_interval=None) as socket:

            async def request(frame: dict[str, Any]) -> tuple[dict[str, Any], float]:
                ref = f"{name}-{next(refs)}"
                future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
                pending[ref] = future
                started = time.monotonic()
                await socket.send(json.dumps({**frame, "ref": ref}))
                try:
                    answer = await asyncio.wait_for(future, 120)
                finally:
                    pending.pop(ref, None)
                return answer, (time.monotonic() - started) * 1000

            async def handle(cid: str) -> None:
                try:
                    await answer_and_close(cid)
                except Exception as error:  # the run goes on: counted in client_errors
                    self.timeline.errors.append(f"{name} {cid}: {error!r}")

            async def answer_and_close(cid: str) -> None:
                began = time.monotonic()
                for n, at in enumerate(OFFICER_MESSAGES_AT):
                    await asyncio.sleep(max(0.0, at * self._jitter() - (time.monotonic() - began)))
                    waiting = self.timeline.waiting
                    answer, ms = await request(
                        {
                            "type": "send",
                            "conversation_id": cid,
                            "client_id": f"o{n}",
                            "text": f"Réponse {n + 1} du policier.",
                        }
                    )
                    if answer["type"] != "ack":
                        self.timeline.errors.append(f"{name} send: {answer}")
                    self.timeline.officer_send_ack.append((ms, waiting))
                    self.timeline.samples.append((self.clock.now(), "send", ms))
                await asyncio.sleep(
                    max(0.0, CLOSE_AT * self._jitter() - (time.monotonic() - began))
                )
                closing.add(cid)
                answer, ms = await request(
                    {"type": "close", "conversation_id": cid, "outcome": "information", "links": []}
                )
                self.timeline.officer_close_ok.append(ms)
                self.timeline.samples.append((self.clock.now(), "close", ms))
                if answer["type"] != "ok":
                    self.timeline.errors.append(f"{name} close: {answer}")
                held.discard(cid)
                if self._conversation(cid).counted:
                    self.timeline.held_changes[name].append((self.clock.now(), -1))

            async def read() -> None:
                async for raw in socket:
                    frame = json.loads(raw)
                    ref = frame.get("ref")
                    if frame["type"] in ("conversation_closed", "conversation_removed") or (
                        frame["type"] == "ok" and frame.get("action") == "close"
                    ):
                        # The slot is free from here: a conversation assigned in the frames
                        # that follow, before the close's own task runs, is no overrun.
                        held.discard(str(frame.get("conversation_id")))
                        closing.discard(str(frame.get("conversation_id")))
                    if ref in pending:
                        pending.pop(ref).set_result(frame)
                        continue
                    if frame["type"] == "conversation_assigned":
                        cid = frame["conversation"]["conversation_id"]
                        conversation = self._conversation(cid)
                        self.timeline.assigned_to[cid].add(name)
                        conversation.officer = name
                        conversation.officer_knows = self.clock.now()
                        self._maybe_known(conversation)
                        held.add(cid)
                        if len(held - closing) > CAPACITY:
                            self.timeline.overruns += 1
                        task = asyncio.create_task(handle(cid))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)

            reader = asyncio.create_task(read())
            await request({"type": "hello"})
            await request({"type": "presence", "status": "online", "capacity": CAPACITY})
            ready.set()
            while not self.done.is_set():
                try:
                    await asyncio.wait_for(self.done.wait(), PING_SECONDS * self._jitter())
                except TimeoutError:
                    await request({"type": "ping"})
            for task in list(tasks):
                task.cancel()
            reader.cancel()

    # -- citizens ---------------------------------------------------------------------------

    def _jitter(self) -> float:
        return self.random.uniform(0.8, 1.2)

    async def citizen(self, n: int) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        drops = self.random.random() < DROP_SHARE
        cancels = not drops and self.random.random() < CANCEL_SHARE
        state: dict[str, Any] = {
            "cid": None,
            "token": None,
            "version": 0,
            "position": None,
            "first_eta": None,
            "first_queue_at": None,
            "waiting": False,
            "last_seq": 0,
            "replied": False,
        }
        timeline = self.timeline

        def stop_waiting() -> None:
            if state["waiting"]:
                state["waiting"] = False
                timeline.waiting_delta(-1)

        def on_frame(frame: dict[str, Any], first: bool) -> str | None:
            kind = frame["type"]
            if first and kind not in ("joined", "resumed", "pong"):
                timeline.joined_not_first += 1
            if kind == "joined":
                state["cid"], state["token"] = frame["conversation_id"], frame["token"]
                if frame["status"] == "waiting":
                    state["waiting"] = True
                    timeline.waiting_delta(+1)
            elif kind in ("message",):
                state["last_seq"] = max(state["last_seq"], int(frame["seq"]))
                if frame["sender"] == "officer" and not state["replied"]:
                    state["replied"] = True
                    return "reply"
            elif kind == "history":
                for message in frame["messages"]:
                    state["last_seq"] = max(state["last_seq"], int(message["seq"]))
            elif kind == "queue":
                if frame["version"] <= state["version"]:
                    timeline.stale_queue_frames += 1
                    return None
                state["version"] = frame["version"]
                if not state["waiting"]:
                    return None
                if state["position"] is not None and frame["position"] > state["position"]:
                    timeline.regressions += 1
                state["position"] = frame["position"]
                if state["first_eta"] is None:
                    state["first_eta"] = frame["estimated_wait_seconds"]
                    state["first_queue_at"] = self.clock.now()
            elif kind in ("assigned", "resumed") and (
                kind == "assigned" or frame.get("status") == "active"
            ):
                if state["waiting"] and state["first_queue_at"] is not None:
                    actual = self.clock.now() - state["first_queue_at"]
                    if actual >= 1:
                        timeline.eta_errors.append(abs(state["first_eta"] - actual) / actual * 100)
                stop_waiting()
                conversation = self._conversation(frame["conversation_id"])
                if conversation.citizen_knows is None:
                    conversation.citizen_knows = self.clock.now()
                    self._maybe_known(conversation)
            elif kind == "closed":
                stop_waiting()
                return "closed"
            elif kind == "error":
                timeline.errors.append(f"citizen {n}: {frame}")
            return None

        async def session(first_request: dict[str, Any]) -> str:
            async with connect(
                self.platform.ws_url, open_timeout=60, max_size=None, ping_interval=None
            ) as socket:
                sent = time.monotonic()
                await socket.send(json.dumps(first_request))
                first = True
                drop_after = (
                    self.random.uniform(3, 20)
                    if drops and first_request["type"] == "join"
                    else None
                )
                drop_at: float | None = None
                cancel_at = self.clock.now() + 10 if cancels else None
                next_ping = self.clock.now() + PING_SECONDS * self._jitter()
                while True:
                    timeout = next_ping - self.clock.now()
                    if drop_at is not None:
                        timeout = min(timeout, drop_at - self.clock.now())
                    if cancel_at is not None:
                        timeout = min(timeout, cancel_at - self.clock.now())
                    try:
                        raw = await asyncio.wait_for(socket.recv(), max(0.01, timeout))
                    except TimeoutError:
                        now = self.clock.now()
                        if drop_at is not None and now >= drop_at:
                            socket.transport.abort()
                            return "dropped"
                        if cancel_at is not None and now >= cancel_at:
                            cancel_at = None
                            if state["waiting"]:
                                await socket.send(json.dumps({"type": "end"}))
                        if now >= next_ping:
                            next_ping = now + PING_SECONDS * self._jitter()
                            await socket.send(json.dumps({"type": "ping"}))
                        continue
                    frame = json.loads(raw)
                    if first and first_request["type"] == "join":
                        ms = (time.monotonic() - sent) * 1000
                        timeline.join_first_frame.append(ms)
                        timeline.samples.append((self.clock.now(), "join", ms))
                    if frame["type"] == "joined" and drop_after is not None:
                        drop_at = self.clock.now() + drop_after  # a drop needs a conversation
                    outcome = on_frame(frame, first)
                    first = first and frame["type"] == "pong"
                    if outcome == "reply":
                        await socket.send(
                            json.dumps(
                                {"type": "send", "client_id": "c1", "text": "Merci, je comprends."}
                            )
                        )
                    elif outcome == "closed":
                        return "closed"

        try:
            outcome = await session(
                {
                    "type": "join",
                    "topic": TOPICS[n % len(TOPICS)],
                    "text": f"Bonjour, j'ai une question ({n}).",
                    "client_id": "c0",
                }
            )
            if outcome == "dropped":
                await asyncio.sleep(3)
                outcome = await session(
                    {
                        "type": "resume",
                        "conversation_id": state["cid"],
                        "token": state["token"],
                        "last_seq": state["last_seq"],
                    }
                )
            if outcome == "closed":
                timeline.finished.add(state["cid"])
        except (ConnectionClosed, OSError, TimeoutError) as error:
            timeline.errors.append(f"citizen {n}: {error!r}")

    # -- the run -------------------------------------------------------------------------

    async def run(self, tokens: dict[str, str], deadline: float) -> None:
        readies = []
        officers = []
        for name, token in tokens.items():
            ready = asyncio.Event()
            readies.append(ready)
            officers.append(asyncio.create_task(self.officer(name, token, ready)))
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
        self.clock = Clock()
        self.timeline.clock = self.clock
        citizens = []
        for n in range(self.citizens):
            citizens.append(asyncio.create_task(self.citizen(n)))
            await asyncio.sleep(self.join_seconds / self.citizens)
        try:
            await asyncio.wait_for(asyncio.gather(*citizens), deadline)
        except TimeoutError:
            for task in citizens:
                task.cancel()
        self.done.set()
        await asyncio.gather(*officers, return_exceptions=True)


def idle_slot_seconds_max(timeline: Timeline) -> float:
    """The longest time an officer had a free slot while someone waited."""
    waiting_at: list[tuple[float, int]] = []
    count = 0
    for at, delta in sorted(timeline.waiting_changes):
        count += delta
        waiting_at.append((at, count))

    def waiting(at: float) -> int:
        value = 0
        for t, c in waiting_at:
            if t > at:
                break
            value = c
        return value

    longest = 0.0
    for changes in timeline.held_changes.values():
        points = sorted({t for t, _ in changes} | {t for t, _ in waiting_at})
        held = 0
        applied = sorted(changes)
        index = 0
        idle_since: float | None = None
        for at in points:
            while index < len(applied) and applied[index][0] <= at:
                held += applied[index][1]
                index += 1
            idle = held < CAPACITY and waiting(at) > 0
            if idle and idle_since is None:
                idle_since = at
            elif not idle and idle_since is not None:
                longest = max(longest, at - idle_since)
                idle_since = None
    return round(longest, 2)


def _officer_accounts(platform: Any, count: int) -> dict[str, str]:
    """``count`` officers in the platform's user pool, each with a fresh id token."""
    cognito = platform.aws_client("cognito-idp")
    pool = platform.config["cognito"]["userPoolId"]
    tokens = {}
    for n in range(count):
        name = f"agent{n:02d}"
        cognito.admin_create_user(
            UserPoolId=pool, Username=name, TemporaryPassword=PASSWORD, MessageAction="SUPPRESS"
        )
        cognito.admin_set_user_password(
            UserPoolId=pool, Username=name, Password=PASSWORD, Permanent=True
        )
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=name, GroupName="officers")
        tokens[name] = platform.token(name, PASSWORD)
    return tokens


def _rss_mb(pid: int, field_name: str) -> float:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0.0
    for line in lines:
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _platform_pids(pid: int) -> list[int]:
    """The platform's process and its children (moto's server runs in one)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return [pid, *children]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _process_name(pid: int) -> str:
    """What a platform process is, from its command line (``local.events``: the fan-out)."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return str(pid)
    for word in words:
        if word.startswith(b"local") or word.startswith(b"moto"):
            return word.decode()
    return "platform"


def _cpu_used(samples: list[tuple[float, dict[str, float]]]) -> dict[str, float]:
    """CPU seconds each process used between the first and the last sample."""
    if len(samples) < 2:
        return {}
    first, last = samples[0][1], samples[-1][1]
    return {name: last[name] - first.get(name, 0.0) for name in last}


def _platform_mb(pid: int, field_name: str) -> float:
    """Resident memory of the platform's processes together (``VmHWM``: each one's peak)."""
    return sum(_rss_mb(p, field_name) for p in _platform_pids(pid))


def run() -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    citizens = int(os.environ.get("BENCH_SURGE_CITIZENS", "300"))
    join_seconds = float(
        os.environ.get("BENCH_SURGE_JOIN_SECONDS", "60" if citizens <= 300 else "46")
    )
    prefix = "surge" if citizens == 300 else f"surge{citizens}"
    from local.aws import fake_credentials
    from tests.local_platform import start_platform, stop_platform

    fake_credentials()  # the bench's own clients (accounts, table reads) reach moto only

    load_before = os.getloadavg()[0]
    # The WebSocket Lambdas in two processes of their own, as Lambda runs them apart from API
    # Gateway (local/lambdas.py): with them in the gateway's process, the gateway's event loop
    # and the handlers take turns on one interpreter, and the figures are the emulator's.
    platform = start_platform(
        ["--no-seed"], env={"POWERTOOLS_LOG_LEVEL": "WARNING", "LAMBDA_PROCESSES": "2"}
    )
    rss_samples: list[float] = []
    # (bench clock, {process: CPU seconds so far}) each second: where the two cores went
    cpu_samples: list[tuple[float, dict[str, float]]] = []
    try:
        tokens = _officer_accounts(platform, OFFICERS)
        surge = Surge(platform, citizens, join_seconds)

        async def main() -> None:
            async def sample() -> None:
                while True:
                    rss_samples.append(_platform_mb(platform.process.pid, "VmRSS"))
                    used: dict[str, float] = defaultdict(float)  # processes of one kind summed
                    used["bench clients"] = _cpu_seconds(os.getpid())
                    for pid in _platform_pids(platform.process.pid):
                        used[_process_name(pid)] += _cpu_seconds(pid)
                    cpu_samples.append((surge.clock.now(), dict(used)))
                    await asyncio.sleep(1)

            sampler = asyncio.create_task(sample())
            await surge.run(tokens, deadline=join_seconds + 120 + citizens * 0.6)
            sampler.cancel()

        started = time.monotonic()
        asyncio.run(main())
        duration = time.monotonic() - started
        peak_rss = _platform_mb(platform.process.pid, "VmHWM")
    finally:
        stop_platform(platform)
    timeline = surge.timeline
    load_after = os.getloadavg()[0]

    sends = timeline.officer_send_ack
    low = [ms for ms, waiting in sends if waiting < 20]
    threshold = 200 if timeline.peak_waiting >= 200 else max(20, int(timeline.peak_waiting * 0.8))
    high = [ms for ms, waiting in sends if waiting >= threshold]
    acks = [ms for ms, _ in sends] + timeline.officer_close_ok
    lost = citizens - len(timeline.finished)
    figures = {
        "join_first_frame_p95_ms": round(percentile(timeline.join_first_frame, 0.95), 1),
        "join_first_frame_p50_ms": round(percentile(timeline.join_first_frame, 0.50), 1),
        "joined_not_first": timeline.joined_not_first,
        "officer_ack_p95_ms": round(percentile(acks, 0.95), 1),
        "officer_ack_p50_ms": round(percentile(acks, 0.50), 1),
        "officer_send_ack_p95_ms": round(percentile([ms for ms, _ in sends], 0.95), 1),
        "officer_close_ok_p95_ms": round(percentile(timeline.officer_close_ok, 0.95), 1),
        "ack_ratio_high_vs_low": round(statistics.median(high) / statistics.median(low), 3)
        if high and low
        else 0.0,
        "ack_ratio_high_threshold": threshold,
        "peak_waiting": timeline.peak_waiting,
        "lost": lost,
        "double_assignments": sum(
            1 for officers in timeline.assigned_to.values() if len(officers) > 1
        ),
        "capacity_overruns": timeline.overruns,
        "position_regressions": timeline.regressions,
        "stale_queue_frames_dropped": timeline.stale_queue_frames,
        "eta_error_median_pct": round(statistics.median(timeline.eta_errors), 1)
        if timeline.eta_errors
        else 0.0,
        "local_rss_mb": round(max([peak_rss, *rss_samples]), 1),
        "idle_slot_seconds_max": idle_slot_seconds_max(timeline),
        "client_errors": len(timeline.errors),
        "duration_s": round(duration, 1),
        **{
            f"cpu_seconds.{name.replace(' ', '_')}": round(seconds, 1)
            for name, seconds in _cpu_used(cpu_samples).items()
        },
        "load_avg_before": round(load_before, 2),
        "load_avg_after": round(load_after, 2),
    }
    for error in timeline.errors[:10]:
        print(f"  surge: {error}", file=sys.stderr)
    dump = os.environ.get("BENCH_SURGE_DUMP")
    if dump:  # the raw timeline, to look at where the time went
        Path(dump).write_text(
            json.dumps(
                {
                    "samples": timeline.samples,
                    "waiting": timeline.waiting_changes,
                    "cpu": cpu_samples,
                    "wall_at_zero": time.time() - surge.clock.now(),
                }
            )
        )
    return {f"{prefix}.{key}": value for key, value in figures.items()}
