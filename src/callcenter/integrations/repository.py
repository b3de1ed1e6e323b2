"""SQL of the integrations domain: integrations, deliveries and their attempts, campaign URL parameters,
postback tokens and logs, and the few call facts that token values need."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.integrations.schemas import DeliveryFilters, IntegrationFilters
from callcenter.integrations.tokens import CallNames
from callcenter.kit.pagination import PageParams
from callcenter.kit.repository import Tenant, TenantRepository
from callcenter.models.buyers import Buyer, Target
from callcenter.models.calls import Call
from callcenter.models.campaigns import Campaign
from callcenter.models.integrations import (
    CampaignUrlParameter,
    DeliveryAttempt,
    DeliveryStatus,
    Integration,
    OutboxDelivery,
    PostbackLog,
    PostbackToken,
)
from callcenter.models.numbers import PhoneNumber
from callcenter.models.publishers import Publisher


class IntegrationRepository(TenantRepository[Integration]):
    model = Integration
    resource = "integration"

    async def search(
        self, tenant: Tenant, filters: IntegrationFilters, page: PageParams
    ) -> tuple[list[Integration], int]:
        where: list[ColumnElement[bool]] = []
        if filters.campaign_id is not None:
            where.append(Integration.campaign_id == filters.campaign_id)
        if filters.kind is not None:
            where.append(Integration.kind == filters.kind)
        if filters.event is not None:
            where.append(Integration.event == str(filters.event))
        if filters.active is not None:
            where.append(Integration.active.is_(filters.active))
        return await self.list(tenant, page, where=where, order_by=[Integration.name])

    async def name_taken(self, tenant: Tenant, name: str, *, except_id: uuid.UUID | None = None) -> bool:
        statement = select(func.count()).where(
            Integration.account_id == tenant.account_id, Integration.name == name
        )
        if except_id is not None:
            statement = statement.where(Integration.id != except_id)
        return await self.session.scalar(statement) != 0

    async def active_for_account(self, account_id: uuid.UUID) -> list[Integration]:
        """The account's active integrations (the call engine acts for no user: the account is explicit)."""
        statement = select(Integration).where(
            Integration.account_id == account_id, Integration.active.is_(True)
        )
        return list(await self.session.scalars(statement))

    async def using_token(self, tenant: Tenant, *, campaign_id: uuid.UUID | None) -> list[Integration]:
        """Integrations whose templates may use the tokens of ``campaign_id``: its own and account-wide."""
        statement = self.readable(tenant).where(
            (Integration.campaign_id == campaign_id) | Integration.campaign_id.is_(None)
        )
        return list(await self.session.scalars(statement))


class DeliveryRepository(TenantRepository[OutboxDelivery]):
    model = OutboxDelivery
    resource = "delivery"

    async def search(
        self, tenant: Tenant, filters: DeliveryFilters, page: PageParams
    ) -> tuple[list[OutboxDelivery], int]:
        where: list[ColumnElement[bool]] = []
        if filters.integration_id is not None:
            where.append(OutboxDelivery.integration_id == filters.integration_id)
        if filters.call_id is not None:
            where.append(OutboxDelivery.call_id == filters.call_id)
        if filters.status is not None:
            where.append(OutboxDelivery.status == filters.status)
        return await self.list(tenant, page, where=where, order_by=[OutboxDelivery.created_at.desc()])

    async def attempts(self, delivery_id: uuid.UUID) -> list[DeliveryAttempt]:
        statement = (
            select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id == delivery_id)
            .order_by(DeliveryAttempt.attempt, DeliveryAttempt.started_at)
        )
        return list(await self.session.scalars(statement))

    async def replay(
        self, tenant: Tenant, *, now: datetime, ids: Sequence[uuid.UUID] | None = None,
        integration_id: uuid.UUID | None = None,
    ) -> int:  # fmt: skip
        """Puts failed deliveries (the given ones, or every one of the integration) back in the queue, due
        now, with a fresh retry schedule. Their message id stays, so receivers still deduplicate."""
        where: list[ColumnElement[bool]] = [
            OutboxDelivery.account_id == tenant.account_id,
            OutboxDelivery.status == DeliveryStatus.FAILED,
        ]
        if ids is not None:
            where.append(OutboxDelivery.id.in_(ids))
        if integration_id is not None:
            where.append(OutboxDelivery.integration_id == integration_id)
        statement = (
            update(OutboxDelivery)
            .where(*where)
            .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, claim_token=None)
            .execution_options(synchronize_session="fetch")
        )
        result: CursorResult[Any] = await self.session.execute(statement)  # type: ignore[assignment]
        return result.rowcount


