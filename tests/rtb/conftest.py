"""RTB test fixtures: a real loopback HTTP server playing the bidders, the call fixtures, and an app whose
outbound HTTP client is closed after each test."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from callcenter.app import close_outbound_clients, create_app
from tests.calls.conftest import account, twilio  # noqa: F401 - shared call fixtures

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Behaviour:
    """How one bidder endpoint answers: after ``delay_ms``, ``body`` (JSON unless ``raw``), or never."""

    body: Any = None
    status: int = 200
    delay_ms: float = 0
    raw: str | None = None
    content_type: str = "application/json"
    hang: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    on_request: Callable[[], None] | None = None


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: str


@dataclass
class BidderServer:
    """Bidder endpoints on 127.0.0.1, one path per behaviour, recording every request it gets."""

    base: str = ""
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    received: dict[str, list[Received]] = field(default_factory=lambda: defaultdict(list))
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, behaviour: Behaviour | None = None, /, **fields: Any) -> str:
        """Registers a behaviour under a fresh path and returns its URL."""
        name = uuid.uuid4().hex
        self.behaviours[name] = behaviour or Behaviour(**fields)
        return f"{self.base}/{name}"

    def requests_to(self, url: str) -> list[Received]:
        return self.received[url.rsplit("/", 1)[-1].split("?", 1)[0]]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.received[name].append(
            Received(
                method=request.method,
                path=request.path,
                query=dict(request.query),
                headers=dict(request.headers),
                body=await request.text(),
            )
        )
        behaviour = self.behaviours[name]
        if behaviour.on_request is not None:
            behaviour.on_request()
        if behaviour.delay_ms:
            await asyncio.sleep(behaviour.delay_ms / 1000)
        if behaviour.hang:
            await self.release.wait()
        text = behaviour.raw if behaviour.raw is not None else json.dumps(behaviour.body)
        return web.Response(
            status=behaviour.status, text=text, content_type=behaviour.content_type, headers=behaviour.headers
        )


@pytest.fixture(scope="session")
async def bidder_server() -> AsyncIterator[BidderServer]:
    server = BidderServer()
    app = web.Application()
    app.router.add_route("*", "/{name}", server.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0)
    await site.start()
    port = runner.addresses[0][1]
    server.base = f"http://{HOST}:{port}"
    yield server
    server.release.set()
    await runner.cleanup()


@pytest.fixture
async def app(settings, database, live):  # type: ignore[no-untyped-def]
    """The app, with its outbound HTTP client closed at the end (tests do not run the lifespan)."""
    app = create_app(settings, database=database, live=live)
    yield app
    await close_outbound_clients(app)
