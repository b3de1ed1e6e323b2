"""Buyers and targets of an account, and the campaigns their targets are assigned to."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from callcenter.kit.pagination import PageParams
from callcenter.kit.repository import Tenant, TenantRepository
from callcenter.models.base import utcnow
from callcenter.models.buyers import Buyer, CampaignTarget, PartyStatus, Target
from callcenter.models.campaigns import Campaign, CampaignStatus

# Sortable fields of the list endpoints. Names sort case-insensitively, the same on SQLite and PostgreSQL.
BUYER_SORTS: dict[str, Any] = {"name": func.lower(Buyer.name), "created_at": Buyer.created_at}
TARGET_SORTS: dict[str, Any] = {
    "name": func.lower(Target.name),
    "priority": Target.priority,
    "created_at": Target.created_at,
}


def _status_filter(
    column: InstrumentedAttribute[PartyStatus], status: PartyStatus | None
) -> ColumnElement[bool]:
    """Archived rows are listed only when asked for by name: archiving is how the API deletes."""
    if status is None:
        return column != PartyStatus.ARCHIVED
    return column == status


def _contains(columns: Sequence[Any], q: str | None) -> list[ColumnElement[bool]]:
    # autoescape: a "%" or "_" typed by the user is a literal character, not a wildcard.
    return [or_(*(column.icontains(q, autoescape=True) for column in columns))] if q else []


class BuyerRepository(TenantRepository[Buyer]):
    model = Buyer
    resource = "buyer"

    async def search(
        self,
        tenant: Tenant,
        page: PageParams,
        *,
        status: PartyStatus | None,
        q: str | None,
        order_by: Sequence[Any],
    ) -> tuple[list[Buyer], int]:
        where = [_status_filter(Buyer.status, status), *_contains((Buyer.name, Buyer.company), q)]
        return await self.list(tenant, page, where=where, order_by=order_by)

    async def name_taken(self, tenant: Tenant, name: str, *, other_than: uuid.UUID | None = None) -> bool:
        statement = select(func.count()).where(Buyer.account_id == tenant.account_id, Buyer.name == name)
        if other_than is not None:
            statement = statement.where(Buyer.id != other_than)
        return await self.session.scalar(statement) != 0


class TargetRepository(TenantRepository[Target]):
    model = Target
    resource = "target"

    async def search(
        self,
        tenant: Tenant,
        page: PageParams,
        *,
        buyer_id: uuid.UUID | None,
        status: PartyStatus | None,
        q: str | None,
        order_by: Sequence[Any],
    ) -> tuple[list[Target], int]:
        where = [_status_filter(Target.status, status), *_contains((Target.name, Target.destination), q)]
        if buyer_id is not None:
            where.append(Target.buyer_id == buyer_id)
        return await self.list(tenant, page, where=where, order_by=order_by)

    async def archive_of_buyer(self, tenant: Tenant, buyer_id: uuid.UUID) -> None:
        """Archives every target of the buyer in one statement."""
        await self.session.execute(
            update(Target)
            .where(Target.account_id == tenant.account_id, Target.buyer_id == buyer_id)
            .values(status=PartyStatus.ARCHIVED, updated_at=utcnow()),
            execution_options={"synchronize_session": "fetch"},
        )

    async def active_campaigns_of_target(self, tenant: Tenant, target_id: uuid.UUID) -> list[Campaign]:
        """Active campaigns the target is assigned to, by name."""
        return await self._active_campaigns(tenant, CampaignTarget.target_id == target_id)

    async def active_campaigns_of_buyer(self, tenant: Tenant, buyer_id: uuid.UUID) -> list[Campaign]:
        """Active campaigns any target of the buyer (archived ones included) is assigned to, by name."""
        targets = select(Target.id).where(Target.account_id == tenant.account_id, Target.buyer_id == buyer_id)
        return await self._active_campaigns(tenant, CampaignTarget.target_id.in_(targets))

    async def _active_campaigns(self, tenant: Tenant, assigned: ColumnElement[bool]) -> list[Campaign]:
        # An IN subquery rather than a join, so a campaign holding several of the targets is listed once.
        assignments = select(CampaignTarget.campaign_id).where(
            CampaignTarget.account_id == tenant.account_id, assigned
        )
        statement = (
            select(Campaign)
            .where(
                Campaign.account_id == tenant.account_id,
                Campaign.status == CampaignStatus.ACTIVE,
                Campaign.id.in_(assignments),
            )
            .order_by(Campaign.name)
        )
        return list((await self.session.scalars(statement)).all())
