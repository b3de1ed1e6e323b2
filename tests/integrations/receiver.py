"""A loopback HTTP server standing in for a buyer's or ad platform's endpoint: it records every request
and answers as told (fail the first N, always fail, slow down, redirect)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from aiohttp import web


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]
    body: str

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")


@dataclass
class Receiver:
    """``url`` is its base address. ``fail_first`` requests get ``fail_status``; then ``status``."""

    url: str = ""
    status: int = 200
    fail_first: int = 0
    fail_status: int = 500
    delay_s: float = 0.0
    body: str = "ok"
    requests: list[Received] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def ids(self) -> list[str]:
        return [r.webhook_id for r in self.requests]

    async def handle(self, request: web.Request) -> web.Response:
        text = await request.text()
        self.requests.append(
            Received(
                method=request.method,
                path=request.path,
                query=dict(parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True)),
                raw_query=request.rel_url.raw_query_string,
                headers={k.lower(): v for k, v in request.headers.items()},
                body=text,
            )
        )
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        status = self.fail_status if len(self.requests) <= self.fail_first else self.status
        return web.Response(status=status, text=self.body, headers=self.headers)


@asynccontextmanager
async def serve(receiver: Receiver) -> AsyncIterator[Receiver]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    receiver.url = f"http://127.0.0.1:{port}"
    try:
        yield receiver
    finally:
        await runner.cleanup()
