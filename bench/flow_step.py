"""One IVR flow step (flow webhook to the next TwiML) under open-loop load, against a bare fixed-TwiML
endpoint in the same run.

Setup: PostgreSQL + Redis (the scale-out configuration), one server process (uvicorn, uvloop),
signatures checked. A published flow ``start -> menu -> (1) play -> second menu``; before the timed
runs, one flow session per request is stored waiting at the first menu (each with its call), so every
measured request is a caller pressing 1: a signed ``POST /api/webhooks/flow/{session}?step=1&event=input``
that locks the session and its call, loads the journey, walks menu -> play -> second menu, writes the
session and five journey events, commits and answers ``<Say><Gather><Redirect>``.

Baseline: ``POST /bench/fixed-twiml`` on the same server (signature check and form parsing only), so the
ratio isolates the flow engine's own cost.

Usage: .venv/bin/python -m bench.flow_step [--rate 100] [--seconds 15]
Target: p99 under 15 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

import aiohttp
import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bench._openloop import HEADER, Result, open_loop
from bench.voice_webhook import ADMIN_URL, TOKEN, _free_port, start_server, wait_ready
from callcenter.accounts import service as accounts
from callcenter.auth.context import AuthContext, AuthMethod
from callcenter.flows import service as flows
from callcenter.flows.graph import FlowGraph
from callcenter.flows.schemas import FlowCreate
from callcenter.kit.db import create_engine
from callcenter.kit.migrate import upgrade_engine
from callcenter.models.accounts import Role
from callcenter.models.base import utcnow
from callcenter.models.calls import Call, CallStatus
from callcenter.models.campaigns import Campaign, CampaignStatus
from callcenter.models.flows import FlowSession, FlowSessionStatus
from callcenter.models.numbers import PhoneNumber
from callcenter.telephony.twilio import sign

DATABASE = "callcenter_bench_flow"
NUMBER = "+14155550124"

FLOW = {
    "nodes": [
        {"id": "start", "type": "start"},
        {
            "id": "menu",
            "type": "ivr_menu",
            "data": {"prompt": "Press 1 for sales, 2 for support.", "options": [{"key": "1"}, {"key": "2"}]},
        },
        {"id": "thanks", "type": "play", "data": {"text": "Great choice."}},
        {
            "id": "second",
            "type": "ivr_menu",
            "data": {
                "prompt": "Press 1 for new customers, 2 for existing ones.",
                "options": [{"key": "1"}, {"key": "2"}],
            },
        },
        {"id": "route", "type": "router"},
        {"id": "support", "type": "action", "data": {"action": "transfer", "number": "+14155550100"}},
        {"id": "bye", "type": "end", "data": {"message": "Goodbye."}},
    ],
    "edges": [
        {"source": "start", "target": "menu"},
        {"source": "menu", "source_handle": "1", "target": "thanks"},
        {"source": "menu", "source_handle": "2", "target": "support"},
        {"source": "menu", "source_handle": "timeout", "target": "bye"},
        {"source": "thanks", "target": "second"},
        {"source": "second", "source_handle": "1", "target": "route"},
        {"source": "second", "source_handle": "2", "target": "route"},
        {"source": "second", "source_handle": "timeout", "target": "bye"},
    ],
}


async def prepare_database(sessions: int) -> tuple[str, list[tuple[uuid.UUID, str]]]:
    """A fresh database with the flow published and ``sessions`` calls waiting at its first menu."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    await admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{DATABASE}"
    engine = create_engine(url)
    await upgrade_engine(engine)
    waiting: list[tuple[uuid.UUID, str]] = []
    async with engine.begin() as conn:
        session = AsyncSession(bind=conn)
        account = await accounts.create_account(session, name="Bench")
        auth = AuthContext(account_id=account.id, role=Role.OWNER, method=AuthMethod.SESSION)
        flow = await flows.create_flow(
            session, auth, FlowCreate(name="Bench IVR", graph=FlowGraph.model_validate(FLOW))
        )
        await flows.publish_flow(session, auth, flow.id)
        version_id = await session.scalar(
            text("SELECT id FROM call_flow_versions WHERE flow_id = :flow"), {"flow": flow.id}
        )
        campaign = Campaign(
            account_id=account.id,
            name="Bench",
            status=CampaignStatus.ACTIVE,
            allowed_states=[],
            settings={},
            flow_id=flow.id,
        )
        session.add(campaign)
        await session.flush()
        number = PhoneNumber(account_id=account.id, number=NUMBER, campaign_id=campaign.id)
        session.add(number)
        await session.flush()
        now = utcnow()
        for _ in range(sessions):
            call = Call(
                id=uuid.uuid4(),
                account_id=account.id,
                call_sid="CA" + uuid.uuid4().hex,
                campaign_id=campaign.id,
                number_id=number.id,
                caller=f"+1212{uuid.uuid4().int % 10**7:07d}",
                called=NUMBER,
                status=CallStatus.RINGING,
                started_at=now,
                attribution={},
            )
            state = {"node": "menu", "retries": 0, "digits": "", "gathered": {}, "notes": 4}
            flow_session_id = uuid.uuid4()
            session.add(call)
            session.add(
                FlowSession(
                    id=flow_session_id,
                    account_id=account.id,
                    call_id=call.id,
                    flow_id=flow.id,
                    version_id=version_id,
                    version=1,
                    status=FlowSessionStatus.ACTIVE,
                    node_id="menu",
                    step=1,
                    state={**state, "prompted_at": now.timestamp()},
                )
            )
            waiting.append((flow_session_id, call.call_sid))
            if len(waiting) % 500 == 0:
                await session.flush()
        await session.flush()
    await engine.dispose()
    return url, waiting


