"""Configuration a call can reach, on top of the shared ``tests.config_factories``.

``make_campaign`` and ``make_buyer`` are the shared factories under the names the call tests use.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.buyers import Buyer, Target
from callcenter.models.campaigns import Campaign
from callcenter.models.numbers import PhoneNumber
from tests.config_factories import assign, create_buyer, create_number, create_target, next_e164
from tests.config_factories import create_buyer as make_buyer
from tests.config_factories import create_campaign as make_campaign

__all__ = ["make_buyer", "make_campaign", "make_number", "make_target", "next_e164"]


async def make_target(
    session: AsyncSession,
    *,
    campaign: Campaign,
    buyer: Buyer | None = None,
    destination: str | None = None,
    revenue: Decimal = Decimal("25"),
    **fields: Any,
) -> Target:
    """A target assigned to the campaign, under ``buyer`` (a fresh one by default), with a destination
    of its own, so the TwiML shows which target was dialled."""
    buyer = buyer or await create_buyer(session, account_id=campaign.account_id)
    target = await create_target(
        session, buyer=buyer, destination=destination or next_e164(), revenue=revenue, **fields
    )
    await assign(session, campaign=campaign, target=target)
    return target


async def make_number(session: AsyncSession, *, campaign: Campaign, **fields: Any) -> PhoneNumber:
    """A tracking number ringing the campaign directly."""
    return await create_number(session, account_id=campaign.account_id, campaign_id=campaign.id, **fields)
