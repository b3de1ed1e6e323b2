"""The voice webhook's work: identify the call, record it, route it, answer with instructions.

Order of business (DESIGN "Routing"): the To number gives the number and its campaign (directly or via
its pool); an unknown number hears a polite message and is logged (no account owns it, so no record);
then the duplicate check, then routing with fall-through. The call record, its journey and its first
dial attempt are written in the same transaction.

A repeated voice webhook for a CallSid already recorded changes nothing and answers with the call's
current step again.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls import repository
from callcenter.calls.dialing import (
    DialContext,
    Disposition,
    dial_instruction,
    dial_next,
    end_routing,
    ending_reply,
)
from callcenter.calls.extensions import (
    AttributionSource,
    BidSource,
    CallAttribution,
    CallEventName,
    CallEventSink,
    FlowRunner,
    NoAttribution,
    NoBids,
    NoEvents,
    NoFlows,
    NoPixels,
    PixelSink,
    uses_flow,
)
from callcenter.calls.journey import EventType, Journey
from callcenter.calls.resilience import FallbackCache, entry_for
from callcenter.calls.route_cache import NumberRoute, RouteCache, generation
from callcenter.calls.snapshot import RoutingConfig, load_routing_config, load_usage
from callcenter.live import LiveState, ScopeUsage
from callcenter.models.calls import AttemptStatus, Call, CallStatus
from callcenter.models.campaigns import Campaign, CampaignStatus
from callcenter.models.numbers import NumberPool, PhoneNumber
from callcenter.routing import DuplicateAction, PreviousCall, cap_periods, check_duplicate
from callcenter.telephony.instructions import UNKNOWN_NUMBER_MESSAGE, Hangup, VoiceReply, say_and_hang_up

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InboundCall:
    """The parts of Twilio's voice webhook the engine uses."""

    call_sid: str
    caller: str
    called: str
    caller_state: str | None = None
    caller_zip: str | None = None
    caller_city: str | None = None

    @classmethod
    def from_params(cls, params: dict[str, str]) -> InboundCall:
        def optional(name: str) -> str | None:
            value = params.get(name, "").strip()
            return value or None

        state = optional("FromState")
        return cls(
            call_sid=params["CallSid"],
            caller=params.get("From", ""),
            called=params.get("To", ""),
            caller_state=state.upper() if state and len(state) == 2 else None,
            caller_zip=optional("FromZip"),
            caller_city=optional("FromCity"),
        )


@dataclass(frozen=True, slots=True)
class Engine:
    """What the call engine needs besides a database session."""

    live: LiveState
    public_url: str
    fallback_cache: FallbackCache
    routes: RouteCache = field(default_factory=RouteCache)
    attribution: AttributionSource = field(default_factory=NoAttribution)
    bids: BidSource = field(default_factory=NoBids)
    events: CallEventSink = field(default_factory=NoEvents)
    flows: FlowRunner = field(default_factory=NoFlows)
    pixels: PixelSink = field(default_factory=NoPixels)

    def dial_context(
        self, session: AsyncSession, config: RoutingConfig, call: Call, journey: Journey, now: datetime
    ) -> DialContext:
        return DialContext(
            session=session,
            live=self.live,
            public_url=self.public_url,
            config=config,
            call=call,
            journey=journey,
            now=now,
            bids=self.bids,
            events=self.events,
            pixels=self.pixels,
        )


async def current_reply(session: AsyncSession, engine: Engine, call: Call) -> VoiceReply:
    """The instructions for the step the call is at, for repeated webhooks: no side effects."""
    campaign = await repository.find_campaign(session, call.campaign_id)
    if call.provider_status is not None:
        return (Hangup(),)
    if call.disposition is not None:
        return ending_reply(
            Disposition(call.disposition),
            fallback_number=campaign.fallback_number if campaign else None,
            closed_message=campaign.closed_message if campaign else None,
        )
    attempts = await repository.attempts_of(session, call.id)
    if attempts and attempts[-1].status is AttemptStatus.DIALING and campaign is not None:
        return (
            dial_instruction(
                engine.public_url,
                call,
                attempts[-1],
                timeout_seconds=campaign.dial_timeout_seconds,
                record=campaign.record_calls,
            ),
        )
    if not attempts:
        # A call still inside its IVR flow: the prompt it waits at, again.
        prompt = await engine.flows.current(session, call)
        if prompt is not None:
            return prompt
    return (Hangup(),)


async def _payout_rate(session: AsyncSession, campaign: Campaign, publisher_id: uuid.UUID | None) -> Decimal:
    override = await repository.publisher_payout(session, publisher_id=publisher_id, campaign_id=campaign.id)
    return override.payout if override is not None else campaign.payout


def new_call(
    inbound: InboundCall,
    *,
    number: PhoneNumber,
    pool: NumberPool | None,
    campaign: Campaign,
    started_at: datetime,
) -> Call:
    """A call record as it starts: ringing, attributed to the number's account, publisher and pool."""
    return Call(
        id=uuid.uuid4(),
        account_id=number.account_id,
        call_sid=inbound.call_sid,
        campaign_id=campaign.id,
        number_id=number.id,
        pool_id=pool.id if pool else None,
        publisher_id=number.publisher_id,
        caller=inbound.caller,
        called=inbound.called,
        caller_state=inbound.caller_state,
        caller_zip=inbound.caller_zip,
        caller_city=inbound.caller_city,
        status=CallStatus.RINGING,
        started_at=started_at,
        attribution={},
    )


