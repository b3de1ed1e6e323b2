"""``POST /api/dni/track`` under open-loop load, against ``GET /api/health`` in the same run.

Setup: PostgreSQL + Redis (the scale-out configuration), one server process (uvicorn, uvloop), a pool of
8,000 numbers (300 s leases) behind one tracking tag, per-IP rate limiting on (limit raised so the
bench's single client IP is not refused). The load comes from this process on loopback, the body sent
as t.js sends it (JSON as text/plain, UTMs and a gclid in the parameters). Two kinds of request:

- new visitor: no visitor id yet (a first page view), so the request leases a number (least recently
  held free number picked under ``FOR UPDATE SKIP LOCKED`` and leased by one conditional UPDATE,
  session INSERT, commit);
- returning visitor: a visitor holding a lease, so the request renews it (visitor lookup under a row
  lock, lease and session UPDATEs, commit).

Baseline: ``GET /api/health`` on the same server (HTTP, routing and the request-id middleware only).

Usage: .venv/bin/python -m bench.dni_track [--rate 300] [--seconds 15] [--workers 1]
Target: p99 under 10 ms at 300 req/s.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable

import aiohttp
import httpx
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench._openloop import HEADER, Result, open_loop
from bench.voice_webhook import ADMIN_URL, REDIS_URL, _free_port, wait_ready
from callcenter.accounts import service as accounts
from callcenter.kit.db import create_engine
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


async def run(rate: float, seconds: float, workers: int) -> list[Result]:
    database_url = await prepare_database()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(database_url, port, workers)
    try:
        async with httpx.AsyncClient(timeout=10) as probe:
            await wait_ready(probe, base)
        connector = aiohttp.TCPConnector(limit=400)
        async with aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=10)
        ) as client:
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
                async with client.post(
                    f"{base}/api/dni/track", data=json.dumps(body), headers=headers
                ) as response:
                    if response.status != 200:
                        return None
                    answer = await response.json()
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
                async with client.get(f"{base}/api/health") as response:
                    await response.read()
                    return response.status == 200

            cases: list[tuple[str, Callable[[int], Awaitable[bool]]]] = [
                ("GET /api/health (baseline)", health),
                ("track: new visitor", new_visitor),
                ("track: returning visitor", returning_visitor),
            ]
            for _, send in cases:
                await open_loop("warm-up", send, rate=rate, duration_s=1)
            # Autovacuum would analyse the lease rows created by the warm-up within a minute; the bench
            # does it now so that the planner knows the table as it would in production.
            await analyze(database_url)
            results = []
            for round_ in (1, 2, 3):
                for name, send in cases:
                    results.append(
                        await open_loop(f"{name} #{round_}", send, rate=rate, duration_s=seconds / 3)
                    )
            return results
    finally:
        server.terminate()
        server.wait(timeout=20)


def report(results: list[Result], rate: float, workers: int) -> None:
    print(
        f"open loop at {rate:.0f} req/s, PostgreSQL + Redis, pool of {POOL_SIZE}, "
        f"{workers} server process(es)"
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
    args, _ = parser.parse_known_args()
    started = time.perf_counter()
    results = asyncio.run(run(args.rate, args.seconds, args.workers))
    report(results, args.rate, args.workers)
    print(f"(bench took {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
