"""Bidders, campaign assignments, auctions and bids: every query.

API queries are scoped to the caller's account (``TenantRepository.readable``); the call engine's
queries take the account (or the call's auction) explicitly.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from callcenter.kit.listing import sorting
from callcenter.kit.pagination import PageParams
from callcenter.kit.repository import Tenant, TenantRepository
from callcenter.models.base import Money
from callcenter.models.buyers import PartyStatus
from callcenter.models.campaigns import Campaign
from callcenter.models.rtb import Auction, Bid, Bidder, BidRejection, CampaignBidder

parse_bidder_sort = sorting({"name": Bidder.name, "created_at": Bidder.created_at}, "name")
parse_auction_sort = sorting(
    {
        "started_at": Auction.started_at,
        "duration_ms": Auction.duration_ms,
        "winning_amount": Auction.winning_amount,
    },
    "-started_at",
)

_ERRORS = (BidRejection.HTTP_ERROR, BidRejection.INVALID_BODY)


class BidderAssignment(NamedTuple):
    link: CampaignBidder
    bidder: Bidder

    @property
    def effective_min_bid(self) -> Decimal:
        floor = self.link.min_bid
        return self.bidder.min_bid if floor is None else max(self.bidder.min_bid, floor)


class BidderRepository(TenantRepository[Bidder]):
    model = Bidder
    resource = "bidder"

    async def search(
        self,
        tenant: Tenant,
        page: PageParams,
        *,
        statuses: Collection[PartyStatus],
        name_contains: str | None,
        order_by: Sequence[Any],
    ) -> tuple[list[Bidder], int]:
        where: list[ColumnElement[bool]] = [Bidder.status.in_(statuses)]
        if name_contains:
            where.append(Bidder.name.icontains(name_contains, autoescape=True))
        return await self.list(tenant, page, where=where, order_by=order_by)

    async def name_taken(self, tenant: Tenant, name: str, *, other_than: uuid.UUID | None = None) -> bool:
        condition = and_(Bidder.account_id == tenant.account_id, Bidder.name == name)
        if other_than is not None:
            condition = and_(condition, Bidder.id != other_than)
        return bool(await self.session.scalar(select(exists().where(condition))))


class CampaignBidderRepository(TenantRepository[CampaignBidder]):
    model = CampaignBidder
    resource = "assignment"

    async def find_campaign(self, tenant: Tenant, campaign_id: uuid.UUID) -> Campaign | None:
        statement = select(Campaign).where(
            Campaign.account_id == tenant.account_id, Campaign.id == campaign_id
        )
        return (await self.session.scalars(statement)).one_or_none()

    async def find_assignment(
        self, tenant: Tenant, campaign_id: uuid.UUID, bidder_id: uuid.UUID
    ) -> BidderAssignment | None:
        statement = (
            select(CampaignBidder, Bidder)
            .join(Bidder, Bidder.id == CampaignBidder.bidder_id)
            .where(
                CampaignBidder.account_id == tenant.account_id,
                CampaignBidder.campaign_id == campaign_id,
                CampaignBidder.bidder_id == bidder_id,
            )
        )
        row = (await self.session.execute(statement)).one_or_none()
        return BidderAssignment(*row) if row is not None else None

    async def page(
        self, tenant: Tenant, campaign_id: uuid.UUID, page: PageParams
    ) -> tuple[list[BidderAssignment], int]:
        statement = (
            select(CampaignBidder, Bidder)
            .join(Bidder, Bidder.id == CampaignBidder.bidder_id)
            .where(CampaignBidder.account_id == tenant.account_id, CampaignBidder.campaign_id == campaign_id)
            .order_by(Bidder.name, CampaignBidder.id)
        )
        total = await self.session.scalar(
            select(func.count()).select_from(statement.order_by(None).subquery())
        )
        rows = await self.session.execute(statement.limit(page.limit).offset(page.offset))
        return [BidderAssignment(link, bidder) for link, bidder in rows], int(total or 0)


class AuctionRepository(TenantRepository[Auction]):
    model = Auction
    resource = "auction"

    async def search(
        self,
        tenant: Tenant,
        page: PageParams,
        *,
        call_id: uuid.UUID | None,
        campaign_id: uuid.UUID | None,
        bidder_id: uuid.UUID | None,
        started_from: datetime | None,
        started_to: datetime | None,
        order_by: Sequence[Any],
    ) -> tuple[list[Auction], int]:
        where: list[ColumnElement[bool]] = []
        if call_id is not None:
            where.append(Auction.call_id == call_id)
        if campaign_id is not None:
            where.append(Auction.campaign_id == campaign_id)
        if bidder_id is not None:
            where.append(exists().where(Bid.auction_id == Auction.id, Bid.bidder_id == bidder_id))
        if started_from is not None:
            where.append(Auction.started_at >= started_from)
        if started_to is not None:
            where.append(Auction.started_at < started_to)
        return await self.list(tenant, page, where=where, order_by=order_by)

    async def bids(self, tenant: Tenant, auction_id: uuid.UUID) -> list[tuple[Bid, str]]:
        """The auction's bids with their bidder's name, best first (valid by amount, then the rest)."""
        statement = (
            select(Bid, Bidder.name)
            .join(Bidder, Bidder.id == Bid.bidder_id)
            .where(Bid.account_id == tenant.account_id, Bid.auction_id == auction_id)
            .order_by(Bid.valid.desc(), Bid.amount.desc().nulls_last(), Bid.latency_ms, Bid.id)
        )
        return [(bid, name) for bid, name in await self.session.execute(statement)]


@dataclass(frozen=True, slots=True)
class AnalyticsRow:
    bidder_id: uuid.UUID
    name: str
    pings: int
    bids: int
    valid_bids: int
    wins: int
    timeouts: int
    errors: int
    average_latency_ms: float | None
    average_bid: Decimal | None
    p95_latency_ms: float | None


async def bidder_analytics(
    session: AsyncSession,
    tenant: Tenant,
    *,
    since: datetime,
    until: datetime,
    bidder_id: uuid.UUID | None = None,
    campaign_id: uuid.UUID | None = None,
) -> list[AnalyticsRow]:
    """Counts per bidder of the account over ``[since, until)``, every bidder of the account listed
    (zeros when it had no auction), archived ones only when they had bids in the period."""
    conditions = [Bid.account_id == tenant.account_id, Bid.at >= since, Bid.at < until]
    if campaign_id is not None:
        conditions.append(Bid.campaign_id == campaign_id)
    if bidder_id is not None:
        conditions.append(Bid.bidder_id == bidder_id)

    def count(condition: ColumnElement[bool] | InstrumentedAttribute[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    amounts = select(Bid.bidder_id, func.avg(Bid.amount, type_=Money())).where(*conditions, Bid.accepted)
    totals = (
        select(
            Bid.bidder_id,
            count(Bid.pinged),
            count(Bid.accepted),
            count(Bid.valid),
            count(Bid.won),
            count(Bid.pinged & (Bid.reason == BidRejection.TIMEOUT)),  # not pinged: no time was left
            count(Bid.reason.in_(_ERRORS)),
            func.avg(case((Bid.pinged, Bid.latency_ms))),
        )
        .where(*conditions)
        .group_by(Bid.bidder_id)
    )
    # p95 by nearest rank, with window functions both databases have: the latency whose rank is
    # ceil(0.95 * n) among the bidder's pings.
    ranked = (
        select(
            Bid.bidder_id,
            Bid.latency_ms,
            func.row_number().over(partition_by=Bid.bidder_id, order_by=Bid.latency_ms).label("rank"),
            func.count().over(partition_by=Bid.bidder_id).label("n"),
        )
        .where(*conditions, Bid.pinged, Bid.latency_ms.is_not(None))
        .subquery()
    )
    p95 = select(ranked.c.bidder_id, ranked.c.latency_ms).where(
        ranked.c.rank == (ranked.c.n * 95 + 99) // 100
    )
    by_bidder = {row[0]: row[1:] for row in await session.execute(totals)}
    average = {
        bidder: value
        for bidder, value in await session.execute(amounts.group_by(Bid.bidder_id))
        if value is not None
    }
    p95_of = {bidder: latency for bidder, latency in await session.execute(p95)}
    bidders = select(Bidder.id, Bidder.name, Bidder.status).where(Bidder.account_id == tenant.account_id)
    if bidder_id is not None:
        bidders = bidders.where(Bidder.id == bidder_id)
    rows = []
    for identity, name, status in await session.execute(bidders.order_by(Bidder.name, Bidder.id)):
        found = by_bidder.get(identity)
        if found is None and status is PartyStatus.ARCHIVED and bidder_id is None:
            continue
        pings, bids, valid, wins, timeouts, errors, latency = found or (0, 0, 0, 0, 0, 0, None)
        rows.append(
            AnalyticsRow(
                bidder_id=identity,
                name=name,
                pings=int(pings),
                bids=int(bids),
                valid_bids=int(valid),
                wins=int(wins),
                timeouts=int(timeouts),
                errors=int(errors),
                average_latency_ms=None if latency is None else float(latency),
                average_bid=average.get(identity),
                p95_latency_ms=p95_of.get(identity),
            )
        )
    return rows


# The call engine's queries (no user: the account comes from the call).


async def auction_bidders(
    session: AsyncSession, *, account_id: uuid.UUID, campaign_id: uuid.UUID
) -> list[tuple[Bidder, Decimal | None]]:
    """The active bidders assigned to the campaign, with the campaign's floor for each."""
    statement = (
        select(Bidder, CampaignBidder.min_bid)
        .join(CampaignBidder, CampaignBidder.bidder_id == Bidder.id)
        .where(
            CampaignBidder.account_id == account_id,
            CampaignBidder.campaign_id == campaign_id,
            Bidder.status == PartyStatus.ACTIVE,
        )
        .order_by(Bidder.name, Bidder.id)
    )
    return [(bidder, floor) for bidder, floor in await session.execute(statement)]


async def valid_bids(session: AsyncSession, auction_id: uuid.UUID) -> list[tuple[Bid, Bidder]]:
    """The auction's valid bids with their bidders (for the caps reserved when dialing)."""
    statement = (
        select(Bid, Bidder)
        .join(Bidder, Bidder.id == Bid.bidder_id)
        .where(Bid.auction_id == auction_id, Bid.valid)
        .order_by(Bid.id)
    )
    return [(bid, bidder) for bid, bidder in await session.execute(statement)]
