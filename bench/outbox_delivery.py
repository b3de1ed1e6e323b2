"""Integrations under open-loop load: what firing them costs the voice webhook, and how soon they arrive.

Setup: PostgreSQL + Redis, one server process (uvicorn, uvloop) with its in-process outbox worker, the
campaign of ``bench/voice_webhook.py`` (20 capped targets), and two integrations on it: a signed JSON
webhook on ``incoming`` and a GET pixel on ``routed``, both to a receiver on loopback in this process.
Every voice webhook is a new caller, so every call writes two outbox deliveries in its transaction.

Measured, in alternating rounds at the same rate:
- the voice webhook with the integrations switched off (baseline) and on: p50/p99 and their ratio;
- delivery lag: from the voice webhook's response (the call change committed) to each delivery's
  arrival at the receiver; its baseline is this process posting the same request to the same receiver
  directly (what the network and receiver alone cost).

Then, in this process, what the event sink adds to one call's transaction (insert the call, emit
``incoming`` and ``routed``, commit), interleaved: no sink at all, the sink for an account without
integrations, and the sink firing the two integrations.

``--separate-worker`` runs the same with the server's own worker off and one ``callcenter worker``
process (polling every 0.1 s) delivering instead.

Usage: .venv/bin/python -m bench.outbox_delivery [--rate 100] [--seconds 12] [--separate-worker]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, urlsplit

import aiohttp
import httpx
from aiohttp import web
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench import voice_webhook
from bench._openloop import HEADER, Result, open_loop
from bench.voice_webhook import _free_port, prepare_database, signed_call, start_server, wait_ready
from callcenter.accounts import service as accounts
from callcenter.calls.extensions import CallEventName
from callcenter.integrations.events import IntegrationEvents, RuleCache
from callcenter.integrations.signing import new_secret
from callcenter.kit.db import create_engine
from callcenter.models.base import utcnow
from callcenter.models.calls import Call
from callcenter.models.campaigns import Campaign, CampaignStatus
from callcenter.models.integrations import HttpMethod, Integration, IntegrationKind

DATABASE = "callcenter_bench_outbox"


def bench_database_url() -> str:
    return voice_webhook.ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"


class Receiver:
    """Notes when each call's deliveries arrive (by CallSid, from the webhook body or the pixel URL)."""

    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = {}
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        now = time.perf_counter()
        if request.method == "POST":
            body = await request.text()
            sid = json.loads(body).get("data", {}).get("call_sid") if body.startswith("{") else None
        else:
            sid = parse_qs(urlsplit(str(request.url)).query).get("sid", [None])[0]
        if sid:
            self.arrivals.setdefault(sid, []).append(now)
        return web.Response(text="ok")


async def add_integrations(database_url: str, receiver_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        session = AsyncSession(bind=conn)
        campaign = (await session.scalars(select(Campaign))).one()
        session.add_all(
            [
                Integration(
                    account_id=campaign.account_id,
                    name="Incoming webhook",
                    kind=IntegrationKind.WEBHOOK,
                    event=CallEventName.INCOMING,
                    campaign_id=campaign.id,
                    method=HttpMethod.POST,
                    url=f"{receiver_url}/hook",
                    secret=new_secret(),
                    active=False,
                ),
                Integration(
                    account_id=campaign.account_id,
                    name="Routed pixel",
                    kind=IntegrationKind.PIXEL,
                    event=CallEventName.ROUTED,
                    campaign_id=campaign.id,
                    method=HttpMethod.GET,
                    url=f"{receiver_url}/px?sid={{call_sid}}&caller={{caller}}&target={{target_id}}",
                    active=False,
                ),
            ]
        )
        await session.flush()
    await engine.dispose()


async def switch(database_url: str, *, active: bool) -> None:
    """Switches the integrations on or off, and waits for the server's integration cache to notice."""
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(update(Integration).values(active=active))
    await engine.dispose()
    await asyncio.sleep(RuleCache().ttl_s + 0.5)


def lags_ms(responded: dict[str, float], arrivals: dict[str, list[float]]) -> tuple[list[float], int]:
    """Each delivery's arrival after its call's voice response; and how many never arrived."""
    lags, missing = [], 0
    for sid, at in responded.items():
        got = arrivals.get(sid, [])
        missing += max(0, 2 - len(got))
        lags.extend((t - at) * 1000 for t in got)
    return lags, missing


def start_worker(database_url: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, CALLCENTER_DATABASE_URL=database_url, CALLCENTER_LOG_LEVEL="WARNING")
    command = [sys.executable, "-m", "callcenter.cli", "worker", "--poll-interval", "0.1"]
    return subprocess.Popen(command, env=env)


async def run(
    rate: float, seconds: float, *, separate_worker: bool
) -> tuple[list[Result], Result, Result, int]:
    os.environ["CALLCENTER_ALLOW_PRIVATE_URLS"] = "true"  # the receiver is on loopback
    os.environ["CALLCENTER_RUN_OUTBOX_WORKER"] = "false" if separate_worker else "true"
    # The voice bench's configuration, in a database of its own (benches may run side by side).
    voice_webhook.DATABASE = DATABASE
    database_url = await prepare_database()
    receiver = Receiver()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    await add_integrations(database_url, receiver.url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(database_url, port, 1)
    worker = start_worker(database_url) if separate_worker else None
    responded: dict[str, float] = {}
    try:
        async with httpx.AsyncClient(timeout=10) as probe:
            await wait_ready(probe, base)
        async with aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=400), timeout=aiohttp.ClientTimeout(total=10)
        ) as client:

            def voice(record: bool) -> Callable[[int], Awaitable[bool]]:
                async def send(_: int) -> bool:
                    url, params, headers = signed_call(base, "/api/webhooks/voice")
                    async with client.post(url, data=params, headers=headers) as response:
                        ok = response.status == 200 and "<Number>+14155551" in await response.text()
                    if ok and record:
                        responded[params["CallSid"]] = time.perf_counter()
                    return ok

                return send

            async def direct(_: int) -> bool:
                payload = json.dumps(
                    {"type": "call.incoming", "data": {"call_sid": f"direct-{uuid.uuid4()}"}}
                )
                async with client.post(f"{receiver.url}/hook", data=payload) as response:
                    return response.status == 200

            await open_loop("warm-up", voice(False), rate=rate, duration_s=2)
            results = []
            for round_ in (1, 2, 3):
                await switch(database_url, active=False)
                results.append(
                    await open_loop(
                        f"voice, no integrations #{round_}", voice(False), rate=rate, duration_s=seconds / 3
                    )
                )
                await switch(database_url, active=True)
                results.append(
                    await open_loop(
                        f"voice + 2 integrations #{round_}", voice(True), rate=rate, duration_s=seconds / 3
                    )
                )
            for _ in range(150):  # up to 30 s for the last deliveries to land
                if not lags_ms(responded, receiver.arrivals)[1]:
                    break
                await asyncio.sleep(0.2)
            direct_result = await open_loop(
                "direct POST to receiver", direct, rate=rate, duration_s=seconds / 3
            )
        lags, missing = lags_ms(responded, receiver.arrivals)
        lag_result = Result("delivery lag", len(responded) * 2, missing, 1, lags)
        return results, lag_result, direct_result, missing
    finally:
        for process in (server, worker):
            if process is not None:
                process.terminate()
                process.wait(timeout=40)
        await runner.cleanup()


