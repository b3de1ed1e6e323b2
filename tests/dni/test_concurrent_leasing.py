"""50 visitors at once on a pool of 10, spread over two real server processes sharing the database.

The data is committed (no per-test transaction) so every request runs on a connection of its own in a
process of its own: on PostgreSQL the row locks decide, on SQLite the database file's write lock.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from callcenter.models.accounts import Account
from callcenter.models.base import utcnow
from callcenter.models.dni import PoolOverflow, TrackingTag, VisitorSession
from callcenter.models.numbers import NumberPool, OverflowPolicy
from callcenter.settings import Settings
from tests.config_factories import create_campaign
from tests.dni.factories import pool_with_numbers
from tests.factories import DEFAULT_PASSWORD, create_account_with_user
from tests.servers import servers

VISITORS = 50
POOL_SIZE = 10
DEFAULT_NUMBER = "+14155550177"


@dataclass
class Setup:
    email: str
    pools: dict[OverflowPolicy, tuple[NumberPool, set[str], str]]


@pytest.fixture
async def committed(engine: AsyncEngine) -> AsyncIterator[Setup]:
    """Two pools of 10 (one per overflow policy) with a tag each, committed; deleted afterwards."""
    async with AsyncSession(engine, expire_on_commit=False) as session:
        user = await create_account_with_user(session, account_name=f"DNI race {uuid.uuid4().hex[:6]}")
        campaign = await create_campaign(session, account_id=user.account_id)
        pools = {}
        for policy in OverflowPolicy:
            pool, numbers = await pool_with_numbers(
                session,
                account_id=user.account_id,
                size=POOL_SIZE,
                campaign_id=campaign.id,
                overflow_policy=policy,
                default_number=DEFAULT_NUMBER,
            )
            tag = TrackingTag(
                account_id=user.account_id, name=policy, code=uuid.uuid4().hex[:12], pool_id=pool.id
            )
            session.add(tag)
            pools[policy] = (pool, {n.number for n in numbers}, tag.code)
        await session.commit()
        try:
            yield Setup(email=user.email, pools=pools)
        finally:
            await session.execute(delete(Account).where(Account.id == user.account_id))
            await session.commit()


async def test_concurrent_visitors_never_share_a_live_number_and_overflow_is_applied_and_counted(
    committed: Setup, engine: AsyncEngine, settings: Settings, tmp_path: Path
) -> None:
    env = {
        "CALLCENTER_DATABASE_URL": settings.database_url,
        "CALLCENTER_REDIS_URL": settings.redis_url or "",
        "CALLCENTER_REDIS_PREFIX": f"cctest:{uuid.uuid4().hex}:",
        "CALLCENTER_DNI_TRACK_RATE_PER_MINUTE": "10000",
    }
    with servers(2, env, cwd=tmp_path) as running:
        async with httpx.AsyncClient(timeout=30) as client:
            rotation = itertools.cycle(running)
            requests = [
                (
                    policy,
                    client.post(
                        f"{next(rotation).url}/api/dni/track",
                        json={"tag": code, "visitor_id": f"visitor-{policy}-{i:03d}"},
                    ),
                )
                for policy, (_, _, code) in committed.pools.items()
                for i in range(VISITORS)
            ]
            responses = await asyncio.gather(*(request for _, request in requests))
            assert all(r.status_code == 200 for r in responses), [
                r.text for r in responses if r.status_code != 200
            ]
            login = await client.post(
                f"{running[0].url}/api/auth/login",
                json={"email": committed.email, "password": DEFAULT_PASSWORD},
            )
            assert login.status_code == 200
            health = {
                policy: (await client.get(f"{running[0].url}/api/pools/{pool.id}/health")).json()
                for policy, (pool, _, _) in committed.pools.items()
            }

    shown = {policy: Counter[str]() for policy in OverflowPolicy}
    for (policy, _), response in zip(requests, responses, strict=True):
        shown[policy][response.json()["number_e164"]] += 1

    # default_number: each pool number went to exactly one visitor, the other 40 saw the default number.
    _, numbers, _ = committed.pools[OverflowPolicy.DEFAULT_NUMBER]
    assert {n: c for n, c in shown[OverflowPolicy.DEFAULT_NUMBER].items() if n in numbers} == dict.fromkeys(
        numbers, 1
    )
    assert shown[OverflowPolicy.DEFAULT_NUMBER][DEFAULT_NUMBER] == VISITORS - POOL_SIZE
    # reuse_oldest: every number first went to one visitor alone; the 40 overflows share them, flagged.
    _, reused_numbers, _ = committed.pools[OverflowPolicy.REUSE_OLDEST]
    assert set(shown[OverflowPolicy.REUSE_OLDEST]) == reused_numbers
    assert sum(shown[OverflowPolicy.REUSE_OLDEST].values()) == VISITORS

    async with AsyncSession(engine) as session:
        for policy, (pool, _, _) in committed.pools.items():
            live = (
                await session.scalars(
                    select(VisitorSession).where(
                        VisitorSession.pool_id == pool.id, VisitorSession.expires_at > utcnow()
                    )
                )
            ).all()
            exclusive = Counter(s.number for s in live if not s.overflow)
            assert len(exclusive) == POOL_SIZE and set(exclusive.values()) == {1}, policy
            overflowed = [s for s in live if s.overflow]
            assert len(overflowed) == VISITORS - POOL_SIZE
            assert all(s.ambiguous == (policy is OverflowPolicy.REUSE_OLDEST) for s in overflowed)
            counted = (
                await session.scalars(select(PoolOverflow).where(PoolOverflow.pool_id == pool.id))
            ).all()
            assert len(counted) == VISITORS - POOL_SIZE
            assert {o.policy for o in counted} == {policy}
            assert (health[policy]["leased_now"], health[policy]["overflow_count"]) == (
                POOL_SIZE,
                VISITORS - POOL_SIZE,
            )
            assert health[policy]["exhausted_events"] == 1
