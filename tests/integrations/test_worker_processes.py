"""Real ``callcenter worker`` processes on a committed PostgreSQL database: several workers never deliver
one message twice, and a worker killed with SIGKILL in the middle of a burst loses nothing and repeats
only what it had in flight (receivers drop repeats by ``webhook-id``)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from callcenter.accounts import service as accounts
from callcenter.calls.extensions import CallEventName
from callcenter.integrations.events import IntegrationEvents
from callcenter.integrations.signing import new_secret
from callcenter.kit.db import create_engine
from callcenter.kit.migrate import upgrade_engine
from callcenter.models.base import utcnow
from callcenter.models.calls import Call
from callcenter.models.campaigns import Campaign, CampaignStatus
from callcenter.models.integrations import (
    DeliveryStatus,
    HttpMethod,
    Integration,
    IntegrationKind,
    OutboxDelivery,
)
from tests.backends import POSTGRES_ADMIN_URL, require_postgres_and_redis
from tests.integrations.receiver import Receiver, serve

pytestmark = pytest.mark.slow

EVENTS = 1000
CONCURRENCY = 16


@pytest.fixture(scope="module")
async def committed_database_url() -> AsyncIterator[str]:
    """A database of its own whose commits the worker processes see (not the rolled-back test one)."""
    require_postgres_and_redis()
    name = f"callcenter_outbox_{os.getpid()}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=0)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = create_engine(url)
    await upgrade_engine(engine)
    await engine.dispose()
    yield url
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def _webhook(
    sessions: async_sessionmaker[AsyncSession], receiver_url: str
) -> tuple[uuid.UUID, uuid.UUID]:
    async with sessions() as session, session.begin():
        account = await accounts.create_account(session, name=f"Outbox {uuid.uuid4().hex[:6]}")
        campaign = Campaign(account_id=account.id, name="Burst", status=CampaignStatus.ACTIVE)
        session.add(campaign)
        await session.flush()
        session.add(
            Integration(
                account_id=account.id,
                name="Hook",
                kind=IntegrationKind.WEBHOOK,
                event=CallEventName.INCOMING,
                method=HttpMethod.POST,
                url=f"{receiver_url}/hook",
                timeout_ms=2000,
                secret=new_secret(),
            )
        )
        return account.id, campaign.id


async def _burst(
    sessions: async_sessionmaker[AsyncSession], account_id: uuid.UUID, campaign_id: uuid.UUID, *, count: int
) -> None:
    """``count`` incoming calls, 50 per transaction, each writing its webhook with the call."""
    events = IntegrationEvents()
    for start in range(0, count, 50):
        async with sessions() as session, session.begin():
            for i in range(start, min(start + 50, count)):
                call = Call(
                    id=uuid.uuid4(),
                    account_id=account_id,
                    call_sid=f"CA{uuid.uuid4().hex}",
                    campaign_id=campaign_id,
                    caller=f"+1212555{i % 10000:04d}",
                    called="+14155550100",
                    started_at=utcnow(),
                    attribution={},
                )
                session.add(call)
                await events.emit(session, call, CallEventName.INCOMING)
        await asyncio.sleep(0.01)


async def _start_worker(database_url: str) -> asyncio.subprocess.Process:
    env = dict(
        os.environ,
        CALLCENTER_DATABASE_URL=database_url,
        CALLCENTER_ALLOW_PRIVATE_URLS="true",
        CALLCENTER_LOG_LEVEL="WARNING",
        CALLCENTER_REDIS_URL="",
    )
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "callcenter.cli",
        "worker",
        "--concurrency",
        str(CONCURRENCY),
        "--poll-interval",
        "0.05",
        "--lease-margin",
        "1",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def _wait_until(condition: Callable[[], bool], *, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def _statuses(sessions: async_sessionmaker[AsyncSession], account_id: uuid.UUID) -> Counter[str]:
    async with sessions() as session:
        rows = await session.execute(
            select(OutboxDelivery.status, func.count())
            .where(OutboxDelivery.account_id == account_id)
            .group_by(OutboxDelivery.status)
        )
        return Counter({str(status): count for status, count in rows})


async def test_two_workers_deliver_every_message_exactly_once(committed_database_url: str) -> None:
    engine = create_engine(committed_database_url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    workers: list[asyncio.subprocess.Process] = []
    try:
        async with serve(Receiver(delay_s=0.005)) as receiver:
            account_id, campaign_id = await _webhook(sessions, receiver.url)
            workers = [
                await _start_worker(committed_database_url),
                await _start_worker(committed_database_url),
            ]
            await _burst(sessions, account_id, campaign_id, count=EVENTS)
            await _wait_until(lambda: len(set(receiver.ids())) >= EVENTS, timeout_s=90, what="every webhook")
            await asyncio.sleep(0.5)
            assert len(receiver.requests) == EVENTS, "a message was delivered twice"
        assert await _statuses(sessions, account_id) == Counter({DeliveryStatus.DELIVERED: EVENTS})
    finally:
        for worker in workers:
            worker.terminate()
            await worker.wait()
        await engine.dispose()


async def test_a_worker_killed_mid_burst_loses_nothing_and_repeats_only_its_in_flight_requests(
    committed_database_url: str,
) -> None:
    engine = create_engine(committed_database_url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    replacement: asyncio.subprocess.Process | None = None
    try:
        async with serve(Receiver(delay_s=0.02)) as receiver:
            account_id, campaign_id = await _webhook(sessions, receiver.url)
            first = await _start_worker(committed_database_url)
            burst = asyncio.create_task(_burst(sessions, account_id, campaign_id, count=EVENTS))
            await _wait_until(lambda: len(receiver.requests) >= 300, timeout_s=60, what="the burst to start")
            first.kill()  # SIGKILL: no clean-up, claims left as they are
            await first.wait()
            received_at_kill = len(set(receiver.ids()))
            assert received_at_kill < EVENTS, "the worker finished before it was killed"

            replacement = await _start_worker(committed_database_url)
            await burst
            await _wait_until(lambda: len(set(receiver.ids())) >= EVENTS, timeout_s=90, what="every webhook")
            await asyncio.sleep(0.5)

        repeats = {msg: n for msg, n in Counter(receiver.ids()).items() if n > 1}
        assert len(set(receiver.ids())) == EVENTS  # none lost
        assert len(repeats) <= CONCURRENCY, f"more repeats than requests in flight: {len(repeats)}"
        assert all(n == 2 for n in repeats.values())
        assert await _statuses(sessions, account_id) == Counter({DeliveryStatus.DELIVERED: EVENTS})
    finally:
        if replacement is not None:
            replacement.terminate()
            await replacement.wait()
        await engine.dispose()
