"""Real-time bidding inside the call engine: the ``BidSource`` of calls/extensions.py.

Rules:
- The first routing decision of a call on an RTB campaign runs the auction: every active bidder
  assigned to the campaign takes part. A bidder whose cap is full (concurrency, hourly, daily or monthly
  connected calls, counted like a buyer's) is not pinged and gets a ``capped`` bid. A bidder that made a
  valid bid for the same caller on the same campaign that has not expired yet is not pinged either: that
  bid is reused (``cached``), checked again against the bidder's current floor and maximum.
- The auction's deadline counts from when the webhook that runs it arrived (the request's arrival,
  ``kit/logging.request_arrived_var``; outside a request, from when the plan started being built): the
  caller waits at most the campaign's auction timeout, however busy the server is, and bidders get what
  is left of it when the auction's pings leave.
- The auction's pings are sent with no database transaction open: the webhook runs its transaction,
  this source asks for the auction to run first (``NetworkFirst``), and the transaction runs again and
  records it. Where the caller cannot do that, the auction runs inline.
- Recorded with the call, in its transaction: the auction, every bidder's bid (valid or with its
  rejection reason, latency, HTTP status, the start of the raw body), the call's ``auction_id`` and
  ``winning_bid`` (the highest valid bid, ties to the faster bidder), and journey events: ``auction`` and
  one ``bid`` per bidder. Valid bids with an expiry are cached for repeat pings until they expire.
- Later decisions of the same call (fall-through after no answer) get the auction's valid bids again;
  routing leaves out the ones already dialed and the expired ones, so the next valid, unexpired bid is
  dialed, then static targets.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls.extensions import NetworkFirst, network_first_allowed
from callcenter.calls.journey import EventType
from callcenter.calls.snapshot import bidder_key
from callcenter.kit.http import HttpClient
from callcenter.kit.logging import request_arrived_var
from callcenter.live import CapScope, LiveState, first_full_cap
from callcenter.models.base import utcnow
from callcenter.models.calls import Call
from callcenter.models.rtb import Auction, Bid, BidRejection
from callcenter.routing import BidSnapshot, cap_periods
from callcenter.routing.plan import rank_bids
from callcenter.rtb import repository
from callcenter.rtb.auction import MAX_AUCTION_MS, Clock, Ping, PingResult, run_pings
from callcenter.rtb.requests import BidderConfig, CallFacts, render_request
from callcenter.rtb.responses import BidVerdict, rejected

if TYPE_CHECKING:
    from callcenter.calls.dialing import DialContext

logger = logging.getLogger(__name__)

PREPARED_TTL_S = 60.0


@dataclass(frozen=True, slots=True, kw_only=True)
class AuctionPlan:
    """An auction ready to run: the pings to send, and the bidders settled without one. ``since`` is
    when its deadline starts counting (a ``time.perf_counter()`` reading: the webhook's arrival)."""

    auction_id: uuid.UUID
    call_sid: str
    caller: str
    campaign_id: uuid.UUID
    deadline_ms: int
    since: float
    pings: tuple[Ping, ...]
    settled: tuple[PingResult, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AuctionOutcome:
    """A run auction: ``started_at`` is when its pings left; ``duration_ms`` (and each ping's latency)
    counts from ``plan.since``, as its deadline does."""

    plan: AuctionPlan
    started_at: datetime
    duration_ms: float
    results: tuple[PingResult, ...] = field(default_factory=tuple)


def cache_key(campaign_id: uuid.UUID, bidder_id: uuid.UUID, caller: str) -> str:
    return f"rtb:bid:{campaign_id}:{bidder_id}:{caller}"


def _cache_entry(result: PingResult) -> str:
    verdict = result.verdict
    assert verdict.expires_at is not None
    return json.dumps(
        {
            "amount": str(verdict.amount),
            "currency": verdict.currency,
            "destination": verdict.destination,
            "external_bid_id": verdict.external_bid_id,
            "duration_seconds": verdict.duration_seconds,
            "expires_at": verdict.expires_at.isoformat(),
        }
    )


def _cached_verdict(bidder: BidderConfig, entry: str, now: datetime) -> BidVerdict | None:
    """The cached bid, if it is still a valid bid for the bidder as configured now."""
    data = json.loads(entry)
    amount = Decimal(data["amount"])
    expires_at = datetime.fromisoformat(data["expires_at"])
    if (
        expires_at <= now
        or amount < bidder.min_bid
        or (bidder.max_bid is not None and amount > bidder.max_bid)
    ):
        return None
    return BidVerdict(
        reason=None,
        detail="reused: a valid bid for this caller has not expired",
        accepted=True,
        amount=amount,
        currency=data["currency"],
        destination=data["destination"],
        external_bid_id=data["external_bid_id"],
        duration_seconds=data["duration_seconds"],
        expires_at=expires_at,
        parsed={"cached": True},
    )


async def _capped(
    live: LiveState, bidders: list[BidderConfig], timezone: str, now: datetime
) -> dict[uuid.UUID, str]:
    """The bidders whose cap is full, with which cap."""
    scopes = {
        b.id: CapScope(bidder_key(b.id), b.caps.concurrency, b.caps.hourly, b.caps.daily, b.caps.monthly)
        for b in bidders
        if any(cap is not None for cap in (b.caps.concurrency, b.caps.hourly, b.caps.daily, b.caps.monthly))
    }
    if not scopes:
        return {}
    usage = await live.usage([scope.key for scope in scopes.values()], cap_periods(timezone, now))
    full = {}
    for bidder_id, scope in scopes.items():
        kind = first_full_cap(scope, usage[scope.key])
        if kind is not None:
            full[bidder_id] = f"{kind} cap of {scope.cap(kind)} reached"
    return full


class RtbBids:
    """The auction engine plugged into the call engine (``wiring.py``)."""

    def __init__(self, http: HttpClient, *, clock: Clock = utcnow) -> None:
        self.http = http
        self.clock = clock
        self._prepared: dict[str, tuple[float, AuctionOutcome]] = {}

    async def bids(self, session: AsyncSession, ctx: DialContext, *, attempt: int) -> tuple[BidSnapshot, ...]:
        call = ctx.call
        if call.auction_id is not None:
            return await self._stored(session, call.auction_id)
        if attempt != 1:
            return ()
        outcome = self._take_prepared(call.call_sid)
        if outcome is None:
            plan = await self.plan(session, ctx)
            if plan.pings and network_first_allowed():
                raise NetworkFirst(partial(self._prepare, plan))
            outcome = await self.run(plan)
        return await self._record(session, ctx, outcome)

    async def plan(self, session: AsyncSession, ctx: DialContext) -> AuctionPlan:
        """Who takes part and what each one is sent (database and live state; no network)."""
        arrived = request_arrived_var.get()
        since = time.perf_counter() if arrived is None else arrived
        call, campaign = ctx.call, ctx.config.campaign
        now = self.clock()
        rows = await repository.auction_bidders(
            session, account_id=campaign.account_id, campaign_id=campaign.id
        )
        bidders = [BidderConfig.of(bidder, floor=floor) for bidder, floor in rows]
        capped = await _capped(ctx.live, bidders, campaign.timezone, now)
        facts = CallFacts(
            request_id=uuid.uuid4(),
            caller_id=call.caller,
            caller_state=call.caller_state,
            caller_zip=call.caller_zip,
            campaign_id=campaign.id,
            call_started_at=call.started_at,
        )
        settled: list[PingResult] = []
        pings: list[Ping] = []
        for bidder in bidders:
            if bidder.id in capped:
                verdict = rejected(BidRejection.CAPPED, capped[bidder.id])
                settled.append(PingResult(bidder=bidder, bid_id=uuid.uuid4(), verdict=verdict, pinged=False))
                continue
            entry = await ctx.live.cache_get(cache_key(campaign.id, bidder.id, call.caller))
            reused = _cached_verdict(bidder, entry, now) if entry is not None else None
            if reused is not None:
                settled.append(
                    PingResult(
                        bidder=bidder,
                        bid_id=uuid.uuid4(),
                        verdict=reused,
                        pinged=False,
                        cached=True,
                        latency_ms=0.0,
                    )
                )
                continue
            pings.append(Ping(bidder, render_request(bidder, facts, now)))
        return AuctionPlan(
            auction_id=facts.request_id,
            call_sid=call.call_sid,
            caller=call.caller,
            campaign_id=campaign.id,
            deadline_ms=min(campaign.auction_timeout_ms, MAX_AUCTION_MS),
            since=since,
            pings=tuple(pings),
            settled=tuple(settled),
        )

    async def run(self, plan: AuctionPlan) -> AuctionOutcome:
        """Sends the plan's pings (the network part: no database work)."""
        started_at = self.clock()
        pinged, duration_ms = await run_pings(
            self.http, plan.pings, deadline_ms=plan.deadline_ms, clock=self.clock, since=plan.since
        )
        return AuctionOutcome(
            plan=plan, started_at=started_at, duration_ms=duration_ms, results=(*plan.settled, *pinged)
        )

    async def _prepare(self, plan: AuctionPlan) -> None:
        outcome = await self.run(plan)
        now = time.monotonic()
        for sid, (at, _) in list(self._prepared.items()):
            if now - at > PREPARED_TTL_S:
                del self._prepared[sid]
        self._prepared[plan.call_sid] = (now, outcome)

    def _take_prepared(self, call_sid: str) -> AuctionOutcome | None:
        entry = self._prepared.pop(call_sid, None)
        return entry[1] if entry is not None else None

    async def _record(
        self, session: AsyncSession, ctx: DialContext, outcome: AuctionOutcome
    ) -> tuple[BidSnapshot, ...]:
        call, plan = ctx.call, outcome.plan
        ranked = rank_bids([r.snapshot() for r in outcome.results if r.verdict.valid])
        winner = ranked[0] if ranked else None
        session.add(
            Auction(
                id=plan.auction_id,
                account_id=call.account_id,
                call_id=call.id,
                campaign_id=plan.campaign_id,
                started_at=outcome.started_at,
                duration_ms=round(outcome.duration_ms, 3),
                deadline_ms=plan.deadline_ms,
                bidders=len(outcome.results),
                valid_bids=len(ranked),
                winning_bid_id=winner.bid_id if winner else None,
                winning_bidder_id=winner.bidder_id if winner else None,
                winning_amount=winner.amount if winner else None,
            )
        )
        for result in outcome.results:
            self._record_bid(
                ctx, call, plan, outcome, result, won=winner is not None and result.bid_id == winner.bid_id
            )
        call.auction_id = plan.auction_id
        call.winning_bid = winner.amount if winner else None
        ctx.journey.add(
            EventType.AUCTION,
            key="auction",
            reason=None if winner else "no_valid_bid",
            detail={
                "auction_id": str(plan.auction_id),
                "bidders": len(outcome.results),
                "valid_bids": len(ranked),
                "deadline_ms": plan.deadline_ms,
                "winning_bidder_id": str(winner.bidder_id) if winner else None,
                "winning_amount": str(winner.amount) if winner else None,
            },
            latency_ms=outcome.duration_ms,
            at=outcome.started_at,
        )
        for result in outcome.results:
            if result.verdict.valid and not result.cached and result.verdict.expires_at is not None:
                ttl_s = (result.verdict.expires_at - self.clock()).total_seconds()
                if ttl_s > 0:
                    await ctx.live.cache_set(
                        cache_key(plan.campaign_id, result.bidder.id, plan.caller),
                        _cache_entry(result),
                        ttl_s,
                    )
        return tuple(ranked)

    def _record_bid(
        self,
        ctx: DialContext,
        call: Call,
        plan: AuctionPlan,
        outcome: AuctionOutcome,
        result: PingResult,
        *,
        won: bool,
    ) -> None:
        verdict = result.verdict
        ctx.session.add(
            Bid(
                id=result.bid_id,
                account_id=call.account_id,
                auction_id=plan.auction_id,
                bidder_id=result.bidder.id,
                campaign_id=plan.campaign_id,
                at=outcome.started_at,
                pinged=result.pinged,
                cached=result.cached,
                accepted=verdict.accepted,
                valid=verdict.valid,
                won=won,
                reason=verdict.reason,
                detail=verdict.detail,
                amount=verdict.amount,
                currency=verdict.currency,
                destination=verdict.destination,
                external_bid_id=verdict.external_bid_id,
                duration_seconds=verdict.duration_seconds,
                expires_at=verdict.expires_at,
                http_status=result.http_status,
                latency_ms=None if result.latency_ms is None else round(result.latency_ms, 3),
                raw_body=result.raw_body,
                parsed=verdict.parsed,
            )
        )
        ctx.journey.add(
            EventType.BID,
            key=f"bid:{result.bidder.id}",
            reason=verdict.reason,
            detail={
                "bid_id": str(result.bid_id),
                "bidder_id": str(result.bidder.id),
                "bidder": result.bidder.name,
                "amount": None if verdict.amount is None else str(verdict.amount),
                "valid": verdict.valid,
                "won": won,
                "cached": result.cached,
                "http_status": result.http_status,
                "detail": verdict.detail,
            },
            latency_ms=result.latency_ms,
            at=outcome.started_at,
        )

    async def _stored(self, session: AsyncSession, auction_id: uuid.UUID) -> tuple[BidSnapshot, ...]:
        snapshots = []
        for bid, bidder in await repository.valid_bids(session, auction_id):
            assert bid.amount is not None and bid.destination is not None
            config = BidderConfig.of(bidder)
            snapshots.append(
                BidSnapshot(
                    bid_id=bid.id,
                    bidder_id=bid.bidder_id,
                    amount=bid.amount,
                    destination=bid.destination,
                    latency_ms=bid.latency_ms or 0.0,
                    expires_at=bid.expires_at,
                    caps=config.caps,
                    conversion_seconds=bid.duration_seconds,
                )
            )
        return tuple(rank_bids(snapshots))
