"""Keyword-only builders of routing snapshots with sensible defaults.

Ids come from a counter, so targets created later have larger ids (round robin and tie-breaks order by
id) and every run builds the same snapshots.
"""

import datetime as dt
import itertools
import uuid
from decimal import Decimal

from hypothesis import strategies as st

from callcenter.routing import (
    BidSnapshot,
    BuyerSnapshot,
    CampaignSnapshot,
    Caps,
    RoutingRequest,
    RoutingStrategy,
    Schedule,
    TargetSnapshot,
    Usage,
)

# Wednesday 2026-11-18 12:00 in New York.
NOW = dt.datetime(2026, 11, 18, 17, 0, tzinfo=dt.UTC)

# Hypothesis takes naive bounds and attaches the zone itself.
UTC_INSTANTS = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=dt.datetime(2035, 12, 31),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)

_ids = itertools.count(1)


def new_id() -> uuid.UUID:
    return uuid.UUID(int=next(_ids))


def make_buyer(
    *, status: str = "active", caps: Caps | None = None, usage: Usage | None = None
) -> BuyerSnapshot:
    return BuyerSnapshot(id=new_id(), status=status, caps=caps or Caps(), usage=usage or Usage())


def make_target(
    *,
    buyer: BuyerSnapshot | None = None,
    status: str = "active",
    priority: int = 1,
    weight: int = 1,
    revenue: Decimal | str = "10",
    schedule: Schedule | None = None,
    allowed_states: frozenset[str] = frozenset(),
    caps: Caps | None = None,
    usage: Usage | None = None,
    conversion_seconds: int | None = None,
    calls: int = 0,
    conversions: int = 0,
    name: str = "target",
) -> TargetSnapshot:
    target_id = new_id()
    return TargetSnapshot(
        id=target_id,
        buyer=buyer or make_buyer(),
        name=name,
        destination=f"+1415555{target_id.int % 10_000:04d}",
        status=status,
        priority=priority,
        weight=weight,
        revenue=Decimal(revenue),
        schedule=schedule,
        allowed_states=allowed_states,
        caps=caps or Caps(),
        usage=usage or Usage(),
        conversion_seconds=conversion_seconds,
        calls=calls,
        conversions=conversions,
    )


def make_campaign(
    *,
    strategy: RoutingStrategy = RoutingStrategy.PRIORITY,
    status: str = "active",
    caps: Caps | None = None,
    usage: Usage | None = None,
    allowed_states: frozenset[str] = frozenset(),
    max_attempts: int = 3,
    dial_timeout_seconds: int = 30,
    fallback_number: str | None = None,
    closed_message: str | None = None,
    conversion_seconds: int = 60,
) -> CampaignSnapshot:
    return CampaignSnapshot(
        id=new_id(),
        status=status,
        timezone="America/New_York",
        strategy=strategy,
        caps=caps or Caps(),
        usage=usage or Usage(),
        allowed_states=allowed_states,
        max_attempts=max_attempts,
        dial_timeout_seconds=dial_timeout_seconds,
        fallback_number=fallback_number,
        closed_message=closed_message,
        conversion_seconds=conversion_seconds,
    )


def make_bid(
    *, amount: Decimal | str = "20", latency_ms: float = 100.0, expires_at: dt.datetime | None = None
) -> BidSnapshot:
    bid_id = new_id()
    return BidSnapshot(
        bid_id=bid_id,
        bidder_id=new_id(),
        amount=Decimal(amount),
        destination=f"+1212555{bid_id.int % 10_000:04d}",
        latency_ms=latency_ms,
        expires_at=expires_at,
    )


def make_request(
    *,
    campaign: CampaignSnapshot | None = None,
    targets: tuple[TargetSnapshot, ...] | list[TargetSnapshot] = (),
    caller_state: str | None = "CA",
    now: dt.datetime = NOW,
    cursor: int = 0,
    bids: tuple[BidSnapshot, ...] | list[BidSnapshot] = (),
    exclude_target_ids: frozenset[uuid.UUID] = frozenset(),
    exclude_bid_ids: frozenset[uuid.UUID] = frozenset(),
) -> RoutingRequest:
    return RoutingRequest(
        campaign=campaign or make_campaign(),
        targets=tuple(targets),
        caller_state=caller_state,
        now=now,
        round_robin_cursor=cursor,
        bids=tuple(bids),
        exclude_target_ids=exclude_target_ids,
        exclude_bid_ids=exclude_bid_ids,
    )
