"""``GET /api/pools/{id}/health``: size, leases now, shortages, overflows and a recommended size."""

from __future__ import annotations

import math
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.live import LiveState
from callcenter.models.base import utcnow
from tests.dni.factories import create_tag, pool_with_numbers, post_track, visit
from tests.factories import LoggedIn


async def test_health_of_an_unused_pool_recommends_its_size(session: AsyncSession, owner: LoggedIn) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=4)

    health = (await owner.client.get(f"/api/pools/{pool.id}/health")).json()

    assert health == {
        "pool_id": str(pool.id),
        "window_hours": 24,
        "size": 4,
        "leased_now": 0,
        "available_now": 4,
        "sessions": 0,
        "exhausted_events": 0,
        "overflow_count": 0,
        "peak_leased": 0,
        "peak_demand": 0,
        "recommended_size": 4,
    }


async def test_health_counts_leases_overflows_and_recommends_room_for_the_peak(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient
) -> None:
    pool, _ = await pool_with_numbers(
        session, account_id=owner.account_id, size=3, default_number="+14155550133"
    )
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    for _ in range(5):
        assert (await post_track(client, {"tag": tag.code})).status_code == 200

    health = (await owner.client.get(f"/api/pools/{pool.id}/health")).json()

    assert (health["size"], health["leased_now"], health["available_now"]) == (3, 3, 0)
    assert (health["sessions"], health["overflow_count"], health["exhausted_events"]) == (5, 2, 1)
    assert (health["peak_leased"], health["peak_demand"]) == (3, 5)
    assert health["recommended_size"] == math.ceil(5 * 1.2)


async def test_shortages_more_than_a_lease_apart_are_separate_exhaustion_events(
    session: AsyncSession, owner: LoggedIn, live: LiveState
) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=1, lease_seconds=60)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    start = utcnow() - timedelta(hours=2)
    for minute in (0, 10):  # one lease and one shortage in each burst
        for second in (0, 1, 30):
            await visit(session, live, tag, now=start + timedelta(minutes=minute, seconds=second))

    health = (await owner.client.get(f"/api/pools/{pool.id}/health")).json()
    recent = (await owner.client.get(f"/api/pools/{pool.id}/health", params={"hours": 1})).json()

    assert (health["overflow_count"], health["exhausted_events"], health["peak_demand"]) == (4, 2, 3)
    assert (recent["sessions"], recent["overflow_count"], recent["recommended_size"]) == (0, 0, 1)


async def test_health_window_is_checked(session: AsyncSession, owner: LoggedIn) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=1)
    response = await owner.client.get(f"/api/pools/{pool.id}/health", params={"hours": 0})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["hours"]
