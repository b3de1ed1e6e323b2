"""Call records inserted directly, at the times and with the outcomes a report test needs."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.calls import Call, CallStatus
from callcenter.models.campaigns import Campaign


async def create_call(
    session: AsyncSession,
    *,
    campaign: Campaign,
    started_at: datetime,
    answered: bool = False,
    converted: bool = False,
    revenue: Decimal = Decimal(0),
    payout: Decimal = Decimal(0),
    status: CallStatus = CallStatus.COMPLETED,
    **fields: Any,
) -> Call:
    """A settled call of ``campaign`` (completed by default); ``answered`` sets its answer time."""
    call = Call(
        account_id=campaign.account_id,
        campaign_id=campaign.id,
        call_sid=f"CA{uuid.uuid4().hex}",
        caller=fields.pop("caller", "+12125550100"),
        called=fields.pop("called", "+14155550123"),
        status=status,
        started_at=started_at,
        answered_at=started_at + timedelta(seconds=5) if answered or converted else None,
        ended_at=None if status in (CallStatus.RINGING, CallStatus.IN_PROGRESS) else started_at,
        converted=converted,
        revenue=revenue,
        payout=payout,
        **fields,
    )
    session.add(call)
    await session.flush()
    return call