async def sink_costs(database_url: str, rounds: int = 600) -> dict[str, list[float]]:
    engine = create_engine(database_url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session, session.begin():
        firing = (await session.scalars(select(Campaign))).one()
        other = await accounts.create_account(session, name=f"No integrations {uuid.uuid4().hex[:6]}")
        plain = Campaign(account_id=other.id, name="Plain", status=CampaignStatus.ACTIVE)
        session.add(plain)
    events = IntegrationEvents()

    async def one(campaign: Campaign, emit: bool) -> float:
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            call = Call(
                id=uuid.uuid4(),
                account_id=campaign.account_id,
                call_sid=f"CA{uuid.uuid4().hex}",
                campaign_id=campaign.id,
                caller="+12125550123",
                called="+14155550123",
                started_at=utcnow(),
                attribution={},
            )
            session.add(call)
            if emit:
                await events.emit(session, call, CallEventName.INCOMING)
                await events.emit(session, call, CallEventName.ROUTED)
        return (time.perf_counter() - started) * 1000

    costs: dict[str, list[float]] = {"no sink": [], "sink, no integrations": [], "sink, 2 firing": []}
    for _ in range(rounds):
        costs["no sink"].append(await one(plain, False))
        costs["sink, no integrations"].append(await one(plain, True))
        costs["sink, 2 firing"].append(await one(firing, True))
    await engine.dispose()
    return costs


def report(results: list[Result], lag: Result, direct: Result, rate: float, *, separate_worker: bool) -> None:
    where = "a separate worker process" if separate_worker else "the server's own worker"
    print(
        f"open loop at {rate:.0f} calls/s, PostgreSQL + Redis, 2 integrations per call, delivered by {where}"
    )
    print(HEADER)
    for result in [*results, direct]:
        print(result.row())
    off = Result("off", 0, 0, 1, [x for r in results if "no integrations" in r.name for x in r.latencies_ms])
    on = Result("on", 0, 0, 1, [x for r in results if "+ 2 integrations" in r.name for x in r.latencies_ms])
    print(
        f"voice webhook with integrations: p50 {on.p50:.2f} ms, p99 {on.p99:.2f} ms; ratio to without "
        f"p50 {on.p50 / off.p50:.2f}x, p99 {on.p99 / off.p99:.2f}x"
    )
    print(
        f"delivery lag (voice response -> arrival): p50 {lag.p50:.2f} ms, p99 {lag.p99:.2f} ms over "
        f"{len(lag.latencies_ms)} deliveries, {lag.errors} missing; direct POST p50 {direct.p50:.2f} ms, "
        f"p99 {direct.p99:.2f} ms; ratio p50 {lag.p50 / direct.p50:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--separate-worker", action="store_true")
    args, _ = parser.parse_known_args()
    started = time.perf_counter()
    results, lag, direct, _ = asyncio.run(run(args.rate, args.seconds, separate_worker=args.separate_worker))
    report(results, lag, direct, args.rate, separate_worker=args.separate_worker)
    costs = asyncio.run(sink_costs(bench_database_url()))
    print("one call's transaction (insert, emit incoming + routed, commit), interleaved 600 times:")
    for case, values in costs.items():
        measured = Result(case, 0, 0, 1, values)
        mean = statistics.fmean(values)
        print(f"  {case:<24} p50 {measured.p50:.3f} ms  p99 {measured.p99:.3f} ms  mean {mean:.3f} ms")
    print(f"(bench took {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
