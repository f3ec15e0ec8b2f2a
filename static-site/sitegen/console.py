"""Copy the officer console into the build, with its vendored npm files.

The console's sources are copied as they are, except its npm install
(``node_modules/``, ``package.json``, ``package-lock.json``); the few library files
it loads at run time are copied from ``node_modules`` into ``console/vendor/`` (no CDN at
run time). ``npm ci --prefix static-site/console`` installs them (``make`` does it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sitegen import ContentError

# node_modules path -> path under console/ in the build.
VENDORED: dict[str, str] = {
    "chart.js/dist/chart.umd.min.js": "vendor/chart.umd.min.js",
    "chart.js/LICENSE.md": "vendor/chart.js-LICENSE.md",
    # QR code of the authenticator enrolment (ES module; MIT licence in its header).
    "qrcode-generator/dist/qrcode.mjs": "vendor/qrcode.mjs",
}
NOT_COPIED = ("node_modules", "package.json", "package-lock.json")


def copy_console(source: Path, target: Path) -> None:
    """Copy the console sources and vendor its npm files; fail loudly when not installed."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*NOT_COPIED))
    if not (source / "package.json").is_file():
        return
    missing = [name for name in VENDORED if not (source / "node_modules" / name).is_file()]
    if missing:
        raise ContentError(
            [f"console : {name} absent — lancez `npm ci --prefix {source}`" for name in missing]
        )
    for name, destination in VENDORED.items():
        out = target / destination
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / "node_modules" / name, out)
