"""``/api/rtb``: bidders, test pings, auctions, bidder analytics; ``/api/campaigns/{id}/bidders``."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from callcenter.auth.dependencies import AppSettings, ConfigRead, ConfigWrite
from callcenter.kit.db import DbSession
from callcenter.kit.http import HttpClient
from callcenter.kit.listing import SortOrder
from callcenter.kit.pagination import Page, Pagination
from callcenter.models.base import utcnow
from callcenter.rtb import service
from callcenter.rtb.repository import parse_auction_sort, parse_bidder_sort
from callcenter.rtb.schemas import (
    AnalyticsFilters,
    AuctionDetail,
    AuctionFilters,
    AuctionRead,
    BidderAnalytics,
    BidderCreate,
    BidderFilters,
    BidderRead,
    BidderUpdate,
    BidRead,
    CampaignBidderCreate,
    CampaignBidderRead,
    CampaignBidderUpdate,
    TestPingCreate,
    TestPingRead,
)

router = APIRouter(prefix="/api", tags=["rtb"])

BIDDER = "/rtb/bidders/{bidder_id}"
ASSIGNMENTS = "/campaigns/{campaign_id}/bidders"
ASSIGNMENT = ASSIGNMENTS + "/{bidder_id}"


def _http(request: Request) -> HttpClient:
    """The client auctions ping bidders with, so that a test ping goes out as a real one does."""
    http: HttpClient = request.app.state.pings
    return http


Http = Annotated[HttpClient, Depends(_http)]


@router.get("/rtb/bidders", response_model=Page[BidderRead])
async def list_bidders(
    auth: ConfigRead,
    session: DbSession,
    filters: Annotated[BidderFilters, Query()],
    page: Pagination,
    order: Annotated[SortOrder, Depends(parse_bidder_sort)],
) -> Page[BidderRead]:
    rows, total = await service.list_bidders(session, auth, filters, page, order)
    return Page(items=[BidderRead.shown_to(r, auth) for r in rows], total=total)


@router.post("/rtb/bidders", response_model=BidderRead, status_code=status.HTTP_201_CREATED)
async def create_bidder(
    data: BidderCreate, auth: ConfigWrite, session: DbSession, settings: AppSettings
) -> BidderRead:
    bidder = await service.create_bidder(session, auth, data, allow_private=settings.allow_private_urls)
    return BidderRead.model_validate(bidder)


@router.get(BIDDER, response_model=BidderRead)
async def get_bidder(bidder_id: uuid.UUID, auth: ConfigRead, session: DbSession) -> BidderRead:
    return BidderRead.shown_to(await service.get_bidder(session, auth, bidder_id), auth)


@router.patch(BIDDER, response_model=BidderRead)
async def update_bidder(
    bidder_id: uuid.UUID, data: BidderUpdate, auth: ConfigWrite, session: DbSession, settings: AppSettings
) -> BidderRead:
    bidder = await service.update_bidder(
        session, auth, bidder_id, data, allow_private=settings.allow_private_urls
    )
    return BidderRead.model_validate(bidder)


@router.delete(BIDDER, status_code=status.HTTP_204_NO_CONTENT)
async def delete_bidder(bidder_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> Response:
    """Archives the bidder: its bids keep pointing at it, auctions no longer ping it."""
    await service.delete_bidder(session, auth, bidder_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(BIDDER + "/test", response_model=TestPingRead)
async def test_ping(
    bidder_id: uuid.UUID,
    auth: ConfigWrite,
    session: DbSession,
    http: Http,
    data: TestPingCreate | None = None,
) -> TestPingRead:
    """Pings the bidder for a sample call: the rendered request, the raw response, the parsed verdict."""
    ping = await service.test_ping(
        session, auth, bidder_id, data or TestPingCreate(), http=http, clock=utcnow
    )
    return TestPingRead.of(ping.request, ping.result)


@router.get(BIDDER + "/analytics", response_model=BidderAnalytics)
async def bidder_analytics(
    bidder_id: uuid.UUID, auth: ConfigRead, session: DbSession, filters: Annotated[AnalyticsFilters, Query()]
) -> BidderAnalytics:
    rows = await service.analytics(session, auth, filters, now=utcnow(), bidder_id=bidder_id)
    return BidderAnalytics.of(rows[0])


@router.get("/rtb/analytics", response_model=Page[BidderAnalytics])
async def analytics(
    auth: ConfigRead, session: DbSession, filters: Annotated[AnalyticsFilters, Query()]
) -> Page[BidderAnalytics]:
    """Every bidder of the account over the period (the last 7 days unless given)."""
    rows = await service.analytics(session, auth, filters, now=utcnow())
    return Page(items=[BidderAnalytics.of(row) for row in rows], total=len(rows))


@router.get("/rtb/auctions", response_model=Page[AuctionRead])
async def list_auctions(
    auth: ConfigRead,
    session: DbSession,
    filters: Annotated[AuctionFilters, Query()],
    page: Pagination,
    order: Annotated[SortOrder, Depends(parse_auction_sort)],
) -> Page[AuctionRead]:
    rows, total = await service.list_auctions(session, auth, filters, page, order)
    return Page(items=[AuctionRead.model_validate(r) for r in rows], total=total)


@router.get("/rtb/auctions/{auction_id}", response_model=AuctionDetail)
async def get_auction(auction_id: uuid.UUID, auth: ConfigRead, session: DbSession) -> AuctionDetail:
    """One auction with every bidder's bid (valid ones first, best first) and rejection reasons."""
    auction, bids = await service.get_auction(session, auth, auction_id)
    return AuctionDetail(
        **AuctionRead.model_validate(auction).model_dump(), bids=[BidRead.of(bid, name) for bid, name in bids]
    )