async def run(rate: float, seconds: float, workers: int) -> list[Result]:
    warm_up_s = 2.0
    needed = int(rate * (warm_up_s + seconds)) + 50
    database_url, waiting = await prepare_database(needed)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(database_url, port, workers)
    sessions = iter(waiting)
    try:
        async with httpx.AsyncClient(timeout=10) as probe:
            await wait_ready(probe, base)
        connector = aiohttp.TCPConnector(limit=400)
        async with aiohttp.ClientSession(
            connector=connector, timeout=aiohttp.ClientTimeout(total=10)
        ) as client:

            async def post(url: str, params: dict[str, str], marker: str) -> bool:
                headers = {"X-Twilio-Signature": sign(TOKEN, url, params)}
                async with client.post(url, data=params, headers=headers) as response:
                    return response.status == 200 and marker in await response.text()

            def flow_sender() -> Callable[[int], Awaitable[bool]]:
                async def send(_: int) -> bool:
                    session_id, call_sid = next(sessions)
                    url = f"{base}/api/webhooks/flow/{session_id}?step=1&event=input"
                    params = {
                        "CallSid": call_sid,
                        "AccountSid": "AC" + "0" * 32,
                        "From": "+12125550100",
                        "To": NUMBER,
                        "CallStatus": "in-progress",
                        "Digits": "1",
                    }
                    return await post(url, params, "new customers")

                return send

            async def fixed(_: int) -> bool:
                params = {"CallSid": "CA" + uuid.uuid4().hex, "To": NUMBER, "Digits": "1"}
                return await post(f"{base}/bench/fixed-twiml", params, "<Number>")

            step = flow_sender()
            await open_loop("warm-up", step, rate=rate, duration_s=warm_up_s)
            await open_loop("warm-up", fixed, rate=rate, duration_s=1)
            results = []
            for round_ in (1, 2, 3):
                results.append(
                    await open_loop(
                        f"fixed TwiML (baseline) #{round_}", fixed, rate=rate, duration_s=seconds / 3
                    )
                )
                results.append(
                    await open_loop(f"flow step #{round_}", step, rate=rate, duration_s=seconds / 3)
                )
            return results
    finally:
        server.terminate()
        server.wait(timeout=20)


def report(results: list[Result], rate: float, workers: int) -> None:
    processes = f"{workers} server process(es)"
    print(f"open loop at {rate:.0f} req/s, PostgreSQL + Redis, {processes}, menu -> play -> menu")
    print(HEADER)
    for result in results:
        print(result.row())
    baseline = [r for r in results if r.name.startswith("fixed")]
    steps = [r for r in results if r.name.startswith("flow")]
    merged_base = Result("baseline", 0, 0, 1, [x for r in baseline for x in r.latencies_ms])
    merged = Result("flow", 0, 0, 1, [x for r in steps for x in r.latencies_ms])
    print(
        f"flow step p50 {merged.p50:.2f} ms, p99 {merged.p99:.2f} ms (target < 15 ms); ratio to baseline "
        f"p50 {merged.p50 / merged_base.p50:.2f}x, p99 {merged.p99 / merged_base.p99:.2f}x; "
        f"errors {sum(r.errors for r in steps)}"
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
