"""The console is served with ``index.html`` for its client-side routes, and never answers for the API."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from callcenter.kit.errors import install_error_handlers
from callcenter.web.mount import IMMUTABLE, mount_web

INDEX = "<!doctype html><title>console</title>"
SCRIPT = "console.log('app')"


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A small app with one API route and a built console of two files, mounted as the real app does."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "app-3f2a.js").write_text(SCRIPT)
    (tmp_path / "assets" / "app-3f2a.js.gz").write_bytes(gzip.compress(SCRIPT.encode()))
    router = APIRouter(prefix="/api")

    @router.get("/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    mount_web(app, tmp_path)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client


@pytest.mark.parametrize("path", ["/", "/campaigns", "/campaigns/3f2a/routing", "/calls?range=7d"])
async def test_client_side_routes_get_the_console(served: httpx.AsyncClient, path: str) -> None:
    response = await served.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
async def test_unknown_api_paths_stay_json_404s(served: httpx.AsyncClient, method: str) -> None:
    response = await served.request(method, "/api/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_api_routes_are_not_shadowed(served: httpx.AsyncClient) -> None:
    assert (await served.get("/api/ping")).json() == {"pong": "yes"}


async def test_the_tracking_script_path_is_never_the_console(served: httpx.AsyncClient) -> None:
    response = await served.get("/js/t.js")
    assert response.status_code == 404
    assert "console" not in response.text


async def test_hashed_assets_are_cached_for_good_and_missing_ones_are_404(served: httpx.AsyncClient) -> None:
    asset = await served.get("/assets/app-3f2a.js")
    assert asset.status_code == 200
    assert asset.headers["cache-control"] == IMMUTABLE
    # An asset of an older build must not come back as HTML that the browser would run as a script.
    missing = await served.get("/assets/app-old.js")
    assert missing.status_code == 404


async def test_browsers_accepting_gzip_get_the_precompressed_asset(served: httpx.AsyncClient) -> None:
    compressed = await served.get("/assets/app-3f2a.js", headers={"Accept-Encoding": "gzip, br"})
    plain = await served.get("/assets/app-3f2a.js", headers={"Accept-Encoding": "identity"})

    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.headers["content-type"].startswith("text/javascript")
    assert compressed.text == SCRIPT  # httpx decodes it, as a browser does
    assert "content-encoding" not in plain.headers
    assert plain.text == SCRIPT
    assert compressed.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"


async def test_the_real_app_answers_unknown_api_paths_with_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
