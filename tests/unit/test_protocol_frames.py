"""Every server → client frame of docs/protocol.md is built in one outbound module, only there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = ROOT / "docs" / "protocol.md"
OUTBOUND = {
    ROOT / "chalicelib" / "chat" / "outbound.py",
    ROOT / "chalicelib" / "websocket" / "outbound.py",
}
# A frame dict being written: "type": "<name>" (a TypedDict's Literal["<name>"] is not a frame).
FRAME_TYPE = re.compile(r"""["']type["']\s*:\s*["']([a-z_]+)["']""")


def documented_server_frames() -> set[str]:
    """The frame types listed in the « Server → client » table of the protocol."""
    text = PROTOCOL.read_text(encoding="utf-8")
    section = text.split("## Server → client", 1)[1].split("\n## ", 1)[0]
    types: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            types |= set(re.findall(r"`([a-z_]+)`", first_cell))
    return types


def frames_built_in(path: Path) -> set[str]:
    return set(FRAME_TYPE.findall(path.read_text(encoding="utf-8")))


def test_the_protocol_lists_the_server_frames() -> None:
    frames = documented_server_frames()
    assert {"joined", "message", "officer_state", "pong", "error", "ok", "taken"} <= frames


def test_every_documented_server_frame_has_a_builder() -> None:
    built = set().union(*(frames_built_in(path) for path in OUTBOUND))
    assert documented_server_frames() == built


def test_no_other_module_writes_a_frame() -> None:
    frames = documented_server_frames()
    sources = [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]
    written_elsewhere = {
        str(path.relative_to(ROOT)): sorted(frames_built_in(path) & frames)
        for path in sources
        if path not in OUTBOUND and frames_built_in(path) & frames
    }
    assert written_elsewhere == {}
