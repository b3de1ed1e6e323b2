"""Bidders, their campaign assignments, auctions, bidder analytics and test pings.

Business rules:
- A bidder's name is unique within the account (422 on ``name``). Deleting a bidder archives it
  (``PATCH {"status": "archived"}`` is the same): its bids keep pointing at it, auctions skip it, lists
  hide it unless ``status=archived`` is asked for. Paused bidders stay assigned but are not pinged.
- The endpoint URL is an absolute http(s) URL whose host resolves to public addresses only, unless the
  installation allows private URLs (``ALLOW_PRIVATE_URLS``); tokens may appear in its path and query,
  never in its scheme or host. The address is checked again on every ping (see kit/http.py).
- A JSON body template must render valid JSON with sample values (422 on ``request_template``);
  ``max_bid`` cannot be below ``min_bid`` (422 on ``max_bid``).
- A campaign lists each bidder once (409 on a second assignment) with an optional floor; the floor an
  auction applies is the higher of the bidder's ``min_bid`` and the campaign's floor. Another account's
  bidder and a missing one get the same 422 on ``bidder_id``; an archived bidder cannot be assigned.
- A test ping renders the request for a sample call (or the caller given), sends it with the bidder's
  own timeout and shows the request, the raw response and the verdict. Nothing is stored, and the ping
  is sent after the request's transaction has ended (on SQLite a transaction holds the write lock, and
  a bidder may take seconds).
- Analytics default to the last 7 days.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext
from callcenter.kit.errors import Conflict, FieldError, NotFound
from callcenter.kit.http import HttpClient
from callcenter.kit.listing import SortOrder
from callcenter.kit.pagination import PageParams
from callcenter.kit.templating import render, url_encoder
from callcenter.kit.unique import flush_unique
from callcenter.kit.url_safety import check_url_field
from callcenter.models.buyers import PartyStatus
from callcenter.models.rtb import Auction, Bid, Bidder, CampaignBidder
from callcenter.rtb import repository
from callcenter.rtb.auction import Clock, Ping, PingResult, send_ping
from callcenter.rtb.repository import (
    AnalyticsRow,
    AuctionRepository,
    BidderAssignment,
    BidderRepository,
    CampaignBidderRepository,
)
from callcenter.rtb.requests import JSON, BidderConfig, BidRequest, CallFacts, render_request
from callcenter.rtb.schemas import (
    AnalyticsFilters,
    AuctionFilters,
    BidderCreate,
    BidderFilters,
    BidderUpdate,
    CampaignBidderCreate,
    CampaignBidderUpdate,
    TestPingCreate,
)

NAME_TAKEN = "a bidder with this name already exists"
BIDDER_NOT_FOUND = "bidder not found"
CAMPAIGN_NOT_FOUND = "campaign not found"
LISTED_BY_DEFAULT = frozenset({PartyStatus.ACTIVE, PartyStatus.PAUSED})
ANALYTICS_DEFAULT_PERIOD = timedelta(days=7)
SAMPLE_CALL = CallFacts(
    request_id=uuid.UUID(int=0),
    caller_id="+12125550123",
    caller_state="CA",
    caller_zip="90210",
    campaign_id=uuid.UUID(int=0),
    call_started_at=datetime(2026, 1, 1, 12, 0, tzinfo=UTC),
)


@dataclass(frozen=True, slots=True)
class TestPing:
    request: BidRequest
    result: PingResult


async def _check_endpoint(url: str, *, allow_private: bool) -> None:
    if "{" in urlsplit(url).netloc:
        raise FieldError("endpoint_url", "tokens may not appear in the URL's host")
    await check_url_field("endpoint_url", render(url, {}, encode=url_encoder), allow_private=allow_private)


def _check_template(bidder: Bidder) -> None:
    if bidder.content_type != JSON or not bidder.request_template or bidder.method == "get":
        return
    sample = render_request(BidderConfig.of(bidder), SAMPLE_CALL, SAMPLE_CALL.call_started_at)
    try:
        json.loads(sample.body or "")
    except ValueError as exc:
        raise FieldError("request_template", f"with sample values the body is not valid JSON: {exc}") from exc


def _check_amounts(bidder: Bidder) -> None:
    if bidder.max_bid is not None and bidder.max_bid < bidder.min_bid:
        raise FieldError("max_bid", "max_bid cannot be below min_bid")


async def _flush_named(session: AsyncSession) -> None:
    await flush_unique(
        session, table="rtb_bidders", columns=("account_id", "name"), error=FieldError("name", NAME_TAKEN)
    )


async def list_bidders(
    session: AsyncSession, auth: AuthContext, filters: BidderFilters, page: PageParams, order: SortOrder
) -> tuple[list[Bidder], int]:
    statuses = {filters.status} if filters.status is not None else LISTED_BY_DEFAULT
    return await BidderRepository(session).search(
        auth, page, statuses=statuses, name_contains=(filters.q or "").strip() or None, order_by=order
    )


async def get_bidder(session: AsyncSession, auth: AuthContext, bidder_id: uuid.UUID) -> Bidder:
    return await BidderRepository(session).get(auth, bidder_id)


async def create_bidder(
    session: AsyncSession, auth: AuthContext, data: BidderCreate, *, allow_private: bool
) -> Bidder:
    repository_ = BidderRepository(session)
    if await repository_.name_taken(auth, data.name):
        raise FieldError("name", NAME_TAKEN)
    bidder = Bidder(account_id=auth.account_id, **data.model_dump())
    _check_amounts(bidder)
    _check_template(bidder)
    await _check_endpoint(bidder.endpoint_url, allow_private=allow_private)
    session.add(bidder)
    await _flush_named(session)
    return bidder


async def update_bidder(
    session: AsyncSession, auth: AuthContext, bidder_id: uuid.UUID, data: BidderUpdate, *, allow_private: bool
) -> Bidder:
    repository_ = BidderRepository(session)
    bidder = await repository_.get(auth, bidder_id, for_update=True)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and await repository_.name_taken(auth, changes["name"], other_than=bidder.id):
        raise FieldError("name", NAME_TAKEN)
    for name, value in changes.items():
        setattr(bidder, name, value)
    _check_amounts(bidder)
    _check_template(bidder)
    if "endpoint_url" in changes:
        await _check_endpoint(bidder.endpoint_url, allow_private=allow_private)
    await _flush_named(session)
    return bidder


async def delete_bidder(session: AsyncSession, auth: AuthContext, bidder_id: uuid.UUID) -> None:
    bidder = await BidderRepository(session).get(auth, bidder_id, for_update=True)
    bidder.status = PartyStatus.ARCHIVED
    await session.flush()


async def _campaign_id(
    repository_: CampaignBidderRepository, auth: AuthContext, campaign_id: uuid.UUID
) -> uuid.UUID:
    campaign = await repository_.find_campaign(auth, campaign_id)
    if campaign is None:
        raise NotFound("campaign")
    return campaign.id


async def list_campaign_bidders(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, page: PageParams
) -> tuple[list[BidderAssignment], int]:
    repository_ = CampaignBidderRepository(session)
    return await repository_.page(auth, await _campaign_id(repository_, auth, campaign_id), page)


async def assign_bidder(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, data: CampaignBidderCreate
) -> BidderAssignment:
    repository_ = CampaignBidderRepository(session)
    campaign = await _campaign_id(repository_, auth, campaign_id)
    bidder = await BidderRepository(session).find(auth, data.bidder_id)
    if bidder is None:
        raise FieldError("bidder_id", BIDDER_NOT_FOUND)
    if bidder.status == PartyStatus.ARCHIVED:
        raise FieldError("bidder_id", "an archived bidder cannot be assigned")
    link = CampaignBidder(
        account_id=auth.account_id, campaign_id=campaign, bidder_id=bidder.id, min_bid=data.min_bid
    )
    session.add(link)
    # The unique constraint settles two requests racing to assign the same bidder.
    await flush_unique(
        session,
        table="rtb_campaign_bidders",
        columns=("campaign_id", "bidder_id"),
        error=Conflict("This bidder is already assigned to the campaign"),
    )
    return BidderAssignment(link, bidder)


async def get_campaign_bidder(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, bidder_id: uuid.UUID
) -> BidderAssignment:
    repository_ = CampaignBidderRepository(session)
    campaign = await _campaign_id(repository_, auth, campaign_id)
    assignment = await repository_.find_assignment(auth, campaign, bidder_id)
    if assignment is None:
        raise NotFound("assignment")
    return assignment


async def update_campaign_bidder(
    session: AsyncSession,
    auth: AuthContext,
    campaign_id: uuid.UUID,
    bidder_id: uuid.UUID,
    data: CampaignBidderUpdate,
) -> BidderAssignment:
    assignment = await get_campaign_bidder(session, auth, campaign_id, bidder_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(assignment.link, name, value)
    await session.flush()
    return assignment


async def unassign_bidder(
    session: AsyncSession, auth: AuthContext, campaign_id: uuid.UUID, bidder_id: uuid.UUID
) -> None:
    assignment = await get_campaign_bidder(session, auth, campaign_id, bidder_id)
    await CampaignBidderRepository(session).delete(assignment.link)


async def list_auctions(
    session: AsyncSession, auth: AuthContext, filters: AuctionFilters, page: PageParams, order: SortOrder
) -> tuple[list[Auction], int]:
    return await AuctionRepository(session).search(auth, page, **filters.model_dump(), order_by=order)


async def get_auction(
    session: AsyncSession, auth: AuthContext, auction_id: uuid.UUID
) -> tuple[Auction, list[tuple[Bid, str]]]:
    repository_ = AuctionRepository(session)
    auction = await repository_.get(auth, auction_id)
    return auction, await repository_.bids(auth, auction.id)


async def analytics(
    session: AsyncSession,
    auth: AuthContext,
    filters: AnalyticsFilters,
    *,
    now: datetime,
    bidder_id: uuid.UUID | None = None,
) -> list[AnalyticsRow]:
    if bidder_id is not None:
        await BidderRepository(session).get(auth, bidder_id)
    until = filters.started_to or now
    since = filters.started_from or until - ANALYTICS_DEFAULT_PERIOD
    return await repository.bidder_analytics(
        session, auth, since=since, until=until, bidder_id=bidder_id, campaign_id=filters.campaign_id
    )


async def test_ping(
    session: AsyncSession,
    auth: AuthContext,
    bidder_id: uuid.UUID,
    data: TestPingCreate,
    *,
    http: HttpClient,
    clock: Clock,
) -> TestPing:
    bidder = await BidderRepository(session).get(auth, bidder_id)
    floor: Decimal | None = None
    if data.campaign_id is not None:
        links = CampaignBidderRepository(session)
        if await links.find_campaign(auth, data.campaign_id) is None:
            raise FieldError("campaign_id", CAMPAIGN_NOT_FOUND)
        assignment = await links.find_assignment(auth, data.campaign_id, bidder.id)
        floor = assignment.link.min_bid if assignment is not None else None
    config = BidderConfig.of(bidder, floor=floor)
    now = clock()
    facts = CallFacts(
        request_id=uuid.uuid4(),
        caller_id=data.caller_id,
        caller_state=data.caller_state,
        caller_zip=data.caller_zip,
        campaign_id=data.campaign_id,
        call_started_at=now,
    )
    request = render_request(config, facts, now)
    # The one commit of a service: nothing is written after this point, and the request's transaction
    # must not stay open (holding SQLite's write lock) while a bidder takes its time.
    await session.commit()
    result = await send_ping(http, Ping(config, request), timeout_s=config.timeout_ms / 1000, clock=clock)
    return TestPing(request, result)
