"""Keyword-only factories for campaign tests.

Buyers, targets, numbers and pools belong to other domains whose APIs are written alongside this one, so
their rows are inserted directly. Campaigns are inserted directly too where a test needs one in a given
state (its status, say) rather than exercising the API.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.accounts import service as accounts
from callcenter.auth.context import AuthContext, AuthMethod
from callcenter.kit.db import Database
from callcenter.models.accounts import Role
from callcenter.models.buyers import Buyer, CampaignTarget, PartyStatus, Target
from callcenter.models.campaigns import Campaign, CampaignStatus
from callcenter.models.numbers import NumberPool, PhoneNumber
from tests.factories import LoggedIn

_numbers = itertools.count(1000)

# Open Monday to Friday 09:00-17:00 in New York.
OFFICE_HOURS: dict[str, Any] = {
    "timezone": "America/New_York",
    "weekly": {day: [{"start": "09:00", "end": "17:00"}] for day in ("mon", "tue", "wed", "thu", "fri")},
}


def _unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


async def _add(session: AsyncSession, row: Any) -> Any:
    session.add(row)
    await session.flush()
    return row


async def create_tenant(session: AsyncSession) -> AuthContext:
    """An account and an owner's auth context, for calling services directly (no login, no hashing)."""
    account = await accounts.create_account(session, name=_unique("Account"))
    return AuthContext(account_id=account.id, role=Role.OWNER, method=AuthMethod.SESSION)


async def create_campaign(
    session: AsyncSession,
    *,
    account_id: uuid.UUID,
    name: str | None = None,
    status: CampaignStatus = CampaignStatus.DRAFT,
    **settings: Any,
) -> Campaign:
    campaign = Campaign(account_id=account_id, name=name or _unique("Campaign"), status=status, **settings)
    result: Campaign = await _add(session, campaign)
    return result


async def create_buyer(
    session: AsyncSession, *, account_id: uuid.UUID, status: PartyStatus = PartyStatus.ACTIVE
) -> Buyer:
    result: Buyer = await _add(session, Buyer(account_id=account_id, name=_unique("Buyer"), status=status))
    return result


async def create_target(
    session: AsyncSession,
    *,
    buyer: Buyer,
    name: str | None = None,
    status: PartyStatus = PartyStatus.ACTIVE,
    priority: int = 1,
    weight: int = 1,
    schedule: dict[str, Any] | None = None,
    destination: str = "+14155550100",
) -> Target:
    target = Target(
        account_id=buyer.account_id,
        buyer_id=buyer.id,
        name=name or _unique("Target"),
        destination=destination,
        status=status,
        priority=priority,
        weight=weight,
        schedule=schedule,
    )
    result: Target = await _add(session, target)
    return result


async def create_active_target(
    session: AsyncSession, *, account_id: uuid.UUID, schedule: dict[str, Any] | None = None, **fields: Any
) -> Target:
    """A target of a fresh active buyer."""
    buyer = await create_buyer(session, account_id=account_id)
    return await create_target(session, buyer=buyer, schedule=schedule, **fields)


async def assign(
    session: AsyncSession,
    *,
    campaign: Campaign,
    target: Target,
    priority: int | None = None,
    weight: int | None = None,
) -> CampaignTarget:
    link = CampaignTarget(
        account_id=campaign.account_id,
        campaign_id=campaign.id,
        target_id=target.id,
        priority=priority,
        weight=weight,
    )
    result: CampaignTarget = await _add(session, link)
    return result


async def create_pool(
    session: AsyncSession, *, account_id: uuid.UUID, campaign: Campaign | None = None
) -> NumberPool:
    pool = NumberPool(
        account_id=account_id, name=_unique("Pool"), campaign_id=campaign.id if campaign else None
    )
    result: NumberPool = await _add(session, pool)
    return result


async def create_number(
    session: AsyncSession,
    *,
    account_id: uuid.UUID,
    campaign: Campaign | None = None,
    pool: NumberPool | None = None,
) -> PhoneNumber:
    number = PhoneNumber(
        account_id=account_id,
        number=f"+1415555{next(_numbers):04d}",
        campaign_id=campaign.id if campaign else None,
        pool_id=pool.id if pool else None,
    )
    result: PhoneNumber = await _add(session, number)
    return result


async def post_campaign(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    """Creates a campaign through the API and returns its JSON."""
    response = await client.post("/api/campaigns", json={"name": _unique("Campaign"), **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@asynccontextmanager
async def app_session(logged_in: LoggedIn) -> AsyncIterator[AsyncSession]:
    """A session on the app's database (the test's rolled-back transaction), for tenant cases, which get
    only a logged-in client. Its commit releases a savepoint; the test still rolls everything back."""
    transport = logged_in.client._transport
    assert isinstance(transport, httpx.ASGITransport)
    database: Database = transport.app.state.database  # type: ignore[attr-defined]
    async with database.sessionmaker() as session:
        yield session
        await session.commit()
