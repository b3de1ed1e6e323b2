"""Configuration rows for call tests, written directly (keyword-only factories)."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.buyers import Buyer, CampaignTarget, Target
from callcenter.models.campaigns import Campaign, CampaignStatus
from callcenter.models.numbers import PhoneNumber

_numbers = itertools.count(100)


def next_e164() -> str:
    """A fresh valid US number (+1 415 555 01xx style, valid per phonenumbers)."""
    return f"+1415555{next(_numbers) % 10000:04d}"


async def make_campaign(session: AsyncSession, *, account_id: uuid.UUID, **fields: Any) -> Campaign:
    campaign = Campaign(
        account_id=account_id,
        name=fields.pop("name", f"Campaign {uuid.uuid4().hex[:6]}"),
        status=fields.pop("status", CampaignStatus.ACTIVE),
        timezone=fields.pop("timezone", "America/New_York"),
        allowed_states=fields.pop("allowed_states", []),
        settings={},
        **fields,
    )
    session.add(campaign)
    await session.flush()
    return campaign


async def make_buyer(session: AsyncSession, *, account_id: uuid.UUID, **fields: Any) -> Buyer:
    buyer = Buyer(account_id=account_id, name=fields.pop("name", f"Buyer {uuid.uuid4().hex[:6]}"), **fields)
    session.add(buyer)
    await session.flush()
    return buyer


async def make_target(
    session: AsyncSession,
    *,
    campaign: Campaign,
    buyer: Buyer | None = None,
    destination: str | None = None,
    revenue: Decimal = Decimal("25"),
    **fields: Any,
) -> Target:
    buyer = buyer or await make_buyer(session, account_id=campaign.account_id)
    target = Target(
        account_id=campaign.account_id,
        buyer_id=buyer.id,
        name=fields.pop("name", f"Target {uuid.uuid4().hex[:6]}"),
        destination=destination or next_e164(),
        revenue=revenue,
        allowed_states=fields.pop("allowed_states", []),
        **fields,
    )
    session.add(target)
    await session.flush()
    session.add(CampaignTarget(account_id=campaign.account_id, campaign_id=campaign.id, target_id=target.id))
    await session.flush()
    return target


async def make_number(
    session: AsyncSession, *, campaign: Campaign, number: str | None = None, **fields: Any
) -> PhoneNumber:
    row = PhoneNumber(
        account_id=campaign.account_id, number=number or next_e164(), campaign_id=campaign.id, **fields
    )
    session.add(row)
    await session.flush()
    return row
