"""Mounts the web console: the built single-page app when present, else the placeholder page.

The console routes in the browser (``/campaigns/3f2...``), so any path that is not a file of the build
answers with ``index.html`` and the app shows the page. Three things keep that from hiding mistakes:
- ``/api/...`` and ``/js/...`` are never answered by the console: an unknown API path stays a JSON 404
  (the routers are matched first, this mount only sees what they did not take);
- a missing file with an extension (``/assets/old-3f2a.js`` after a deploy) is a 404, not HTML served
  as JavaScript;
- hashed build assets are cached for a year, ``index.html`` never, so a deploy is seen at once;
- a browser that accepts gzip gets the build's precompressed copy (``app-3f2a.js.gz``), about a third
  of the bytes, with no compression work per request.
"""

from __future__ import annotations

from mimetypes import guess_type
from pathlib import Path, PurePosixPath

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.types import Scope

_HERE = Path(__file__).resolve().parent
BUILT_DIR = _HERE / "dist"
PLACEHOLDER_DIR = _HERE / "static"
RESERVED_PREFIXES = ("api", "js")
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"


class SinglePageApp(StaticFiles):
    """The build's files as they are, and ``index.html`` for every client-side route."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        parts = PurePosixPath(path).parts
        if parts and parts[0] in RESERVED_PREFIXES:
            raise HTTPException(status_code=404, detail="Not Found")
        if parts and parts[0] == "assets" and _accepts_gzip(scope):
            compressed = await self._compressed(path, scope)
            if compressed is not None:
                return compressed
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or "." in (parts[-1] if parts else ""):
                raise
            return self._index()
        if parts and parts[0] == "assets":
            response.headers["Cache-Control"] = IMMUTABLE
            response.headers["Vary"] = "Accept-Encoding"
        elif isinstance(response, FileResponse):
            response.headers["Cache-Control"] = NO_CACHE
        return response

    async def _compressed(self, path: str, scope: Scope) -> Response | None:
        try:
            response = await super().get_response(path + ".gz", scope)
        except HTTPException:
            return None
        if not isinstance(response, FileResponse):
            return response  # 304 Not Modified: the browser's copy is current
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers["Vary"] = "Accept-Encoding"
        response.media_type = guess_type(path)[0] or "application/octet-stream"
        response.headers["Content-Type"] = response.media_type
        return response

    def _index(self) -> Response:
        return FileResponse(Path(str(self.directory)) / "index.html", headers={"Cache-Control": NO_CACHE})


def _accepts_gzip(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"accept-encoding":
            return b"gzip" in value
    return False


def mount_web(app: FastAPI, directory: Path | None = None) -> None:
    """Serves ``directory`` (default: the packaged build, else the placeholder) at ``/``."""
    directory = directory or (BUILT_DIR if (BUILT_DIR / "index.html").is_file() else PLACEHOLDER_DIR)
    app.mount("/", SinglePageApp(directory=directory, html=True), name="web")
