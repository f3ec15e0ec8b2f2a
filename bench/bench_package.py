"""Size of the Lambda deployment package `chalice package` builds (AWS limits: 50 MB zipped
for a direct upload, 250 MB unzipped)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000


def run() -> dict[str, float]:
    chalice = Path(sys.executable).parent / "chalice"
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "fake",
        "AWS_SECRET_ACCESS_KEY": "fake",
        "AWS_DEFAULT_REGION": "eu-west-3",
    }
    env.pop("AWS_PROFILE", None)
    with tempfile.TemporaryDirectory(prefix="bench-package-") as scratch:
        out = Path(scratch) / "out"
        subprocess.run(
            [str(chalice), "package", "--stage", "prod", str(out)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=900,
        )
        package = out / "deployment.zip"
        with zipfile.ZipFile(package) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
            files = len(archive.infolist())
        return {
            "package.zip_mb": round(package.stat().st_size / MB, 2),
            "package.unzipped_mb": round(unzipped / MB, 2),
            "package.files": files,
        }


if __name__ == "__main__":
    print(run())