@router.get(ASSIGNMENTS, response_model=Page[CampaignBidderRead])
async def list_campaign_bidders(
    campaign_id: uuid.UUID, auth: ConfigRead, session: DbSession, page: Pagination
) -> Page[CampaignBidderRead]:
    rows, total = await service.list_campaign_bidders(session, auth, campaign_id, page)
    return Page(items=[CampaignBidderRead.of(r) for r in rows], total=total)


@router.post(ASSIGNMENTS, response_model=CampaignBidderRead, status_code=status.HTTP_201_CREATED)
async def assign_bidder(
    campaign_id: uuid.UUID, data: CampaignBidderCreate, auth: ConfigWrite, session: DbSession
) -> CampaignBidderRead:
    return CampaignBidderRead.of(await service.assign_bidder(session, auth, campaign_id, data))


@router.get(ASSIGNMENT, response_model=CampaignBidderRead)
async def get_campaign_bidder(
    campaign_id: uuid.UUID, bidder_id: uuid.UUID, auth: ConfigRead, session: DbSession
) -> CampaignBidderRead:
    return CampaignBidderRead.of(await service.get_campaign_bidder(session, auth, campaign_id, bidder_id))


@router.patch(ASSIGNMENT, response_model=CampaignBidderRead)
async def update_campaign_bidder(
    campaign_id: uuid.UUID,
    bidder_id: uuid.UUID,
    data: CampaignBidderUpdate,
    auth: ConfigWrite,
    session: DbSession,
) -> CampaignBidderRead:
    assignment = await service.update_campaign_bidder(session, auth, campaign_id, bidder_id, data)
    return CampaignBidderRead.of(assignment)


@router.delete(ASSIGNMENT, status_code=status.HTTP_204_NO_CONTENT)
async def unassign_bidder(
    campaign_id: uuid.UUID, bidder_id: uuid.UUID, auth: ConfigWrite, session: DbSession
) -> Response:
    await service.unassign_bidder(session, auth, campaign_id, bidder_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
