"""200 simultaneous callers against a target capped at 5 concurrent calls: never more than 5 dials.

On PostgreSQL + Redis the calls are spread over 4 real server processes sharing Redis; on SQLite +
memory they hit one process concurrently. In both, the calls are committed for real (no per-test
transaction), so concurrency is genuine, and the account is deleted afterwards.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from callcenter.accounts import service as accounts
from callcenter.app import create_app
from callcenter.calls.snapshot import campaign_key, target_key
from callcenter.kit.db import Database
from callcenter.live import create_live_state
from callcenter.models.accounts import Account
from callcenter.routing import cap_periods
from callcenter.telephony.emulator import TwilioEmulator, new_call_sid
from tests.backends import POSTGRES
from tests.calls.factories import make_campaign, make_number, make_target
from tests.servers import servers

CALLS = 200
CAP = 5
PROCESSES = 4
FALLBACK = "+14155550999"


@pytest.fixture
async def committed_account(engine: AsyncEngine) -> AsyncIterator[tuple[AsyncSession, Account]]:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        account = await accounts.create_account(session, name=f"Load {uuid.uuid4().hex[:6]}")
        await session.commit()
        yield session, account
        await session.rollback()
        await session.execute(delete(Account).where(Account.id == account.id))
        await session.commit()


async def test_concurrent_calls_never_exceed_the_concurrency_cap(
    committed_account, engine: AsyncEngine, settings, backend: str
) -> None:
    session, account = committed_account
    campaign = await make_campaign(session, account_id=account.id, fallback_number=FALLBACK, max_attempts=1)
    target = await make_target(session, campaign=campaign, concurrency_cap=CAP)
    to = (await make_number(session, campaign=campaign)).number
    await session.commit()
    prefix = f"cctest:{uuid.uuid4().hex}:"

    async def run(emulators: list[TwilioEmulator]) -> None:
        rotation = itertools.cycle(emulators)
        starts = [
            (emulator, dict(CallSid=new_call_sid(), From=f"+1212555{i:04d}", To=to, CallStatus="ringing"))
            for i, emulator in zip(range(CALLS), rotation, strict=False)
        ]
        responses = await asyncio.gather(*(e.post("/api/webhooks/voice", p) for e, p in starts))
        bodies = [r.text for r in responses]
        dialing = [b for b in bodies if f"<Number>{target.destination}</Number>" in b]
        assert len(dialing) == CAP
        assert sum(f"<Number>{FALLBACK}</Number>" in b for b in bodies) == CALLS - CAP

        # The connected calls end: their dial results release the slots, the status callbacks settle.
        for (emulator, params), body in zip(starts, bodies, strict=True):
            if body in dialing:
                action = body.split('action="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
                result = dict(
                    params, DialCallStatus="completed", DialCallDuration="75", DialCallSid=new_call_sid()
                )
                assert (await emulator.post(action, result)).status_code == 200
        await asyncio.gather(
            *(
                e.post("/api/webhooks/status", dict(p, CallStatus="completed", CallDuration="80"))
                for e, p in starts
            )
        )

    if backend == POSTGRES:
        env = {
            "CALLCENTER_DATABASE_URL": settings.database_url,
            "CALLCENTER_REDIS_URL": settings.redis_url,
            "CALLCENTER_REDIS_PREFIX": prefix,
        }
        with servers(PROCESSES, env, cwd=Path(__file__).parent) as started:
            async with httpx.AsyncClient(timeout=30) as client:
                await run(
                    [TwilioEmulator(client, public_url=s.url, auth_token="test-secret") for s in started]
                )
        live = create_live_state(settings.redis_url, prefix=prefix)
    else:
        live = create_live_state(None)
        database = Database(settings, engine=engine)
        app = create_app(settings, database=database, live=live)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=settings.public_url
        ) as client:
            await run(
                [
                    TwilioEmulator(
                        client, public_url=settings.public_url, auth_token=settings.twilio_signing_token()
                    )
                ]
            )

    periods = cap_periods(campaign.timezone, dt.datetime.now(dt.UTC))
    usage = await live.usage([target_key(target.id), campaign_key(campaign.id)], periods)
    await live.close()
    assert usage[target_key(target.id)].live == 0
    assert usage[campaign_key(campaign.id)].live == 0
    assert usage[target_key(target.id)].daily == CAP
