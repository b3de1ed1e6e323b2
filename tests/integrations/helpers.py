"""Configuration and calls for integration tests, made through the API as a user would."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.calls import Call
from callcenter.models.campaigns import Campaign
from callcenter.models.integrations import DeliveryAttempt, OutboxDelivery
from callcenter.telephony.emulator import Transcript
from tests.calls.conftest import CheckedEmulator
from tests.calls.factories import make_campaign, make_number, make_target
from tests.config_factories import create_number, create_pool
from tests.factories import LoggedIn


async def integration(owner: LoggedIn, **fields: Any) -> dict[str, Any]:
    body = {"name": f"Integration {fields.get('event', fields.get('kind', 'x'))}", **fields}
    response = await owner.client.post("/api/integrations", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def routed_campaign(
    session: AsyncSession, owner: LoggedIn, *, revenue: Decimal = Decimal("25"), **fields: Any
) -> tuple[Campaign, str]:
    """An active campaign of the owner's account with one target and a number; returns it and the number."""
    campaign = await make_campaign(session, account_id=owner.account_id, **fields)
    await make_target(session, campaign=campaign, revenue=revenue)
    number = await make_number(session, campaign=campaign)
    return campaign, number.number


async def deliveries(session: AsyncSession, **where: Any) -> list[OutboxDelivery]:
    statement = (
        select(OutboxDelivery)
        .filter_by(**where)
        .order_by(OutboxDelivery.created_at)
        .execution_options(populate_existing=True)
    )
    return list(await session.scalars(statement))


async def attempts(session: AsyncSession, delivery_id: Any) -> list[DeliveryAttempt]:
    statement = (
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id == delivery_id)
        .order_by(DeliveryAttempt.attempt)
    )
    return list(await session.scalars(statement))


async def call_by_sid(session: AsyncSession, call_sid: str) -> Call:
    statement = select(Call).where(Call.call_sid == call_sid).execution_options(populate_existing=True)
    return (await session.scalars(statement)).one()


async def visitor_campaign(
    session: AsyncSession,
    owner: LoggedIn,
    *,
    custom_params: tuple[str, ...] = (),
    numbers: int = 3,
    **fields: Any,
) -> tuple[Campaign, str, uuid.UUID]:
    """An active campaign with a target and a pool of ``numbers`` shown by a tracking tag (DNI): returns
    the campaign, the tag's code and the pool's id."""
    campaign = await make_campaign(session, account_id=owner.account_id, **fields)
    await make_target(session, campaign=campaign, revenue=Decimal("25"))
    pool = await create_pool(session, account_id=owner.account_id, campaign_id=campaign.id)
    for _ in range(numbers):
        await create_number(session, account_id=owner.account_id, pool_id=pool.id)
    response = await owner.client.post(
        "/api/tracking-tags",
        json={
            "name": f"Tag {uuid.uuid4().hex[:6]}",
            "pool_id": str(pool.id),
            "custom_params": list(custom_params),
        },
    )
    assert response.status_code == 201, response.text
    return campaign, response.json()["code"], pool.id


async def visitor_call(
    client: httpx.AsyncClient,
    twilio: CheckedEmulator,
    *,
    tag: str,
    pool_id: uuid.UUID,
    params: dict[str, str],
    caller: str = "+12125550123",
    visitor_id: str | None = None,
    **call: Any,
) -> Transcript:
    """A visitor lands on the page with ``params`` (t.js reports them), then calls the number shown."""
    visit = {"tag": tag, "visitor_id": visitor_id or uuid.uuid4().hex, "page_url": "https://lp.example/"}
    shown = await client.post("/api/dni/track", json={**visit, "params": params})
    assert shown.status_code == 200, shown.text
    number = shown.json()["number_e164"]
    voice_path = f"/api/webhooks/pool/{pool_id}/voice"
    return await twilio.call(to=number, from_=caller, voice_path=voice_path, **call)
