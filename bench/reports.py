"""Dashboard reports and the CSV export over a month of calls, against an authenticated no-op in the same
run.

Setup: PostgreSQL + Redis (the scale-out configuration), one server process (uvicorn, uvloop), one
account with 100,000 settled calls spread over the last 30 days across 10 campaigns and 20 targets
(about 3,300 a day), authenticated with an API key. The load comes from this process (the server is a
second process) on loopback, open loop.

Cases: the dashboard's summary of today (totals, live calls, top 5 campaigns and targets) and its
hourly timeline; the same over 30 days (daily timeline); the CSV export of one day (~3,300 rows).
Baseline: ``GET /api/campaigns?limit=1`` on the same server, which authenticates the key and reads one
small page (the fixed cost every authenticated request pays), so the ratio isolates the report's cost.
Dashboard cases run at the full rate, 30-day reports at a quarter of it and the export at a tenth.

Usage: .venv/bin/python -m bench.reports [--rate 20] [--seconds 6] [--calls 100000]
Targets: dashboard requests (summary + timeline of today) p99 under 100 ms at 20 req/s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import aiohttp
import httpx
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench._openloop import HEADER, Result, open_loop
from bench.voice_webhook import ADMIN_URL, _free_port, start_server, wait_ready
from callcenter.accounts import service as accounts
from callcenter.auth.tokens import digest, new_api_key
from callcenter.kit.db import create_engine
from callcenter.kit.migrate import upgrade_engine
from callcenter.models.accounts import ApiKey, Role
from callcenter.models.buyers import Buyer, Target
from callcenter.models.calls import Call, CallStatus
from callcenter.models.campaigns import Campaign, CampaignStatus

DATABASE = "callcenter_bench_reports"
BATCH = 5_000


async def prepare_database(calls: int) -> tuple[str, str]:
    """A fresh database with ``calls`` settled calls over 30 days; returns its URL and an API key."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    await admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"
    engine = create_engine(url)
    await upgrade_engine(engine)
    key = new_api_key()
    rng = random.Random(7)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        session = AsyncSession(bind=conn)
        account = await accounts.create_account(session, name="Bench")
        session.add(
            ApiKey(
                account_id=account.id, name="bench", prefix=key[:10], key_hash=digest(key), role=Role.OWNER
            )
        )
        campaigns = [
            Campaign(
                account_id=account.id, name=f"Campaign {i}", status=CampaignStatus.ACTIVE, allowed_states=[]
            )
            for i in range(10)
        ]
        buyer = Buyer(account_id=account.id, name="Buyer")
        session.add_all([*campaigns, buyer])
        await session.flush()
        targets = [
            Target(account_id=account.id, buyer_id=buyer.id, name=f"Target {i}", destination="+14155550100")
            for i in range(20)
        ]
        for target in targets:
            target.allowed_states = []
        session.add_all(targets)
        await session.flush()
        rows = []
        for _ in range(calls):
            started = now - timedelta(seconds=rng.uniform(0, 30 * 86400))
            answered = rng.random() < 0.7
            converted = answered and rng.random() < 0.6
            target = rng.choice(targets)
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "account_id": account.id,
                    "call_sid": "CA" + uuid.uuid4().hex,
                    "campaign_id": rng.choice(campaigns).id,
                    "target_id": target.id if answered else None,
                    "buyer_id": buyer.id if answered else None,
                    "caller": f"+1212555{rng.randrange(10_000):04d}",
                    "called": "+14155550123",
                    "status": CallStatus.COMPLETED if answered else CallStatus.NO_ANSWER,
                    "started_at": started,
                    "answered_at": started + timedelta(seconds=3) if answered else None,
                    "ended_at": started + timedelta(seconds=95),
                    "duration_seconds": 95,
                    "connected_seconds": 90 if answered else 0,
                    "revenue": Decimal(35) if converted else Decimal(0),
                    "payout": Decimal(12) if converted else Decimal(0),
                    "converted": converted,
                    "attribution": {},
                }
            )
            if len(rows) == BATCH:
                await conn.execute(insert(Call), rows)
                rows = []
        if rows:
            await conn.execute(insert(Call), rows)
        await conn.execute(text("ANALYZE calls"))
    await engine.dispose()
    return url, key


def _window(days: int) -> dict[str, str]:
    end = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return {"start": (end - timedelta(days=days)).isoformat(), "end": end.isoformat(), "timezone": "UTC"}


async def run(rate: float, seconds: float, calls: int) -> list[Result]:
    database_url, key = await prepare_database(calls)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(database_url, port, 1)
    headers = {"Authorization": f"Bearer {key}"}
    today, month = _window(1), _window(30)
    yesterday_start = datetime.fromisoformat(today["start"]) - timedelta(days=1)
    # (name, path, query, share of the rate): month-long reports and exports are asked for far less often
    # than the dashboard, which refreshes every 30 seconds for every user looking at it.
    cases: list[tuple[str, str, dict[str, str], float]] = [
        ("one campaign (baseline)", "/api/campaigns", {"limit": "1"}, 1),
        ("summary, today", "/api/reports/summary", today, 1),
        ("timeline, today by hour", "/api/reports/timeline", today, 1),
        ("summary, 30 days", "/api/reports/summary", month, 0.25),
        ("timeline, 30 days by day", "/api/reports/timeline", {**month, "interval": "day"}, 0.25),
        (
            "CSV export, one day",
            "/api/calls/export.csv",
            {"started_from": yesterday_start.isoformat(), "started_to": today["start"]},
            0.1,
        ),
    ]
    try:
        async with httpx.AsyncClient(timeout=10) as probe:
            await wait_ready(probe, base)
            check = await probe.get(f"{base}/api/reports/summary", params=month, headers=headers)
            print(f"{check.json()['calls']} calls in the 30-day window")
        connector = aiohttp.TCPConnector(limit=200)
        async with aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=30), headers=headers
        ) as client:

            def sender(path: str, params: dict[str, str]) -> Callable[[int], Awaitable[bool]]:
                async def send(_: int) -> bool:
                    async with client.get(base + path, params=params) as response:
                        await response.read()
                        return response.status == 200

                return send

            results = []
            for name, path, params, share in cases:
                send = sender(path, params)
                await open_loop("warm-up", send, rate=rate * share, duration_s=1)
                results.append(await open_loop(name, send, rate=rate * share, duration_s=seconds))
            return results
    finally:
        server.terminate()
        server.wait(timeout=20)


def report(results: list[Result], rate: float, calls: int) -> None:
    print(f"open loop from {rate:.0f} req/s (see each row), PostgreSQL + Redis, {calls} calls over 30 days")
    print(HEADER)
    for result in results:
        print(result.row())
    baseline = results[0]
    for result in results[1:]:
        print(
            f"{result.name}: p50 {result.p50 / baseline.p50:.1f}x, "
            f"p99 {result.p99 / baseline.p99:.1f}x the baseline"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--calls", type=int, default=100_000)
    args, _ = parser.parse_known_args()
    started = time.perf_counter()
    results = asyncio.run(run(args.rate, args.seconds, args.calls))
    report(results, args.rate, args.calls)
    print(f"(bench took {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
