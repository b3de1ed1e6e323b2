"""Keyword-only factories for buyers, targets and the campaign rows they are assigned to.

Campaign rows are inserted directly: the campaigns API is another domain, and these tests only need a
campaign's status and its assignments.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.buyers import Buyer, CampaignTarget, PartyStatus, Target
from callcenter.models.campaigns import Campaign, CampaignStatus


def _unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


async def create_buyer(
    session: AsyncSession,
    *,
    account_id: uuid.UUID,
    name: str | None = None,
    company: str = "",
    status: PartyStatus = PartyStatus.ACTIVE,
) -> Buyer:
    buyer = Buyer(account_id=account_id, name=name or _unique("Buyer"), company=company, status=status)
    session.add(buyer)
    await session.flush()
    return buyer


async def create_target(
    session: AsyncSession,
    *,
    buyer: Buyer,
    name: str | None = None,
    destination: str = "+14155550100",
    status: PartyStatus = PartyStatus.ACTIVE,
    priority: int = 1,
    revenue: Decimal = Decimal(0),
) -> Target:
    target = Target(
        account_id=buyer.account_id,
        buyer_id=buyer.id,
        name=name or _unique("Target"),
        destination=destination,
        status=status,
        priority=priority,
        revenue=revenue,
    )
    session.add(target)
    await session.flush()
    return target


async def create_campaign(
    session: AsyncSession,
    *,
    account_id: uuid.UUID,
    name: str | None = None,
    status: CampaignStatus = CampaignStatus.ACTIVE,
) -> Campaign:
    campaign = Campaign(account_id=account_id, name=name or _unique("Campaign"), status=status)
    session.add(campaign)
    await session.flush()
    return campaign


async def assign(session: AsyncSession, *, campaign: Campaign, target: Target) -> CampaignTarget:
    assignment = CampaignTarget(account_id=campaign.account_id, campaign_id=campaign.id, target_id=target.id)
    session.add(assignment)
    await session.flush()
    return assignment
