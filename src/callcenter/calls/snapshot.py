"""Loading what one routing decision needs: the campaign, its assigned targets and buyers (database) and
their live usage (live state), turned into the routing engine's snapshot."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.buyers.schedules import routing_schedule
from callcenter.live import CapScope, LiveState, Periods, ScopeUsage
from callcenter.models.buyers import Buyer, CampaignTarget, Target
from callcenter.models.calls import Call
from callcenter.models.campaigns import Campaign
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

PREDICTIVE_HISTORY = timedelta(days=30)


class HasCaps(Protocol):
    """A campaign, buyer or target: anything with the four caps."""

    @property
    def concurrency_cap(self) -> int | None: ...
    @property
    def hourly_cap(self) -> int | None: ...
    @property
    def daily_cap(self) -> int | None: ...
    @property
    def monthly_cap(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class BuyerRow:
    id: uuid.UUID
    status: str
    concurrency_cap: int | None
    hourly_cap: int | None
    daily_cap: int | None
    monthly_cap: int | None


@dataclass(frozen=True, slots=True)
class TargetRow:
    id: uuid.UUID
    name: str
    destination: str
    status: str
    revenue: Decimal
    schedule: dict[str, Any] | None
    allowed_states: list[str]
    conversion_seconds: int | None
    updated_at: datetime
    concurrency_cap: int | None
    hourly_cap: int | None
    daily_cap: int | None
    monthly_cap: int | None


@dataclass(frozen=True, slots=True)
class Assigned:
    """A target assigned to the campaign, with its buyer and its effective priority and weight.

    Plain rows rather than ORM objects: the snapshot is read on every call, and building 40 tracked
    ORM instances cost more than the query itself.
    """

    target: TargetRow
    buyer: BuyerRow
    priority: int
    weight: int


_CAP_COLUMNS = ("concurrency_cap", "hourly_cap", "daily_cap", "monthly_cap")
_TARGET_COLUMNS = [
    getattr(Target, name)
    for name in (
        "id",
        "name",
        "destination",
        "status",
        "revenue",
        "schedule",
        "allowed_states",
        "conversion_seconds",
        "updated_at",
        *_CAP_COLUMNS,
    )
]
_BUYER_COLUMNS = [getattr(Buyer, name) for name in ("id", "status", *_CAP_COLUMNS)]


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    campaign: Campaign
    assigned: tuple[Assigned, ...]


def _caps(row: HasCaps) -> Caps:
    return Caps(
        concurrency=row.concurrency_cap, hourly=row.hourly_cap, daily=row.daily_cap, monthly=row.monthly_cap
    )


def cap_scope(key: str, row: HasCaps) -> CapScope:
    return CapScope(key, row.concurrency_cap, row.hourly_cap, row.daily_cap, row.monthly_cap)


def campaign_key(campaign_id: uuid.UUID) -> str:
    return f"campaign:{campaign_id}"


def buyer_key(buyer_id: uuid.UUID) -> str:
    return f"buyer:{buyer_id}"


def target_key(target_id: uuid.UUID) -> str:
    return f"target:{target_id}"


def bidder_key(bidder_id: uuid.UUID) -> str:
    return f"bidder:{bidder_id}"


async def load_routing_config(session: AsyncSession, campaign: Campaign) -> RoutingConfig:
    rows = await session.execute(
        select(
            *_TARGET_COLUMNS,
            *_BUYER_COLUMNS,
            func.coalesce(CampaignTarget.priority, Target.priority),
            func.coalesce(CampaignTarget.weight, Target.weight),
        )
        .join(Target, Target.id == CampaignTarget.target_id)
        .join(Buyer, Buyer.id == Target.buyer_id)
        .where(CampaignTarget.campaign_id == campaign.id)
    )
    t, b = len(_TARGET_COLUMNS), len(_BUYER_COLUMNS)
    assigned = tuple(
        Assigned(
            target=TargetRow(*row[:t]),
            buyer=BuyerRow(*row[t : t + b]),
            priority=row[t + b],
            weight=row[t + b + 1],
        )
        for row in rows
    )
    return RoutingConfig(campaign=campaign, assigned=assigned)


async def load_history(
    session: AsyncSession, target_ids: Sequence[uuid.UUID], now: datetime
) -> dict[uuid.UUID, tuple[int, int]]:
    """Calls and conversions per target over the last 30 days, for the predictive strategy."""
    if not target_ids:
        return {}
    rows = await session.execute(
        select(Call.target_id, func.count(), func.sum(case((Call.converted, 1), else_=0)))
        .where(Call.target_id.in_(target_ids), Call.started_at >= now - PREDICTIVE_HISTORY)
        .group_by(Call.target_id)
    )
    return {target_id: (int(calls), int(conversions or 0)) for target_id, calls, conversions in rows}


def scope_keys(config: RoutingConfig) -> list[str]:
    keys = {campaign_key(config.campaign.id)}
    for item in config.assigned:
        keys.add(target_key(item.target.id))
        keys.add(buyer_key(item.buyer.id))
    return sorted(keys)


async def load_usage(live: LiveState, config: RoutingConfig, periods: Periods) -> dict[str, ScopeUsage]:
    return await live.usage(scope_keys(config), periods)


def _usage(usage: ScopeUsage | None) -> Usage:
    if usage is None:
        return Usage()
    return Usage(live=usage.live, hourly=usage.hourly, daily=usage.daily, monthly=usage.monthly)


_SCHEDULE_CACHE: dict[tuple[uuid.UUID, datetime], Schedule | None] = {}
_SCHEDULE_CACHE_SIZE = 4096


def _schedule(target: TargetRow) -> Schedule | None:
    """The target's schedule in routing form, parsed once per version of the target (its updated_at)."""
    if target.schedule is None:
        return None
    key = (target.id, target.updated_at)
    if key not in _SCHEDULE_CACHE:
        if len(_SCHEDULE_CACHE) >= _SCHEDULE_CACHE_SIZE:
            _SCHEDULE_CACHE.clear()
        _SCHEDULE_CACHE[key] = routing_schedule(target.schedule)
    return _SCHEDULE_CACHE[key]


