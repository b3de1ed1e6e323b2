"""Bidders and their campaign assignments, inserted directly (keyword-only, flushed)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.campaigns import Campaign
from callcenter.models.rtb import Bidder, CampaignBidder


async def create_bidder(
    session: AsyncSession, *, account_id: uuid.UUID, endpoint_url: str, name: str | None = None, **fields: Any
) -> Bidder:
    bidder = Bidder(
        account_id=account_id,
        name=name or f"Bidder {uuid.uuid4().hex[:8]}",
        endpoint_url=endpoint_url,
        headers=fields.pop("headers", {}),
        **fields,
    )
    session.add(bidder)
    await session.flush()
    return bidder


async def assign_bidder(
    session: AsyncSession, *, campaign: Campaign, bidder: Bidder, min_bid: Decimal | None = None
) -> CampaignBidder:
    link = CampaignBidder(
        account_id=campaign.account_id, campaign_id=campaign.id, bidder_id=bidder.id, min_bid=min_bid
    )
    session.add(link)
    await session.flush()
    return link


async def bidder_for(
    session: AsyncSession,
    *,
    campaign: Campaign,
    endpoint_url: str,
    min_bid: Decimal | None = None,
    **fields: Any,
) -> Bidder:
    """An active bidder assigned to ``campaign``."""
    bidder = await create_bidder(session, account_id=campaign.account_id, endpoint_url=endpoint_url, **fields)
    await assign_bidder(session, campaign=campaign, bidder=bidder, min_bid=min_bid)
    return bidder
