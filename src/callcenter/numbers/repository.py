"""SQL of tracking numbers and pools.

Pool membership is the single ``phone_numbers.pool_id`` column: a number is in at most one pool by
construction, and joining a pool is one conditional UPDATE, so the database (not a read-then-write in
Python) decides who wins when two requests claim the same number.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, func, or_, select, update

from callcenter.kit.pagination import PageParams
from callcenter.kit.repository import Tenant, TenantRepository
from callcenter.models.calls import Call
from callcenter.models.numbers import NumberPool, PhoneNumber
from callcenter.numbers.schemas import NumberFilters, PoolFilters


class PoolRepository(TenantRepository[NumberPool]):
    model = NumberPool
    resource = "pool"

    async def name_taken(self, tenant: Tenant, name: str, *, except_id: uuid.UUID | None = None) -> bool:
        statement = select(func.count()).where(
            NumberPool.account_id == tenant.account_id, NumberPool.name == name
        )
        if except_id is not None:
            statement = statement.where(NumberPool.id != except_id)
        return await self.session.scalar(statement) != 0

    async def search(
        self, tenant: Tenant, filters: PoolFilters, page: PageParams, *, order_by: Sequence[Any]
    ) -> tuple[list[NumberPool], int]:
        where: list[ColumnElement[bool]] = []
        if filters.campaign_id is not None:
            where.append(NumberPool.campaign_id == filters.campaign_id)
        if filters.q:
            where.append(NumberPool.name.icontains(filters.q, autoescape=True))
        return await self.list(tenant, page, where=where, order_by=order_by)


class NumberRepository(TenantRepository[PhoneNumber]):
    model = PhoneNumber
    resource = "number"

    async def number_taken(self, number: str, *, except_id: uuid.UUID | None = None) -> bool:
        # Numbers are unique across all accounts (the voice webhook finds a number by To alone), so this
        # one query is not scoped.
        statement = select(func.count()).where(PhoneNumber.number == number)
        if except_id is not None:
            statement = statement.where(PhoneNumber.id != except_id)
        return await self.session.scalar(statement) != 0

    async def search(
        self, tenant: Tenant, filters: NumberFilters, page: PageParams, *, order_by: Sequence[Any]
    ) -> tuple[list[PhoneNumber], int]:
        where: list[ColumnElement[bool]] = []
        if filters.campaign_id is not None:
            pools_of_campaign = select(NumberPool.id).where(
                NumberPool.account_id == tenant.account_id, NumberPool.campaign_id == filters.campaign_id
            )
            where.append(
                or_(
                    PhoneNumber.campaign_id == filters.campaign_id, PhoneNumber.pool_id.in_(pools_of_campaign)
                )
            )
        if filters.pool_id is not None:
            where.append(PhoneNumber.pool_id == filters.pool_id)
        if filters.publisher_id is not None:
            where.append(PhoneNumber.publisher_id == filters.publisher_id)
        if filters.unassigned is not None:
            unassigned = PhoneNumber.campaign_id.is_(None) & PhoneNumber.pool_id.is_(None)
            where.append(unassigned if filters.unassigned else ~unassigned)
        if filters.q:
            # Numbers are stored as +14155550100, so "(415) 555" is searched by its digits.
            matches = [PhoneNumber.friendly_name.icontains(filters.q, autoescape=True)]
            digits = "".join(c for c in filters.q if c.isdigit())
            if digits:
                matches.append(PhoneNumber.number.contains(digits))
            where.append(or_(*matches))
        return await self.list(tenant, page, where=where, order_by=order_by)

    async def members(
        self, tenant: Tenant, pool_id: uuid.UUID, page: PageParams
    ) -> tuple[list[PhoneNumber], int]:
        return await self.list(
            tenant, page, where=[PhoneNumber.pool_id == pool_id], order_by=[PhoneNumber.number]
        )

    async def existing_ids(self, tenant: Tenant, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        statement = select(PhoneNumber.id).where(
            PhoneNumber.account_id == tenant.account_id, PhoneNumber.id.in_(ids)
        )
        return set((await self.session.scalars(statement)).all())

    async def join_pool(self, tenant: Tenant, pool_id: uuid.UUID, ids: Collection[uuid.UUID]) -> int:
        """Moves the free numbers among ``ids`` into the pool and returns how many it moved.

        The WHERE clause is the whole exclusivity rule: a number joins only if it is in no pool (or already
        in this one) and on no campaign. Two concurrent joins of one number to two pools cannot both match:
        on PostgreSQL the second UPDATE waits for the first's row lock and then re-checks the condition
        against the committed row; on SQLite writers are serialised (BEGIN IMMEDIATE).
        """
        statement = (
            update(PhoneNumber)
            .where(
                PhoneNumber.account_id == tenant.account_id,
                PhoneNumber.id.in_(ids),
                or_(PhoneNumber.pool_id.is_(None), PhoneNumber.pool_id == pool_id),
                PhoneNumber.campaign_id.is_(None),
            )
            .values(pool_id=pool_id)
            .execution_options(synchronize_session=False)
        )
        result: CursorResult[Any] = await self.session.execute(statement)  # type: ignore[assignment]
        return result.rowcount

    async def taken_elsewhere(
        self, tenant: Tenant, pool_id: uuid.UUID, ids: Collection[uuid.UUID]
    ) -> list[str]:
        """The numbers among ``ids`` that another pool or a campaign holds, as E.164, sorted."""
        statement = (
            select(PhoneNumber.number)
            .where(
                PhoneNumber.account_id == tenant.account_id,
                PhoneNumber.id.in_(ids),
                or_(PhoneNumber.pool_id != pool_id, PhoneNumber.campaign_id.is_not(None)),
            )
            .order_by(PhoneNumber.number)
        )
        return list((await self.session.scalars(statement)).all())

    async def fresh(self, tenant: Tenant, ids: Collection[uuid.UUID]) -> list[PhoneNumber]:
        """The rows re-read from the database, replacing what the session holds (after a bulk UPDATE)."""
        statement = (
            select(PhoneNumber)
            .where(PhoneNumber.account_id == tenant.account_id, PhoneNumber.id.in_(ids))
            .order_by(PhoneNumber.number)
            .execution_options(populate_existing=True)
        )
        return list((await self.session.scalars(statement)).all())

    async def leave_pool(self, tenant: Tenant, pool_id: uuid.UUID, number_id: uuid.UUID) -> bool:
        """Takes one number out of the pool; False when it was not in it."""
        statement = (
            update(PhoneNumber)
            .where(
                PhoneNumber.account_id == tenant.account_id,
                PhoneNumber.id == number_id,
                PhoneNumber.pool_id == pool_id,
            )
            .values(pool_id=None)
            .execution_options(synchronize_session="fetch")
        )
        result: CursorResult[Any] = await self.session.execute(statement)  # type: ignore[assignment]
        return result.rowcount == 1

    async def release_pool(self, tenant: Tenant, pool_id: uuid.UUID) -> None:
        """Takes every number out of the pool (they become unassigned)."""
        statement = (
            update(PhoneNumber)
            .where(PhoneNumber.account_id == tenant.account_id, PhoneNumber.pool_id == pool_id)
            .values(pool_id=None)
            .execution_options(synchronize_session="fetch")
        )
        await self.session.execute(statement)

    async def has_calls(self, number_id: uuid.UUID) -> bool:
        return (
            await self.session.scalar(select(Call.id).where(Call.number_id == number_id).limit(1)) is not None
        )
