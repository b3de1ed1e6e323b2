"""Keyword-only factories for configuration rows, inserted directly.

For tests that need a row in a given state (a paused buyer, a number already in a pool) rather than the
API that makes it. Each factory flushes, so the row has its id; ``**fields`` sets any other column, and
columns left out take the model's defaults. Campaigns start active, unlike the API's drafts, because most
tests want a campaign that takes calls.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.buyers import Buyer, CampaignTarget, Target
from callcenter.models.campaigns import Campaign, CampaignStatus
from callcenter.models.numbers import NumberPool, PhoneNumber
from callcenter.models.publishers import Publisher

RowT = TypeVar("RowT")

_serial = itertools.count()


def unique_name(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def next_e164() -> str:
    """A valid US number not handed out before in this process.

    +1 415 555 1000 to 9999 (all valid per phonenumbers): numbers that tests spell out use 555 01xx, so
    a generated one never clashes with them.
    """
    return f"+1415555{1000 + next(_serial) % 9000:04d}"


async def _add(session: AsyncSession, row: RowT) -> RowT:
    session.add(row)
    await session.flush()
    return row


async def create_campaign(
    session: AsyncSession,
    *,
    account_id: uuid.UUID,
    name: str | None = None,
    status: CampaignStatus = CampaignStatus.ACTIVE,
    **fields: Any,
) -> Campaign:
    campaign = Campaign(account_id=account_id, name=name or unique_name("Campaign"), status=status, **fields)
    return await _add(session, campaign)


async def create_buyer(
    session: AsyncSession, *, account_id: uuid.UUID, name: str | None = None, **fields: Any
) -> Buyer:
    return await _add(session, Buyer(account_id=account_id, name=name or unique_name("Buyer"), **fields))


async def create_target(
    session: AsyncSession,
    *,
    buyer: Buyer,
    name: str | None = None,
    destination: str = "+14155550100",
    **fields: Any,
) -> Target:
    target = Target(
        account_id=buyer.account_id,
        buyer_id=buyer.id,
        name=name or unique_name("Target"),
        destination=destination,
        **fields,
    )
    return await _add(session, target)


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
    return await _add(session, link)


async def create_publisher(
    session: AsyncSession, *, account_id: uuid.UUID, name: str | None = None, **fields: Any
) -> Publisher:
    return await _add(
        session, Publisher(account_id=account_id, name=name or unique_name("Publisher"), **fields)
    )


async def create_pool(
    session: AsyncSession, *, account_id: uuid.UUID, name: str | None = None, **fields: Any
) -> NumberPool:
    return await _add(session, NumberPool(account_id=account_id, name=name or unique_name("Pool"), **fields))


async def create_number(
    session: AsyncSession, *, account_id: uuid.UUID, number: str | None = None, **fields: Any
) -> PhoneNumber:
    return await _add(session, PhoneNumber(account_id=account_id, number=number or next_e164(), **fields))
