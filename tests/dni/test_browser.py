"""The acceptance test in a real browser: a landing page with the script tag, served from its own
origin, against the real server process (``callcenter serve`` on a temporary SQLite database)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page

from callcenter.dni.script import script as t_js
from tests.servers import Server

DEFAULT = "(800) 555-0100"
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Spring offer</title></head><body>
<h1>Spring offer</h1>
<p class="phone">Call us at {default} today</p>
<a id="call" href="tel:+18005550100">1-800-555-0100</a>
<p id="order">Order number 212-555-0199</p>
<script async src="{src}" data-tag="{tag}"{api}></script>
</body></html>
"""
Route = Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def http_server(routes: dict[tuple[str, str], Route]) -> Iterator[str]:
    """A loopback HTTP server answering ``(method, path)`` with the given handlers."""

    class Handler(BaseHTTPRequestHandler):
        def _route(self, method: str) -> None:
            route = routes.get((method, self.path.split("?", 1)[0]))
            if route is None:
                self.send_error(404)
            else:
                route(self)

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def content(body: str | bytes, media_type: str) -> Route:
    data = body.encode() if isinstance(body, str) else body

    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", media_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return send


def slow_tracker(delay_s: float) -> Route:
    """A tracking endpoint that answers with a number, but only after ``delay_s``."""

    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
        time.sleep(delay_s)
        body = {
            "number_e164": "+14155550166",
            "number_formatted": "(415) 555-0166",
            "number_format": "page",
            "selectors": [".phone"],
            "session_id": "00000000-0000-0000-0000-000000000000",
            "visitor_id": "slowvisitor",
            "expires_at": "2030-01-01T00:00:00Z",
            "renew_seconds": 0,
        }
        data = json.dumps(body).encode()
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Access-Control-Allow-Origin", "*")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except OSError:
            pass  # the browser gave up, as it should

    return send


def _configure(api: str, email: str, password: str) -> tuple[str, set[str]]:
    """A campaign, a pool of three numbers and a tag swapping ``.phone``, through the API."""
    with httpx.Client(base_url=api, headers={"X-Requested-With": "XMLHttpRequest"}, timeout=10) as client:
        assert client.post("/api/auth/login", json={"email": email, "password": password}).status_code == 200

        def create(path: str, body: dict[str, object]) -> str:
            response = client.post(path, json=body)
            assert response.status_code == 201, response.text
            return str(response.json()["id"])

        campaign = create("/api/campaigns", {"name": "Spring"})
        pool = create("/api/pools", {"name": "Landing", "campaign_id": campaign})
        numbers = {f"+1415555{1200 + i}" for i in range(3)}
        for number in numbers:
            create("/api/numbers", {"number": number, "pool_id": pool})
        tag = client.post(
            "/api/tracking-tags", json={"name": "Spring LP", "pool_id": pool, "selectors": [".phone"]}
        )
        assert tag.status_code == 201, tag.text
        return str(tag.json()["code"]), numbers


async def _settled(page: Page) -> dict[str, str]:
    await page.wait_for_function("window.ccDni && window.ccDni.status !== 'pending'", timeout=10_000)
    state: dict[str, str] = await page.evaluate("window.ccDni")
    return state


async def _shown(page: Page) -> tuple[str, str | None, str, str]:
    return (
        await page.inner_text(".phone"),
        await page.get_attribute("#call", "href"),
        await page.inner_text("#call"),
        await page.inner_text("#order"),
    )


