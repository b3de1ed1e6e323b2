"""SQL of the call engine and of the call read API."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.kit.prepared import Prepared
from callcenter.kit.repository import TenantRepository
from callcenter.models.calls import Call, CallAttempt, CallEvent
from callcenter.models.campaigns import Campaign
from callcenter.models.numbers import NumberPool, PhoneNumber
from callcenter.models.publishers import PublisherPayout


class CallRepository(TenantRepository[Call]):
    model = Call
    resource = "call"

    async def events(self, call_id: uuid.UUID) -> list[CallEvent]:
        rows = await self.session.scalars(
            select(CallEvent).where(CallEvent.call_id == call_id).order_by(CallEvent.seq)
        )
        return list(rows)

    async def attempts(self, call_id: uuid.UUID) -> list[CallAttempt]:
        rows = await self.session.scalars(
            select(CallAttempt).where(CallAttempt.call_id == call_id).order_by(CallAttempt.attempt)
        )
        return list(rows)


# The webhook side acts for no user: the account comes from the number Twilio called.


def _number_select(number: str, *extra: Any) -> Select[Any]:
    return (
        select(PhoneNumber, NumberPool, Campaign, *extra)
        .outerjoin(NumberPool, NumberPool.id == PhoneNumber.pool_id)
        .outerjoin(Campaign, Campaign.id == func.coalesce(PhoneNumber.campaign_id, NumberPool.campaign_id))
        .where(PhoneNumber.number == number)
    )


async def find_number(
    session: AsyncSession, number: str
) -> tuple[PhoneNumber, NumberPool | None, Campaign | None] | None:
    """The tracking number, its pool and the campaign it leads to (directly or through the pool)."""
    row = (await session.execute(_number_select(number))).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


# A plain read: it need not open the transaction (kit/prepared.py), so that a new call whose only write
# is its one INSERT needs no BEGIN and COMMIT round trips.
_CALL_ID_FOR_SID = Prepared(
    select(Call.id).where(Call.call_sid == bindparam("call_sid", type_=Call.call_sid.type)), begins=False
)


async def call_id_for_sid(session: AsyncSession, call_sid: str) -> uuid.UUID | None:
    """Whether the CallSid is recorded already: one indexed lookup, no row loaded."""
    row = await _CALL_ID_FOR_SID.row(session, call_sid=call_sid)
    return row[0] if row is not None else None


async def find_call_by_sid(session: AsyncSession, call_sid: str, *, for_update: bool = False) -> Call | None:
    statement = select(Call).where(Call.call_sid == call_sid)
    if for_update:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).one_or_none()


async def find_call(session: AsyncSession, call_id: uuid.UUID, *, for_update: bool = False) -> Call | None:
    statement = select(Call).where(Call.id == call_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).one_or_none()


async def find_campaign(session: AsyncSession, campaign_id: uuid.UUID | None) -> Campaign | None:
    return None if campaign_id is None else await session.get(Campaign, campaign_id)


async def attempts_of(session: AsyncSession, call_id: uuid.UUID) -> list[CallAttempt]:
    return await CallRepository(session).attempts(call_id)


async def previous_call(
    session: AsyncSession, *, campaign_id: uuid.UUID, caller: str, since: datetime
) -> Call | None:
    """The caller's latest earlier call to the campaign within the dedupe window."""
    statement = (
        select(Call)
        .where(
            Call.campaign_id == campaign_id,
            Call.caller == caller,
            Call.started_at >= since,
        )
        .order_by(Call.started_at.desc())
        .limit(1)
    )
    return (await session.scalars(statement)).first()


async def publisher_payout(
    session: AsyncSession, *, publisher_id: uuid.UUID | None, campaign_id: uuid.UUID
) -> PublisherPayout | None:
    if publisher_id is None:
        return None
    statement = select(PublisherPayout).where(
        PublisherPayout.publisher_id == publisher_id, PublisherPayout.campaign_id == campaign_id
    )
    return (await session.scalars(statement)).first()


def call_conditions(
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    campaign_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    target_id: uuid.UUID | None = None,
    publisher_id: uuid.UUID | None = None,
    statuses: Sequence[str] | None = None,
    caller: str | None = None,
    converted: bool | None = None,
    duplicate: bool | None = None,
) -> list[ColumnElement[bool]]:
    """WHERE clauses for the filters given; they combine with AND (the same meaning as the call log)."""
    where: list[ColumnElement[bool]] = []
    for column, value in (
        (Call.campaign_id, campaign_id),
        (Call.buyer_id, buyer_id),
        (Call.target_id, target_id),
        (Call.publisher_id, publisher_id),
        (Call.converted, converted),
        (Call.duplicate, duplicate),
    ):
        if value is not None:
            where.append(column == value)
    if statuses:
        where.append(Call.status.in_(statuses))
    if caller:
        where.append(Call.caller.contains(caller, autoescape=True))
    if start is not None:
        where.append(Call.started_at >= start)
    if end is not None:
        where.append(Call.started_at < end)
    return where