def build_request(
    config: RoutingConfig,
    *,
    usage: dict[str, ScopeUsage],
    caller_state: str | None,
    now: datetime,
    cursor: int = 0,
    history: dict[uuid.UUID, tuple[int, int]] | None = None,
    bids: tuple[BidSnapshot, ...] = (),
    exclude_target_ids: frozenset[uuid.UUID] = frozenset(),
    exclude_bid_ids: frozenset[uuid.UUID] = frozenset(),
) -> RoutingRequest:
    campaign = config.campaign
    history = history or {}
    buyers: dict[uuid.UUID, BuyerSnapshot] = {}
    targets = []
    for item in config.assigned:
        buyer = buyers.get(item.buyer.id)
        if buyer is None:
            buyer = buyers[item.buyer.id] = BuyerSnapshot(
                id=item.buyer.id,
                status=item.buyer.status,
                caps=_caps(item.buyer),
                usage=_usage(usage.get(buyer_key(item.buyer.id))),
            )
        target = item.target
        calls, conversions = history.get(target.id, (0, 0))
        targets.append(
            TargetSnapshot(
                id=target.id,
                buyer=buyer,
                name=target.name,
                destination=target.destination,
                status=target.status,
                priority=item.priority,
                weight=item.weight,
                revenue=target.revenue,
                schedule=_schedule(target),
                allowed_states=frozenset(target.allowed_states),
                caps=_caps(target),
                usage=_usage(usage.get(target_key(target.id))),
                conversion_seconds=target.conversion_seconds,
                calls=calls,
                conversions=conversions,
            )
        )
    return RoutingRequest(
        campaign=CampaignSnapshot(
            id=campaign.id,
            status=campaign.status,
            timezone=campaign.timezone,
            strategy=RoutingStrategy(campaign.routing_strategy),
            caps=_caps(campaign),
            usage=_usage(usage.get(campaign_key(campaign.id))),
            allowed_states=frozenset(campaign.allowed_states),
            max_attempts=campaign.max_attempts,
            dial_timeout_seconds=campaign.dial_timeout_seconds,
            fallback_number=campaign.fallback_number,
            closed_message=campaign.closed_message,
            conversion_seconds=campaign.conversion_seconds,
        ),
        targets=tuple(targets),
        caller_state=caller_state,
        now=now,
        round_robin_cursor=cursor,
        bids=bids,
        exclude_target_ids=exclude_target_ids,
        exclude_bid_ids=exclude_bid_ids,
    )
