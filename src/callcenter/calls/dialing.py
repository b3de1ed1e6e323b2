"""Choosing and reserving the next destination of a call: the first dial and every fall-through.

Each time, routing decides afresh with the destinations already tried excluded, so schedules and caps
are re-checked at every attempt. The chosen destination is dialed only once its concurrency slot is
reserved in the live state at target, buyer and campaign level, atomically: when a concurrent call took
the last slot between the decision and the reservation, the destination is skipped with the cap as its
reason and the next one is tried. Nothing left: the fallback number, else the closed message.

A slot lives until the dial result releases it, or at most ``SLOT_TTL_S`` so that a lost callback
cannot hold it forever.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls.extensions import (
    BidSource,
    CallEventName,
    CallEventSink,
    NoBids,
    NoEvents,
    NoPixels,
    PixelSink,
)
from callcenter.calls.journey import EventType, Journey
from callcenter.calls.snapshot import (
    RoutingConfig,
    bidder_key,
    build_request,
    buyer_key,
    campaign_key,
    cap_scope,
    load_history,
    load_usage,
    target_key,
)
from callcenter.calls.urls import dial_action_url, recording_url
from callcenter.live import CapScope, LiveState, Periods, ScopeUsage
from callcenter.models.calls import AttemptStatus, Call, CallAttempt
from callcenter.routing import BidSnapshot, Outcome, RoutingDecision, RoutingStrategy, cap_periods, decide
from callcenter.routing.plan import DEFAULT_CLOSED_MESSAGE, DialStep
from callcenter.routing.reasons import RejectionReason
from callcenter.telephony.instructions import Dial, Hangup, Say, VoiceReply

SLOT_TTL_S = 4 * 3600
FALLBACK_DIAL_TIMEOUT_S = 30


class Disposition(StrEnum):
    """How routing ended for a call that no destination took (stored on the call).

    ``rejected_*`` means the campaign (or the duplicate rule) refused the call itself; the suffix says
    whether the caller was forwarded to the fallback number or heard the closed message.
    """

    FALLBACK = "fallback"
    CLOSED = "closed"
    REJECTED_FALLBACK = "rejected_fallback"
    REJECTED_CLOSED = "rejected_closed"

    @property
    def rejected(self) -> bool:
        return self in (Disposition.REJECTED_FALLBACK, Disposition.REJECTED_CLOSED)

    @property
    def forwarded(self) -> bool:
        return self in (Disposition.FALLBACK, Disposition.REJECTED_FALLBACK)


@dataclass(frozen=True, slots=True)
class DialContext:
    """Everything one routing step of one call works with."""

    session: AsyncSession
    live: LiveState
    public_url: str
    config: RoutingConfig
    call: Call
    journey: Journey
    now: datetime
    bids: BidSource = field(default_factory=NoBids)
    events: CallEventSink = field(default_factory=NoEvents)
    pixels: PixelSink = field(default_factory=NoPixels)


def slot_id(call_id: uuid.UUID, attempt: int) -> str:
    return f"{call_id}:{attempt}"


def dial_instruction(
    public_url: str, call: Call, attempt: CallAttempt, *, timeout_seconds: int, record: bool
) -> Dial:
    return Dial(
        destination=attempt.destination,
        timeout_seconds=timeout_seconds,
        action_url=dial_action_url(public_url, call.id, attempt.attempt),
        record=record,
        recording_callback_url=recording_url(public_url) if record else None,
    )


def ending_reply(
    disposition: Disposition, *, fallback_number: str | None, closed_message: str | None
) -> VoiceReply:
    """What a caller nobody takes hears: the fallback number, else the closed message."""
    if disposition.forwarded and fallback_number:
        return (Dial(destination=fallback_number, timeout_seconds=FALLBACK_DIAL_TIMEOUT_S), Hangup())
    return (Say(closed_message or DEFAULT_CLOSED_MESSAGE), Hangup())


def _record_rejections(ctx: DialContext, decision: RoutingDecision, attempt: int) -> None:
    for rejection in decision.rejections:
        if rejection.reason is RejectionReason.ALREADY_TRIED:
            continue
        subject = rejection.target_id or rejection.bid_id
        ctx.journey.add(
            EventType.REJECTED if subject is None else EventType.TARGET_REJECTED,
            key=f"rejected:{attempt}:{subject or 'campaign'}",
            reason=rejection.reason,
            detail={
                "target_id": str(rejection.target_id) if rejection.target_id else None,
                "detail": rejection.detail,
            },
        )


async def _reserve(
    ctx: DialContext, step: DialStep, attempt: int, periods: Periods, bids: dict[uuid.UUID, BidSnapshot]
) -> RejectionReason | None:
    campaign = ctx.config.campaign
    by_target = {item.target.id: item for item in ctx.config.assigned}
    item = by_target[step.target_id] if step.target_id else None
    bid = bids.get(step.bid_id) if step.bid_id else None
    scopes = []
    if item is not None:
        scopes += [
            cap_scope(target_key(item.target.id), item.target),
            cap_scope(buyer_key(item.buyer.id), item.buyer),
        ]
    if bid is not None:
        caps = bid.caps
        scopes.append(
            CapScope(bidder_key(bid.bidder_id), caps.concurrency, caps.hourly, caps.daily, caps.monthly)
        )
    scopes.append(cap_scope(campaign_key(campaign.id), campaign))
    reservation = await ctx.live.reserve(slot_id(ctx.call.id, attempt), scopes, periods, SLOT_TTL_S)
    if reservation.ok:
        return None
    level = (reservation.failed_scope or "campaign").split(":", 1)[0]
    return RejectionReason(f"{level}_{reservation.failed_cap}_cap")


async def dial_next(
    ctx: DialContext,
    *,
    attempt: int,
    tried_target_ids: frozenset[uuid.UUID],
    tried_bid_ids: frozenset[uuid.UUID] = frozenset(),
    prefer_target_id: uuid.UUID | None = None,
    rng: random.Random | None = None,
    usage: dict[str, ScopeUsage] | None = None,
) -> VoiceReply:
    """Decides, reserves and dials attempt number ``attempt``; or ends routing for the call. ``usage``:
    the campaign's cap usage if read already during this webhook (else it is read here)."""
    campaign = ctx.config.campaign
    # Bids first: the first one runs the auction, which may ask the webhook to run it before its
    # transaction (calls/extensions.py, NetworkFirst); nothing outside the session is changed yet.
    bids = await ctx.bids.bids(ctx.session, ctx, attempt=attempt) if campaign.rtb_enabled else ()
    started = time.perf_counter()
    periods = cap_periods(campaign.timezone, ctx.now)
    if usage is None:
        usage = await load_usage(ctx.live, ctx.config, periods)
    strategy = RoutingStrategy(campaign.routing_strategy)
    cursor = await ctx.live.next_cursor(f"rr:{campaign.id}") if strategy is RoutingStrategy.ROUND_ROBIN else 0
    history = None
    if strategy is RoutingStrategy.PREDICTIVE:
        history = await load_history(ctx.session, [a.target.id for a in ctx.config.assigned], ctx.now)
    request = build_request(
        ctx.config,
        usage=usage,
        caller_state=ctx.call.caller_state,
        now=ctx.now,
        cursor=cursor,
        history=history,
        bids=bids,
        exclude_target_ids=tried_target_ids,
        exclude_bid_ids=tried_bid_ids,
    )
    decision = decide(request, rng or random.Random())
    steps = (
        sorted(decision.steps, key=lambda s: s.target_id != prefer_target_id)
        if prefer_target_id
        else decision.steps
    )
    ctx.journey.add(
        EventType.ROUTING,
        key=f"routing:{attempt}",
        detail={
            "strategy": strategy,
            "outcome": decision.outcome,
            "candidates": len(steps),
            "attempt": attempt,
        },
        latency_ms=(time.perf_counter() - started) * 1000,
    )
    _record_rejections(ctx, decision, attempt)
    bids_by_id = {bid.bid_id: bid for bid in bids}
    for step in steps:
        refused = await _reserve(ctx, step, attempt, periods, bids_by_id)
        if refused is not None:
            ctx.journey.add(
                EventType.TARGET_REJECTED,
                key=f"reserve:{attempt}:{step.target_id or step.bid_id}",
                reason=refused,
                detail={"target_id": str(step.target_id), "detail": "cap reached while reserving"},
            )
            continue
        reply = _start_attempt(ctx, step, attempt)
        if attempt == 1:
            await ctx.events.emit(ctx.session, ctx.call, CallEventName.ROUTED)
        return reply
    rejected = decision.outcome is Outcome.REJECTED_CAMPAIGN
    return end_routing(ctx, rejected=rejected)


