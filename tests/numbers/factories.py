"""Keyword-only factories for numbers, pools, publishers and the campaigns they point at.

Campaign rows are inserted directly: this domain only needs them to exist in an account.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.kit.db import Database
from callcenter.models.campaigns import Campaign, CampaignStatus
from callcenter.models.numbers import NumberPool, PhoneNumber
from callcenter.models.publishers import Publisher
from tests.factories import LoggedIn

_serial = itertools.count()


def next_number() -> str:
    """A valid E.164 number not handed out before in this process (415-555-xxxx are all valid)."""
    return f"+1415555{next(_serial) % 10_000:04d}"


async def create_campaign(
    session: AsyncSession,
    *,
    account_id: uuid.UUID,
    name: str | None = None,
    status: CampaignStatus = CampaignStatus.ACTIVE,
) -> Campaign:
    campaign = Campaign(account_id=account_id, name=name or f"Campaign {uuid.uuid4().hex[:8]}", status=status)
    session.add(campaign)
    await session.flush()
    return campaign


async def create_publisher(
    session: AsyncSession, *, account_id: uuid.UUID, name: str | None = None, **fields: Any
) -> Publisher:
    publisher = Publisher(account_id=account_id, name=name or f"Publisher {uuid.uuid4().hex[:8]}", **fields)
    session.add(publisher)
    await session.flush()
    return publisher


async def create_pool(
    session: AsyncSession, *, account_id: uuid.UUID, name: str | None = None, **fields: Any
) -> NumberPool:
    pool = NumberPool(account_id=account_id, name=name or f"Pool {uuid.uuid4().hex[:8]}", **fields)
    session.add(pool)
    await session.flush()
    return pool


async def create_number(
    session: AsyncSession, *, account_id: uuid.UUID, number: str | None = None, **fields: Any
) -> PhoneNumber:
    row = PhoneNumber(account_id=account_id, number=number or next_number(), **fields)
    session.add(row)
    await session.flush()
    return row


@asynccontextmanager
async def app_session(logged_in: LoggedIn) -> AsyncIterator[AsyncSession]:
    """A session on the database of the app that ``logged_in`` talks to, committed on exit.

    Cross-tenant cases receive only the logged-in client, yet need campaign rows, which no API of this
    domain creates; this reaches the app's own database (in tests, the test's rolled-back transaction).
    """
    transport = logged_in.client._transport
    assert isinstance(transport, httpx.ASGITransport)
    database: Database = transport.app.state.database  # type: ignore[attr-defined]
    async with database.sessionmaker() as session:
        yield session
        await session.commit()


async def campaign_of(logged_in: LoggedIn, *, name: str | None = None) -> str:
    """Creates a campaign in the logged-in user's account and returns its id."""
    async with app_session(logged_in) as session:
        campaign = await create_campaign(session, account_id=logged_in.account_id, name=name)
        return str(campaign.id)