@dataclass
class Api:
    server: Server
    database: Path
    tag: str
    numbers: set[str]


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """The real server on a fresh SQLite database, with a user who configured a pool and a tag."""
    database = tmp_path / "dni.db"
    env = {"CALLCENTER_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "CALLCENTER_REDIS_URL": ""}
    email, password = "marketer@example.com", "landing pages 123"
    created = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "callcenter.cli", "users", "create", "--email", email, "--password", password],
        env={**os.environ, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    server = Server(env, cwd=tmp_path)
    try:
        server.wait_ready()
        tag, numbers = _configure(server.url, email, password)
        yield Api(server=server, database=database, tag=tag, numbers=numbers)
    finally:
        server.stop()


def served_script() -> bytes:
    """t.js exactly as the server sends it, for pages that host their own copy."""
    return t_js().body


def _stored_visits(database: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT number, utm_source, gclid FROM visitor_sessions").fetchall()
    return [tuple(row) for row in rows]


def _formatted(e164: str) -> tuple[str, str]:
    """The page's two formats, ``(800) 555-0100`` and ``1-800-555-0100``, for ``e164``."""
    d = e164[2:]
    return f"({d[:3]}) {d[3:6]}-{d[6:]}", f"1-{d[:3]}-{d[3:6]}-{d[6:]}"


async def test_landing_page_shows_the_leased_number_keeps_it_and_falls_back_when_the_server_is_gone(
    browser: Browser, api: Api
) -> None:
    script = served_script()
    snippet = PAGE.format(default=DEFAULT, src=f"{api.server.url}/js/t.js", tag=api.tag, api="")
    self_hosted = PAGE.format(default=DEFAULT, src="/t.js", tag=api.tag, api=f' data-api="{api.server.url}"')
    routes = {
        ("GET", "/offer.html"): content(snippet, "text/html"),
        ("GET", "/self-hosted.html"): content(self_hosted, "text/html"),
        ("GET", "/t.js"): content(script, "application/javascript"),
    }
    with http_server(routes) as landing:
        context = await browser.new_context()
        try:
            page = await context.new_page()
            await page.goto(f"{landing}/offer.html?utm_source=google&utm_campaign=spring&gclid=TeSt-GcLiD")
            state = await _settled(page)
            assert state["status"] == "swapped"
            number = state["number"]
            assert number in api.numbers
            text, link = _formatted(number)
            assert await _shown(page) == (
                f"Call us at {text} today",
                f"tel:{number}",
                link,
                "Order number 212-555-0199",  # not in a selected element nor a tel: link
            )
            assert _stored_visits(api.database) == [(number, "google", "TeSt-GcLiD")]

            second = await context.new_page()
            await second.goto(f"{landing}/offer.html")
            assert (await _settled(second))["number"] == number
            assert (await _shown(second))[:2] == (f"Call us at {text} today", f"tel:{number}")

            api.server.stop()
            # A copy of t.js hosted by the page itself runs, fails to reach the server and leaves the page
            # alone; the snippet's own script may come from the browser cache or not load at all.
            for path, ran in (("/self-hosted.html", {"default"}), ("/offer.html", {None, "default"})):
                gone = await context.new_page()
                await gone.goto(f"{landing}{path}?utm_source=google")
                await gone.wait_for_timeout(1500)
                assert await gone.evaluate("window.ccDni && window.ccDni.status") in ran, path
                assert await _shown(gone) == (
                    f"Call us at {DEFAULT} today",
                    "tel:+18005550100",
                    "1-800-555-0100",
                    "Order number 212-555-0199",
                ), path
        finally:
            await context.close()


async def test_an_answer_later_than_one_second_leaves_the_default_number(browser: Browser) -> None:
    script = served_script()
    with http_server({("POST", "/api/dni/track"): slow_tracker(2.0)}) as slow_api:
        page_html = PAGE.format(default=DEFAULT, src="/t.js", tag="any", api=f' data-api="{slow_api}"')
        routes = {
            ("GET", "/offer.html"): content(page_html, "text/html"),
            ("GET", "/t.js"): content(script, "application/javascript"),
        }
        with http_server(routes) as landing:
            context = await browser.new_context()
            try:
                page = await context.new_page()
                started = time.monotonic()
                await page.goto(f"{landing}/offer.html")
                state = await _settled(page)
                gave_up_after = time.monotonic() - started
                await page.wait_for_timeout(2000)  # the late answer arrives meanwhile
                assert state["status"] == "default"
                assert gave_up_after < 1.9
                assert (await _shown(page))[0] == f"Call us at {DEFAULT} today"
            finally:
                await context.close()


def recording_tracker(numbers: list[str], received: list[dict[str, object]]) -> Route:
    """A tracking endpoint answering with ``numbers`` in turn (renewing after 1 s), recording each body."""

    def send(handler: BaseHTTPRequestHandler) -> None:
        received.append(json.loads(handler.rfile.read(int(handler.headers.get("Content-Length", "0")))))
        number = numbers[min(len(received), len(numbers)) - 1]
        body = {
            "number_e164": number,
            "number_formatted": number,
            "number_format": "page",
            "selectors": [".phone"],
            "session_id": "00000000-0000-0000-0000-000000000000",
            "visitor_id": "issued-visitor-1",
            "expires_at": "2030-01-01T00:00:00Z",
            "renew_seconds": 1,
        }
        data = json.dumps(body).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Access-Control-Allow-Origin", "*")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return send


async def test_the_script_posts_the_visit_renews_the_lease_and_follows_a_new_number(browser: Browser) -> None:
    received: list[dict[str, object]] = []
    tracker = recording_tracker(["+14155550171", "+14155550172"], received)
    with http_server({("POST", "/api/dni/track"): tracker}) as fake_api:
        page_html = PAGE.format(default=DEFAULT, src="/t.js", tag="lp-code", api=f' data-api="{fake_api}"')
        routes = {
            ("GET", "/offer.html"): content(page_html, "text/html"),
            ("GET", "/t.js"): content(served_script(), "application/javascript"),
        }
        with http_server(routes) as landing:
            context = await browser.new_context()
            try:
                page = await context.new_page()
                await page.goto(
                    f"{landing}/offer.html?utm_source=fb&fbclid=F1&rtkclickid=R1",
                    referer="https://ref.example/",
                )
                await page.wait_for_function(
                    "document.querySelector('.phone').textContent.includes('555-0172')", timeout=5000
                )
                assert await page.get_attribute("#call", "href") == "tel:+14155550172"
                cookie = await page.evaluate("document.cookie")
                stored = await page.evaluate("localStorage.getItem('cc_vid')")
            finally:
                await context.close()

    first, renewal = received[0], received[1]
    assert first["tag"] == "lp-code"
    assert first["params"] == {"utm_source": "fb", "fbclid": "F1", "rtkclickid": "R1"}
    assert str(first["page_url"]).startswith(f"{landing}/offer.html?")
    assert first["referrer"] == "https://ref.example/"
    assert "visitor_id" not in first  # a first visit: the server issues the id
    # The id the server issued is kept in localStorage and a first-party cookie, and used from then on.
    assert renewal["visitor_id"] == stored == "issued-visitor-1"
    assert "cc_vid=issued-visitor-1" in cookie
