"""The site and the console for a stage: built for its URL, told where the APIs are
(``/config.json``), synced to their buckets."""

from __future__ import annotations

import hashlib
import mimetypes
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from infra.context import ROOT, DeployError

SITE_BUILD = ROOT / "static-site" / "build.py"
CONSOLE_DIR = "console"  # served by CloudFront from the console bucket (/console/*)
# Files a browser revalidates on each use (their names do not change between deploys);
# the rest (images, fonts, pagefind's content-hashed chunks) is kept a day.
REVALIDATE = {".html", ".json", ".js", ".mjs", ".css", ".xml", ".txt", ".webmanifest", ""}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}


def client_config(
    websocket_url: str, region: str, pool_id: str, client_id: str, cognito_endpoint: str
) -> dict[str, Any]:
    """``/config.json``, what the site and the console read at startup (the same shape as
    the local platform's)."""
    return {
        "apiBase": "/api",
        "wsUrl": websocket_url,
        "cognito": {
            "endpoint": cognito_endpoint,
            "region": region,
            "userPoolId": pool_id,
            "clientId": client_id,
        },
    }


def build_site(out: Path, base_url: str) -> None:
    """static-site/build.py for the public URL (sitemap, canonical links)."""
    result = subprocess.run(  # noqa: S603 - this repository's build script
        [sys.executable, str(SITE_BUILD), "--out", str(out), "--base-url", base_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise DeployError("site build failed:\n" + result.stdout + result.stderr)


def _files(source: Path, skip_dir: str | None = None) -> Iterator[tuple[str, Path]]:
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if skip_dir and relative.parts[0] == skip_dir:
            continue
        yield relative.as_posix(), path


def object_headers(path: Path) -> tuple[str, str]:
    """Content-Type and Cache-Control of a site file."""
    suffix = path.suffix.lower()
    content_type = CONTENT_TYPES.get(suffix) or (
        mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    cache = "no-cache" if suffix in REVALIDATE else "public, max-age=86400"
    return content_type, cache


def sync(
    s3: Any, source: Path, bucket: str, prefix: str = "", skip_dir: str | None = None
) -> dict[str, int]:
    """Make ``bucket/prefix`` hold exactly the files of ``source``: upload what changed
    (MD5 against the ETag), delete what is gone."""
    existing: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            existing[item["Key"]] = item["ETag"].strip('"')
    uploaded = unchanged = 0
    wanted = set()
    for relative, path in _files(source, skip_dir):
        key = prefix + relative
        wanted.add(key)
        data = path.read_bytes()
        if existing.get(key) == hashlib.md5(data).hexdigest():  # noqa: S324 - S3's ETag
            unchanged += 1
            continue
        content_type, cache = object_headers(path)
        s3.put_object(
            Bucket=bucket, Key=key, Body=data, ContentType=content_type, CacheControl=cache
        )
        uploaded += 1
    stale = sorted(set(existing) - wanted)
    for start in range(0, len(stale), 1000):
        batch = [{"Key": key} for key in stale[start : start + 1000]]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
    return {"uploaded": uploaded, "unchanged": unchanged, "deleted": len(stale)}


def empty_bucket(s3: Any, bucket: str) -> None:
    """Delete every version of every object (the bucket can then be deleted)."""
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        items = [
            {"Key": item["Key"], "VersionId": item["VersionId"]}
            for item in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for start in range(0, len(items), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": items[start : start + 1000]})
