"""Campaigns and the targets assigned to them: every query, scoped to the caller's account."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, exists, func, or_, select

from callcenter.kit.listing import sorting
from callcenter.kit.pagination import PageParams, paginate
from callcenter.kit.repository import Tenant, TenantRepository
from callcenter.models.buyers import Buyer, CampaignTarget, Target
from callcenter.models.campaigns import Campaign, CampaignStatus, RoutingStrategy
from callcenter.models.numbers import NumberPool, PhoneNumber

# The ``sort`` query parameter of the campaign list, turned into ORDER BY clauses.
parse_campaign_sort = sorting(
    {"name": Campaign.name, "created_at": Campaign.created_at, "status": Campaign.status}, "name"
)


class Assignment(NamedTuple):
    """A campaign's link to a target, with the target itself."""

    link: CampaignTarget
    target: Target

    @property
    def effective_priority(self) -> int:
        return self.link.priority if self.link.priority is not None else self.target.priority

    @property
    def effective_weight(self) -> int:
        return self.link.weight if self.link.weight is not None else self.target.weight


class CampaignRepository(TenantRepository[Campaign]):
    model = Campaign
    resource = "campaign"

    async def search(
        self,
        tenant: Tenant,
        page: PageParams,
        *,
        statuses: Collection[CampaignStatus],
        name_contains: str | None,
        routing_strategy: RoutingStrategy | None,
        rtb_enabled: bool | None,
        order_by: Sequence[Any],
    ) -> tuple[list[Campaign], int]:
        where: list[ColumnElement[bool]] = [Campaign.status.in_(statuses)]
        if name_contains:
            # icontains is ILIKE on PostgreSQL and lower() LIKE lower() on SQLite; autoescape makes % and _
            # in the search text match themselves.
            where.append(Campaign.name.icontains(name_contains, autoescape=True))
        if routing_strategy is not None:
            where.append(Campaign.routing_strategy == routing_strategy)
        if rtb_enabled is not None:
            where.append(Campaign.rtb_enabled.is_(rtb_enabled))
        return await self.list(tenant, page, where=where, order_by=order_by)

    async def name_taken(self, tenant: Tenant, name: str) -> bool:
        statement = select(exists().where(Campaign.account_id == tenant.account_id, Campaign.name == name))
        return bool(await self.session.scalar(statement))

    async def has_number(self, tenant: Tenant, campaign_id: uuid.UUID) -> bool:
        """A number on the campaign itself, or in a pool that feeds the campaign."""
        pools = select(NumberPool.id).where(
            NumberPool.account_id == tenant.account_id, NumberPool.campaign_id == campaign_id
        )
        statement = select(
            exists().where(
                PhoneNumber.account_id == tenant.account_id,
                or_(PhoneNumber.campaign_id == campaign_id, PhoneNumber.pool_id.in_(pools)),
            )
        )
        return bool(await self.session.scalar(statement))


class CampaignTargetRepository(TenantRepository[CampaignTarget]):
    model = CampaignTarget
    resource = "assignment"

    async def find_target(self, tenant: Tenant, target_id: uuid.UUID) -> Target | None:
        statement = select(Target).where(Target.account_id == tenant.account_id, Target.id == target_id)
        return (await self.session.scalars(statement)).one_or_none()

    async def find_assignment(
        self, tenant: Tenant, campaign_id: uuid.UUID, target_id: uuid.UUID
    ) -> Assignment | None:
        statement = (
            select(CampaignTarget, Target)
            .join(Target, Target.id == CampaignTarget.target_id)
            .where(
                CampaignTarget.account_id == tenant.account_id,
                CampaignTarget.campaign_id == campaign_id,
                CampaignTarget.target_id == target_id,
            )
        )
        row = (await self.session.execute(statement)).one_or_none()
        return Assignment(*row) if row is not None else None

    async def page(
        self, tenant: Tenant, campaign_id: uuid.UUID, page: PageParams
    ) -> tuple[list[Assignment], int]:
        """One page of a campaign's assignments in dialing order: effective priority, then target name."""
        statement = (
            self.readable(tenant)
            .join(Target, Target.id == CampaignTarget.target_id)
            .where(CampaignTarget.campaign_id == campaign_id)
            .order_by(func.coalesce(CampaignTarget.priority, Target.priority), Target.name, CampaignTarget.id)
        )
        links, total = await paginate(self.session, statement, page)
        targets = await self._targets(tenant, {link.target_id for link in links})
        return [Assignment(link, targets[link.target_id]) for link in links], total

    async def links(self, tenant: Tenant, campaign_id: uuid.UUID) -> list[CampaignTarget]:
        statement = (
            select(CampaignTarget)
            .where(CampaignTarget.account_id == tenant.account_id, CampaignTarget.campaign_id == campaign_id)
            .order_by(CampaignTarget.created_at, CampaignTarget.id)
        )
        return list((await self.session.scalars(statement)).all())

    async def targets_with_buyers(self, tenant: Tenant, campaign_id: uuid.UUID) -> list[tuple[Target, Buyer]]:
        """Every target assigned to the campaign, with its buyer."""
        statement = (
            select(Target, Buyer)
            .join(CampaignTarget, CampaignTarget.target_id == Target.id)
            .join(Buyer, Buyer.id == Target.buyer_id)
            .where(CampaignTarget.account_id == tenant.account_id, CampaignTarget.campaign_id == campaign_id)
            .order_by(Target.name, Target.id)
        )
        return [(target, buyer) for target, buyer in await self.session.execute(statement)]

    async def _targets(self, tenant: Tenant, ids: set[uuid.UUID]) -> dict[uuid.UUID, Target]:
        if not ids:
            return {}
        statement = select(Target).where(Target.account_id == tenant.account_id, Target.id.in_(ids))
        return {target.id: target for target in await self.session.scalars(statement)}