def _start_attempt(ctx: DialContext, step: DialStep, attempt: int) -> VoiceReply:
    campaign = ctx.config.campaign
    row = CallAttempt(
        account_id=ctx.call.account_id,
        call_id=ctx.call.id,
        attempt=attempt,
        target_id=step.target_id,
        buyer_id=step.buyer_id,
        bid_id=step.bid_id,
        destination=step.destination,
        revenue=step.revenue,
        conversion_seconds=step.conversion_seconds,
        slot_id=slot_id(ctx.call.id, attempt),
        status=AttemptStatus.DIALING,
        started_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.call.target_id, ctx.call.buyer_id = step.target_id, step.buyer_id
    ctx.journey.add(
        EventType.DIAL,
        key=f"dial:{attempt}",
        detail={
            "attempt": attempt,
            "target_id": str(step.target_id) if step.target_id else None,
            "buyer_id": str(step.buyer_id) if step.buyer_id else None,
            "bid_id": str(step.bid_id) if step.bid_id else None,
            "destination": step.destination,
            "timeout_seconds": step.timeout_seconds,
        },
    )
    return (
        dial_instruction(
            ctx.public_url, ctx.call, row, timeout_seconds=step.timeout_seconds, record=campaign.record_calls
        ),
    )


def end_routing(
    ctx: DialContext, *, rejected: bool = False, reason: str | None = None, forward: bool = True
) -> VoiceReply:
    """No destination takes the call: forward to the fallback number, else play the closed message.

    ``forward=False`` (a rejected duplicate) always plays the closed message: a caller refused as a
    repeat must not reach the fallback line either.
    """
    campaign = ctx.config.campaign
    if campaign.fallback_number and forward:
        disposition = Disposition.REJECTED_FALLBACK if rejected else Disposition.FALLBACK
        ctx.journey.add(
            EventType.FALLBACK, key="fallback", reason=reason, detail={"number": campaign.fallback_number}
        )
    else:
        disposition = Disposition.REJECTED_CLOSED if rejected else Disposition.CLOSED
        ctx.journey.add(
            EventType.CLOSED,
            key="closed",
            reason=reason,
            detail={"message": campaign.closed_message or DEFAULT_CLOSED_MESSAGE},
        )
    ctx.call.disposition = disposition
    return ending_reply(
        disposition, fallback_number=campaign.fallback_number, closed_message=campaign.closed_message
    )
