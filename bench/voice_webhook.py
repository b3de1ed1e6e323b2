"""Voice webhook to TwiML under open-loop load, against a bare fixed-TwiML endpoint in the same run.

Setup: PostgreSQL + Redis (the scale-out configuration), one server process (uvicorn, uvloop), a campaign
with 20 assigned targets, every cap kind set at target, buyer and campaign level, signatures checked.
The load comes from this process (the server is a second process) on loopback. Each voice call is a
new caller, so every request does the full work: number lookup, call record, routing snapshot (database
+ live usage), decision, atomic slot reservation in Redis, attempt and journey rows, commit, TwiML.

Baseline: ``POST /bench/fixed-twiml`` on the same server returns a constant TwiML document after parsing
and signature-checking the same form, so the ratio isolates the engine's own cost.

Usage: .venv/bin/python -m bench.voice_webhook [--rate 100] [--seconds 10]
Targets: p99 under 25 ms and p50 ratio under 3 at 100 calls/s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal

import aiohttp
import httpx
from fastapi import FastAPI, Response
from sqlalchemy import text

from bench._openloop import HEADER, Result, open_loop
from callcenter.accounts import service as accounts
from callcenter.app import create_app
from callcenter.kit.db import create_engine
from callcenter.kit.migrate import upgrade_engine
from callcenter.models.buyers import Buyer, CampaignTarget, Target
from callcenter.models.campaigns import Campaign, CampaignStatus
from callcenter.models.numbers import PhoneNumber
from callcenter.telephony.endpoints import TwilioParams
from callcenter.telephony.twilio import sign

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DATABASE = "callcenter_bench"
TOKEN = "bench-secret"
NUMBER = "+14155550123"
FIXED_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Dial answerOnBridge="true" timeout="30">'
    "<Number>+14155550100</Number></Dial></Response>"
)


def create_bench_app() -> FastAPI:
    """The product app plus the baseline route (bench only; never part of the product)."""
    app = create_app()

    @app.post("/bench/fixed-twiml")
    async def fixed_twiml(params: TwilioParams) -> Response:
        return Response(FIXED_TWIML, media_type="application/xml")

    # The static-files mount is registered last by create_app; keep the baseline route in front of it.
    app.router.routes.insert(0, app.router.routes.pop())
    return app


async def prepare_database() -> str:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    await admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"
    engine = create_engine(url)
    await upgrade_engine(engine)
    caps = {
        "concurrency_cap": 100_000,
        "hourly_cap": 100_000,
        "daily_cap": 1_000_000,
        "monthly_cap": 1_000_000,
    }
    async with engine.begin() as conn:
        from sqlalchemy.ext.asyncio import AsyncSession

        session = AsyncSession(bind=conn)
        account = await accounts.create_account(session, name="Bench")
        campaign = Campaign(
            account_id=account.id,
            name="Bench",
            status=CampaignStatus.ACTIVE,
            allowed_states=[],
            settings={},
            fallback_number="+14155550199",
            **caps,
        )
        session.add(campaign)
        await session.flush()
        for i in range(20):
            buyer = Buyer(account_id=account.id, name=f"Buyer {i}", **caps)
            session.add(buyer)
            await session.flush()
            target = Target(
                account_id=account.id,
                buyer_id=buyer.id,
                name=f"Target {i}",
                destination=f"+1415555{1000 + i}",
                priority=1 + i % 3,
                weight=1 + i,
                revenue=Decimal(20 + i),
                allowed_states=[],
                schedule={
                    "timezone": "America/New_York",
                    "weekly": {
                        d: [{"start": "00:00", "end": "00:00"}]
                        for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
                    },
                    "holidays": [],
                },
                **caps,
            )
            session.add(target)
            await session.flush()
            session.add(CampaignTarget(account_id=account.id, campaign_id=campaign.id, target_id=target.id))
        session.add(PhoneNumber(account_id=account.id, number=NUMBER, campaign_id=campaign.id))
        await session.flush()
    await engine.dispose()
    return url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(database_url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        CALLCENTER_DATABASE_URL=database_url,
        CALLCENTER_REDIS_URL=REDIS_URL,
        CALLCENTER_REDIS_PREFIX=f"bench:{uuid.uuid4().hex}:",
        CALLCENTER_PUBLIC_URL=f"http://127.0.0.1:{port}",
        CALLCENTER_TWILIO_AUTH_TOKEN=TOKEN,
        CALLCENTER_LOG_LEVEL="WARNING",
        CALLCENTER_DATABASE_POOL_SIZE="20",
    )
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.voice_webhook:create_bench_app",
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


async def wait_ready(client: httpx.AsyncClient, base: str) -> None:
    for _ in range(150):
        try:
            if (await client.get(f"{base}/api/health")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("server did not start")


def signed_call(base: str, path: str) -> tuple[str, dict[str, str], dict[str, str]]:
    params = {
        "CallSid": "CA" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": f"+1212{uuid.uuid4().int % 10**7:07d}",
        "To": NUMBER,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "FromState": "CA",
    }
    url = base + path
    return url, params, {"X-Twilio-Signature": sign(TOKEN, url, params)}


async def run(rate: float, seconds: float, workers: int) -> list[Result]:
    database_url = await prepare_database()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(database_url, port, workers)
    try:
        async with httpx.AsyncClient(timeout=10) as probe:
            await wait_ready(probe, base)
        # aiohttp drives the load: it spends a fraction of httpx's CPU per request, so the client adds
        # less noise to what is measured on this 2-core machine.
        connector = aiohttp.TCPConnector(limit=400)
        async with aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=10)
        ) as client:

            def sender(path: str, marker: str) -> Callable[[int], Awaitable[bool]]:
                async def send(_: int) -> bool:
                    url, params, headers = signed_call(base, path)
                    async with client.post(url, data=params, headers=headers) as response:
                        return response.status == 200 and marker in await response.text()

                return send

            voice = sender("/api/webhooks/voice", "<Number>+14155551")
            fixed = sender("/bench/fixed-twiml", "<Number>")
            await open_loop("warm-up", voice, rate=rate, duration_s=2)
            await open_loop("warm-up", fixed, rate=rate, duration_s=1)
            results = []
            for round_ in (1, 2, 3):
                results.append(
                    await open_loop(
                        f"fixed TwiML (baseline) #{round_}", fixed, rate=rate, duration_s=seconds / 3
                    )
                )
                results.append(
                    await open_loop(f"voice webhook #{round_}", voice, rate=rate, duration_s=seconds / 3)
                )
            return results
    finally:
        server.terminate()
        server.wait(timeout=20)


def report(results: list[Result], rate: float, workers: int) -> None:
    print(
        f"open loop at {rate:.0f} req/s, PostgreSQL + Redis, 20 capped targets, {workers} server process(es)"
    )
    print(HEADER)
    for result in results:
        print(result.row())
    baseline = [r for r in results if r.name.startswith("fixed")]
    voice = [r for r in results if r.name.startswith("voice")]
    merged_base = Result("baseline", 0, 0, 1, [x for r in baseline for x in r.latencies_ms])
    merged_voice = Result("voice", 0, 0, 1, [x for r in voice for x in r.latencies_ms])
    p50_ratio = merged_voice.p50 / merged_base.p50
    p99_ratio = merged_voice.p99 / merged_base.p99
    print(
        f"voice p50 {merged_voice.p50:.2f} ms, p99 {merged_voice.p99:.2f} ms; ratio to baseline "
        f"p50 {p50_ratio:.2f}x, p99 {p99_ratio:.2f}x; errors {sum(r.errors for r in voice)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=1, help="server processes (uvicorn workers)")
    args, _ = parser.parse_known_args()
    started = time.perf_counter()
    results = asyncio.run(run(args.rate, args.seconds, args.workers))
    report(results, args.rate, args.workers)
    print(f"(bench took {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
