"""DNI rows for tests: a pool with numbers, a tracking tag, and a visitor posting to the tracker."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.dni import tracking
from callcenter.dni.schemas import TrackRequest, TrackResponse
from callcenter.live import LiveState
from callcenter.models.dni import TrackingTag
from callcenter.models.numbers import NumberPool, PhoneNumber
from tests.config_factories import create_number, create_pool


async def pool_with_numbers(
    session: AsyncSession, *, account_id: uuid.UUID, size: int, **pool_fields: Any
) -> tuple[NumberPool, list[PhoneNumber]]:
    pool = await create_pool(session, account_id=account_id, **pool_fields)
    numbers = [await create_number(session, account_id=account_id, pool_id=pool.id) for _ in range(size)]
    return pool, numbers


async def create_tag(
    session: AsyncSession,
    *,
    account_id: uuid.UUID,
    pool: NumberPool | None = None,
    number: PhoneNumber | None = None,
    **fields: Any,
) -> TrackingTag:
    tag = TrackingTag(
        account_id=account_id,
        name=fields.pop("name", f"Tag {uuid.uuid4().hex[:6]}"),
        code=fields.pop("code", uuid.uuid4().hex[:12]),
        pool_id=pool.id if pool else None,
        number_id=number.id if number else None,
        campaign_id=(pool.campaign_id if pool else number.campaign_id if number else None),
        **fields,
    )
    session.add(tag)
    await session.flush()
    return tag


def visitor_id() -> str:
    return uuid.uuid4().hex


async def visit(
    session: AsyncSession,
    live: LiveState,
    tag: TrackingTag,
    *,
    now: datetime,
    visitor: str | None = None,
    params: dict[str, str] | None = None,
    page_url: str = "https://landing.example/offer",
) -> TrackResponse:
    """One page view through the tracking service at a chosen time (the HTTP route uses the clock)."""
    request = TrackRequest(tag=tag.code, visitor_id=visitor, page_url=page_url, params=params or {})
    return await tracking.track(
        session, live, request, ip="198.51.100.7", user_agent="test", rate_per_minute=10_000, now=now
    )


async def post_track(client: httpx.AsyncClient, body: dict[str, Any], **headers: str) -> httpx.Response:
    """What t.js sends: the JSON body as text/plain (a CORS "simple" request)."""
    return await client.post(
        "/api/dni/track",
        content=json.dumps(body),
        headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": "https://landing.example", **headers},
    )
