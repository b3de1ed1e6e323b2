"""SQL of publishers and their payout overrides."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from callcenter.kit.pagination import PageParams
from callcenter.kit.repository import Tenant, TenantRepository
from callcenter.models.base import utcnow
from callcenter.models.buyers import PartyStatus
from callcenter.models.publishers import Publisher, PublisherPayout
from callcenter.publishers.schemas import PublisherFilters


class PublisherRepository(TenantRepository[Publisher]):
    model = Publisher
    resource = "publisher"

    async def name_taken(self, tenant: Tenant, name: str, *, except_id: uuid.UUID | None = None) -> bool:
        statement = select(func.count()).where(
            Publisher.account_id == tenant.account_id, Publisher.name == name
        )
        if except_id is not None:
            statement = statement.where(Publisher.id != except_id)
        return await self.session.scalar(statement) != 0

    async def search(
        self, tenant: Tenant, filters: PublisherFilters, page: PageParams, *, order_by: Sequence[Any]
    ) -> tuple[list[Publisher], int]:
        where: list[ColumnElement[bool]] = [
            Publisher.status == filters.status
            if filters.status is not None
            else Publisher.status != PartyStatus.ARCHIVED
        ]
        if filters.q:
            where.append(
                or_(
                    Publisher.name.icontains(filters.q, autoescape=True),
                    Publisher.email.icontains(filters.q, autoescape=True),
                )
            )
        return await self.list(tenant, page, where=where, order_by=order_by)


class PayoutRepository(TenantRepository[PublisherPayout]):
    model = PublisherPayout
    resource = "payout"

    async def of_publisher(
        self, tenant: Tenant, publisher_id: uuid.UUID, page: PageParams
    ) -> tuple[list[PublisherPayout], int]:
        return await self.list(
            tenant,
            page,
            where=[PublisherPayout.publisher_id == publisher_id],
            order_by=[PublisherPayout.created_at],
        )

    async def find_pair(
        self, tenant: Tenant, publisher_id: uuid.UUID, campaign_id: uuid.UUID
    ) -> PublisherPayout | None:
        statement = select(PublisherPayout).where(
            PublisherPayout.account_id == tenant.account_id,
            PublisherPayout.publisher_id == publisher_id,
            PublisherPayout.campaign_id == campaign_id,
        )
        return (await self.session.scalars(statement)).one_or_none()

    async def upsert(
        self, tenant: Tenant, *, publisher_id: uuid.UUID, campaign_id: uuid.UUID, payout: Decimal
    ) -> PublisherPayout:
        """Inserts the override or replaces its amount, in one statement: two concurrent PUTs for the same
        publisher and campaign both succeed (the later one wins) instead of one hitting the unique
        constraint. Both dialects spell the upsert the same way, but each needs its own ``insert``."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        now = utcnow()
        statement = insert(PublisherPayout).values(
            id=uuid.uuid4(),
            account_id=tenant.account_id,
            publisher_id=publisher_id,
            campaign_id=campaign_id,
            payout=payout,
            created_at=now,
            updated_at=now,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[PublisherPayout.publisher_id, PublisherPayout.campaign_id],
            set_={"payout": statement.excluded.payout, "updated_at": now},
        )
        returning = statement.returning(PublisherPayout).execution_options(populate_existing=True)
        return (await self.session.scalars(returning)).one()
