"""``t.js``, the landing-page script, as served: compacted once at start-up, with ETag and gzip.

The source (``static/t.js``) is written to stay small and readable; serving strips its whole-line
comments and indentation, which is all the compaction it needs (it has no block comments, and no
string or regular expression holding ``//`` at the start of a line). Browsers and CDNs may keep it
for ``MAX_AGE_S`` and then revalidate with ``If-None-Match``.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "static" / "t.js"
MAX_AGE_S = 600
CACHE_CONTROL = f"public, max-age={MAX_AGE_S}, stale-while-revalidate=86400"
MEDIA_TYPE = "application/javascript; charset=utf-8"


def compact(source: str) -> str:
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//")) + "\n"


@dataclass(frozen=True, slots=True)
class Script:
    body: bytes
    gzipped: bytes
    etag: str
    gzip_etag: str


@cache
def script() -> Script:
    body = compact(SOURCE.read_text("utf-8")).encode()
    digest = hashlib.sha256(body).hexdigest()[:20]
    return Script(
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        etag=f'"{digest}"',
        gzip_etag=f'"{digest}-gz"',
    )
