"""``POST /api/dni/track`` under open-loop load, against ``GET /api/health`` in the same run.

Setup: PostgreSQL + Redis (the scale-out configuration), one server process (uvicorn, uvloop), a pool of
8,000 numbers (300 s leases) behind one tracking tag, per-IP rate limiting on (limit raised so the
bench's single client IP is not refused). The load comes from this process on loopback, the body sent
as t.js sends it (JSON as text/plain, UTMs and a gclid in the parameters). Two kinds of request:

- new visitor: no visitor id yet (a first page view), so the request leases a number (on PostgreSQL one
  statement: the least recently held free number picked under ``FOR UPDATE SKIP LOCKED`` and leased by
  a conditional UPDATE, as a CTE of the session's INSERT);
- returning visitor: a visitor holding a lease, so the request renews it (the session read without a
  lock, then one statement writing the session's changes and the lease's extension if unchanged).

Rounds of 5 s per case alternate (health, new, returning) three times, after a warm-up, an ANALYZE and
a second warm-up; each measured round follows half a second of its own requests, not counted (the switch
from a lighter case is the bench's, not the steady load it measures).

Baseline: ``GET /api/health`` on the same server (HTTP, routing and the request-id middleware only).

The load generator's client is the product's lean HTTP/1.1 client by default (``--client aiohttp`` for
the earlier figures): it costs a fraction of aiohttp's CPU on the cores the server shares with it.

Usage: .venv/bin/python -m bench.dni_track [--rate 300] [--seconds 15] [--workers 1] [--client lean]
Target: p99 under 10 ms at 300 req/s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import httpx
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench._openloop import HEADER, Result, open_loop
from bench.voice_webhook import ADMIN_URL, REDIS_URL, _free_port, wait_ready
from callcenter.accounts import service as accounts
from callcenter.kit.db import create_engine
from callcenter.kit.lean_http import LeanHttp
from callcenter.kit.migrate import upgrade_engine
from callcenter.models.campaigns import Campaign, CampaignStatus
from callcenter.models.dni import TrackingTag
from callcenter.models.numbers import NumberPool, PhoneNumber

DATABASE = "callcenter_bench_dni"
POOL_SIZE = 8000
TAG = "bench-lp"
PARAMS = {"utm_source": "google", "utm_medium": "cpc", "utm_campaign": "spring", "gclid": "Cj0KCQiA"}


async def prepare_database() -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    await admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"
    engine = create_engine(url)
    await upgrade_engine(engine)
    async with engine.begin() as conn:
        session = AsyncSession(bind=conn)
        account = await accounts.create_account(session, name="Bench")
        campaign = Campaign(
            account_id=account.id, name="Bench", status=CampaignStatus.ACTIVE, allowed_states=[], settings={}
        )
        session.add(campaign)
        await session.flush()
        pool = NumberPool(account_id=account.id, name="Bench", campaign_id=campaign.id, lease_seconds=300)
        session.add(pool)
        await session.flush()
        await session.execute(
            insert(PhoneNumber),
            [
                {"id": uuid.uuid4(), "account_id": account.id, "number": f"+1646{i:07d}", "pool_id": pool.id}
                for i in range(POOL_SIZE)
            ],
        )
        session.add(
            TrackingTag(account_id=account.id, name="Bench", code=TAG, pool_id=pool.id, selectors=[".phone"])
        )
        await session.flush()
    await engine.dispose()
    return url


async def analyze(database_url: str) -> None:
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text("ANALYZE"))
    await engine.dispose()


def start_server(database_url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        CALLCENTER_DATABASE_URL=database_url,
        CALLCENTER_REDIS_URL=REDIS_URL,
        CALLCENTER_REDIS_PREFIX=f"bench:{uuid.uuid4().hex}:",
        CALLCENTER_PUBLIC_URL=f"http://127.0.0.1:{port}",
        CALLCENTER_LOG_LEVEL="WARNING",
        CALLCENTER_DATABASE_POOL_SIZE="20",
        CALLCENTER_DNI_TRACK_RATE_PER_MINUTE="1000000",
    )
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "callcenter.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
        "--workers",
        str(workers),
    ]
    return subprocess.Popen(command, env=env)


Request = Callable[[str, str, dict[str, str], str | None], Awaitable[tuple[int, bytes]]]


@contextlib.asynccontextmanager
async def _load_client(kind: str) -> AsyncIterator[Request]:
    """The load generator's HTTP client: ``lean`` (the product's lean HTTP/1.1 client, kit/lean_http.py:
    a fraction of aiohttp's CPU, so that less of the measured latency is the generator's own work on
    the shared cores) or ``aiohttp``. Either keeps its connections open."""
    if kind == "lean":
        lean = LeanHttp(allow_private=True, max_connections=400)
        try:

            async def lean_request(
                method: str, url: str, headers: dict[str, str], body: str | None
            ) -> tuple[int, bytes]:
                encoded = body.encode() if body is not None else None
                response = await lean.request(method, url, timeout_s=10, headers=headers, body=encoded)
                return response.status, response.body

            yield lean_request
        finally:
            await lean.close()
        return
    connector = aiohttp.TCPConnector(limit=400)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=10)) as client:

        async def aiohttp_request(
            method: str, url: str, headers: dict[str, str], body: str | None
        ) -> tuple[int, bytes]:
            async with client.request(method, url, headers=headers, data=body) as response:
                return response.status, await response.read()

        yield aiohttp_request


async def run(rate: float, seconds: float, workers: int, client_kind: str) -> list[Result]:
    database_url = await prepare_database()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(database_url, port, workers)
    try:
        async with httpx.AsyncClient(timeout=10) as probe:
            await wait_ready(probe, base)
        async with _load_client(client_kind) as request:
            leased: list[str] = []

            async def track(visitor: str | None) -> str | None:
                """One page view as t.js sends it; the visitor id the server answered with, None on error."""
                body = {
                    "tag": TAG,
                    "page_url": "https://lp.example/?utm_source=google",
                    "referrer": "https://www.google.com/",
                    "params": PARAMS,
                }
                if visitor is not None:
                    body["visitor_id"] = visitor
                headers = {"Content-Type": "text/plain;charset=UTF-8", "Origin": "https://lp.example"}
                status, answer_body = await request(
                    "POST", f"{base}/api/dni/track", headers, json.dumps(body)
                )
                if status != 200:
                    return None
                answer = json.loads(answer_body)
                return answer["visitor_id"] if answer["number_e164"] is not None else None

            async def new_visitor(_: int) -> bool:
                # A first visit: t.js has no visitor id yet and gets one from the server.
                visitor = await track(None)
                if visitor is not None:
                    leased.append(visitor)
                return visitor is not None

            returning_ids = itertools.cycle(range(10**9))

            async def returning_visitor(_: int) -> bool:
                return await track(leased[next(returning_ids) % len(leased)]) is not None

            async def health(_: int) -> bool:
                status, _body = await request("GET", f"{base}/api/health", {}, None)
                return status == 200

            cases: list[tuple[str, Callable[[int], Awaitable[bool]]]] = [
                ("GET /api/health (baseline)", health),
                ("track: new visitor", new_visitor),
                ("track: returning visitor", returning_visitor),
            ]
            for _, send in cases:
                await open_loop("warm-up", send, rate=rate, duration_s=1)
            # Autovacuum would analyse the lease rows created by the warm-up within a minute; the bench
            # does it now so that the planner knows the table as it would in production. That drops the
            # plans the server's connections had prepared: a second warm-up lets them prepare them again,
            # as a server that has been running would have.
            await analyze(database_url)
            for _, send in cases:
                await open_loop("warm-up", send, rate=rate, duration_s=1)
            results = []
            for round_ in (1, 2, 3):
                for name, send in cases:
                    # Half a second of the same requests first, not counted: the switch from the previous
                    # case (a lighter one, fewer requests in flight) is the bench's own, not the steady
                    # load it measures; its first few requests ran 20-30 ms.
                    await open_loop("warm-up", send, rate=rate, duration_s=0.5)
                    results.append(
                        await open_loop(f"{name} #{round_}", send, rate=rate, duration_s=seconds / 3)
                    )
            return results
    finally:
        server.terminate()
        server.wait(timeout=20)


def report(results: list[Result], rate: float, workers: int, client: str) -> None:
    print(
        f"open loop at {rate:.0f} req/s, PostgreSQL + Redis, pool of {POOL_SIZE}, "
        f"{workers} server process(es), {client} load client"
    )
    print(HEADER)
    for result in results:
        print(result.row())

    def merged(prefix: str) -> Result:
        rows = [r for r in results if r.name.startswith(prefix)]
        return Result(
            prefix,
            sum(r.sent for r in rows),
            sum(r.errors for r in rows),
            1,
            [x for r in rows for x in r.latencies_ms],
        )

    baseline = merged("GET /api/health")
    for prefix in ("track: new visitor", "track: returning visitor", "track"):
        case = merged(prefix)
        print(
            f"{prefix:<26} p50 {case.p50:6.2f} ms, p99 {case.p99:6.2f} ms; ratio to /api/health "
            f"p50 {case.p50 / baseline.p50:.2f}x, p99 {case.p99 / baseline.p99:.2f}x; errors {case.errors}"
        )
    print(f"{'baseline /api/health':<26} p50 {baseline.p50:6.2f} ms, p99 {baseline.p99:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=1, help="server processes (uvicorn workers)")
    parser.add_argument(
        "--client", choices=("lean", "aiohttp"), default="lean", help="load generator's client"
    )
    args, _ = parser.parse_known_args()
    started = time.perf_counter()
    results = asyncio.run(run(args.rate, args.seconds, args.workers, args.client))
    report(results, args.rate, args.workers, args.client)
    print(f"(bench took {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