async def _route(session: AsyncSession, engine: Engine, called: str) -> NumberRoute | None:
    """The number's route, from the process cache or the database (then cached)."""
    route = engine.routes.get(called)
    if route is not None:
        return route
    loaded_in = generation()
    found = await repository.find_number(session, called)
    if found is None:
        return None
    number, pool, campaign = found
    config = None
    if campaign is not None:
        active = campaign.status == CampaignStatus.ACTIVE
        config = await load_routing_config(session, campaign) if active else RoutingConfig(campaign, ())
    route = NumberRoute(number=number, pool=pool, campaign=campaign, config=config)
    # The cached rows leave this session, as later calls read them anyway: a rollback (a webhook's
    # transaction retried, or run again after an auction, see NetworkFirst) would expire them in place.
    for row in (number, pool, campaign):
        if row is not None:
            session.expunge(row)
    engine.routes.put(called, route, loaded_in=loaded_in)
    engine.fallback_cache.put(number.number, entry_for(number, campaign))
    return route


async def handle_inbound(
    session: AsyncSession,
    engine: Engine,
    inbound: InboundCall,
    *,
    now: datetime,
    pool_id: uuid.UUID | None = None,
) -> VoiceReply:
    # Each round trip is caller latency: the call's rows are written by one statement at the end
    # (kit/prepared.insert_added), and the cap usage a direct dial needs is read from the live state
    # while the database answers whether the CallSid is known (a read: wasted on a repeated webhook).
    started = time.perf_counter()
    route = await _route(session, engine, inbound.called)
    prefetch = _usage_prefetch(engine, route, now)
    existing_id, usage = await asyncio.gather(repository.call_id_for_sid(session, inbound.call_sid), prefetch)
    if existing_id is not None:
        existing = await repository.find_call(session, existing_id)
        assert existing is not None  # found a moment ago in this same transaction
        return await current_reply(session, engine, existing)
    if route is None or (pool_id is not None and route.number.pool_id != pool_id):
        logger.warning(
            "call to an unknown number", extra={"to": inbound.called, "call_sid": inbound.call_sid}
        )
        return say_and_hang_up(UNKNOWN_NUMBER_MESSAGE)
    number, pool, campaign, config = route.number, route.pool, route.campaign, route.config
    if campaign is None or config is None:
        logger.warning("call to a number without campaign", extra={"number": number.number})
        return say_and_hang_up(UNKNOWN_NUMBER_MESSAGE)
    lookup_ms = (time.perf_counter() - started) * 1000

    attribution = await engine.attribution.attribute(session, number=number, pool=pool, now=now)
    publisher_id = (attribution.publisher_id if attribution else None) or number.publisher_id
    payout_rate = await _payout_rate(session, campaign, publisher_id)
    previous = (
        await repository.previous_call(
            session,
            campaign_id=campaign.id,
            caller=inbound.caller,
            since=now - timedelta(seconds=campaign.dedupe_seconds),
        )
        if campaign.dedupe_seconds > 0
        else None
    )

    call = new_call(inbound, number=number, pool=pool, campaign=campaign, started_at=now)
    call.publisher_id, call.payout_rate = publisher_id, payout_rate
    if attribution is not None:
        apply_attribution(call, attribution)
    session.add(call)
    journey = Journey(session, call)
    journey.add(
        EventType.NUMBER_LOOKUP,
        key="number_lookup",
        detail={
            "number": number.number,
            "campaign_id": str(campaign.id),
            "pool_id": str(pool.id) if pool else None,
        },
        latency_ms=lookup_ms,
        at=now,
    )
    ctx = engine.dial_context(session, config, call, journey, now)
    await engine.events.emit(session, call, CallEventName.INCOMING)
    prefer: uuid.UUID | None = None
    if campaign.dedupe_seconds > 0:
        decision = check_duplicate(
            campaign.dedupe_seconds,
            DuplicateAction(campaign.duplicate_action),
            previous=PreviousCall(at=previous.started_at, target_id=previous.target_id) if previous else None,
            now=now,
        )
        journey.add(
            EventType.DUPLICATE_CHECK,
            key="duplicate_check",
            reason="duplicate" if decision.duplicate else None,
            detail={
                "duplicate": decision.duplicate,
                "action": decision.action,
                "original_call_id": str(previous.id) if previous else None,
            },
        )
        if decision.duplicate:
            call.duplicate = True
            call.duplicate_of_id = previous.id if previous else None
            if decision.action is DuplicateAction.REJECT:
                return end_routing(ctx, rejected=True, reason="duplicate", forward=False)
            prefer = decision.original_target_id
    if uses_flow(campaign):
        reply = await engine.flows.start(session, ctx)
        if reply is not None:
            return reply
    return await dial_next(ctx, attempt=1, tried_target_ids=frozenset(), prefer_target_id=prefer, usage=usage)


async def _no_usage() -> None:
    return None


def _usage_prefetch(
    engine: Engine, route: NumberRoute | None, now: datetime
) -> Awaitable[dict[str, ScopeUsage] | None]:
    """The usage the first dial decision will need, when it comes straight after this webhook's reads:
    not for a campaign that runs an IVR flow or an auction first (its decision comes later and reads
    usage then)."""
    campaign, config = (route.campaign, route.config) if route is not None else (None, None)
    if campaign is None or config is None or uses_flow(campaign) or campaign.rtb_enabled:
        return _no_usage()
    return load_usage(engine.live, config, cap_periods(campaign.timezone, now))


def apply_attribution(call: Call, attribution: CallAttribution) -> None:
    """Copies the visitor's session, UTMs and click ids onto the call (its tokens and reports)."""
    call.visitor_session_id = attribution.visitor_session_id
    call.utm_source, call.utm_medium = attribution.utm_source, attribution.utm_medium
    call.utm_campaign, call.utm_term = attribution.utm_campaign, attribution.utm_term
    call.utm_content, call.gclid = attribution.utm_content, attribution.gclid
    call.attribution = {**attribution.params, **({"ambiguous": True} if attribution.ambiguous else {})}