class UrlParameterRepository(TenantRepository[CampaignUrlParameter]):
    model = CampaignUrlParameter
    resource = "URL parameter"

    async def of_campaign(self, tenant: Tenant, campaign_id: uuid.UUID) -> list[CampaignUrlParameter]:
        statement = self.readable(tenant).where(CampaignUrlParameter.campaign_id == campaign_id)
        return list(await self.session.scalars(statement.order_by(CampaignUrlParameter.name)))

    async def names(self, tenant: Tenant, *, campaign_id: uuid.UUID | None) -> set[str]:
        """The custom parameter names a template may use: the campaign's, or (account-wide templates)
        those of every campaign of the account."""
        statement = select(CampaignUrlParameter.name).where(
            CampaignUrlParameter.account_id == tenant.account_id
        )
        if campaign_id is not None:
            statement = statement.where(CampaignUrlParameter.campaign_id == campaign_id)
        return set(await self.session.scalars(statement))

    async def defined_elsewhere(self, tenant: Tenant, name: str, *, except_campaign_id: uuid.UUID) -> bool:
        statement = select(
            exists().where(
                CampaignUrlParameter.account_id == tenant.account_id,
                CampaignUrlParameter.name == name,
                CampaignUrlParameter.campaign_id != except_campaign_id,
            )
        )
        return bool(await self.session.scalar(statement))


class PostbackTokenRepository(TenantRepository[PostbackToken]):
    model = PostbackToken
    resource = "postback token"

    async def by_token(self, token: str) -> PostbackToken | None:
        """The token named in a public postback URL (not scoped: the token itself names the account)."""
        return (await self.session.scalars(select(PostbackToken).where(PostbackToken.token == token))).first()

    async def name_taken(self, tenant: Tenant, name: str, *, except_id: uuid.UUID | None = None) -> bool:
        statement = select(func.count()).where(
            PostbackToken.account_id == tenant.account_id, PostbackToken.name == name
        )
        if except_id is not None:
            statement = statement.where(PostbackToken.id != except_id)
        return await self.session.scalar(statement) != 0


class PostbackLogRepository(TenantRepository[PostbackLog]):
    model = PostbackLog
    resource = "postback log"

    async def of_token(
        self, tenant: Tenant, token_id: uuid.UUID, page: PageParams
    ) -> tuple[list[PostbackLog], int]:
        return await self.list(
            tenant, page, where=[PostbackLog.token_id == token_id], order_by=[PostbackLog.received_at.desc()]
        )


# ---- call facts for token values (the engine's transaction; the account is the call's) -------------


async def call_names(session: AsyncSession, call: Call) -> CallNames:
    """The names behind the call's campaign, target, buyer and publisher, in one query."""
    columns = (
        select(Campaign.name).where(Campaign.id == call.campaign_id).scalar_subquery(),
        select(Target.name).where(Target.id == call.target_id).scalar_subquery(),
        select(Buyer.name).where(Buyer.id == call.buyer_id).scalar_subquery(),
        select(Publisher.name).where(Publisher.id == call.publisher_id).scalar_subquery(),
    )
    row = (await session.execute(select(*columns))).one()
    return CallNames(campaign_name=row[0], target_name=row[1], buyer_name=row[2], publisher_name=row[3])


async def find_account_call(session: AsyncSession, tenant: Tenant, call_id: uuid.UUID) -> Call | None:
    statement = select(Call).where(Call.account_id == tenant.account_id, Call.id == call_id)
    return (await session.scalars(statement)).one_or_none()


async def numbers_by_e164(session: AsyncSession, numbers: Sequence[str]) -> dict[str, PhoneNumber]:
    """The tracking numbers among ``numbers``, in whichever account holds them. Not scoped on purpose: a
    number exists once in the installation, and the provider account is shared by every account, so its
    numbers are matched to their holder here (the caller hides the ones of other accounts)."""
    if not numbers:
        return {}
    statement = select(PhoneNumber).where(PhoneNumber.number.in_(set(numbers)))
    return {row.number: row for row in await session.scalars(statement)}
