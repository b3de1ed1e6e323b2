"""Who may take this call: campaign-level checks, then one verdict per target and per bid.

The campaign is checked first (status, caller state, caps concurrency -> hourly -> daily -> monthly); a
campaign-level rejection refuses the whole call and no target is looked at.

Each target then gets at most one rejection: the first failing check in this order. Already tried
comes first (it is the whole story on a fall-through); the rest runs from the most permanent reason to
the most transient one, so the journey shows the reason an operator would fix first:

1. already tried for this call (fall-through excludes it),
2. target status, 3. buyer status,
4. schedule (holiday, then opening hours, in the target's timezone),
5. caller state against the target's allowed states,
6. target caps: concurrency, hourly, daily, monthly,
7. buyer caps: concurrency, hourly, daily, monthly.

An unknown caller state fails any non-empty allowed-states list: a buyer who restricts states pays only
for callers known to be in them.

Bids were validated by the auction; here they are only rejected when already tried or expired
(`expires_at <= now`).
"""

import datetime as dt
import uuid

from callcenter.routing.caps import CapPeriod, first_cap_hit
from callcenter.routing.reasons import Rejection, RejectionReason
from callcenter.routing.schedule import LocalTime, is_open_at_local
from callcenter.routing.snapshot import (
    ACTIVE,
    BidSnapshot,
    RoutingRequest,
    TargetSnapshot,
)

_ALREADY_TRIED = "already dialed for this call"
_CAMPAIGN_CAP_REASONS = {
    CapPeriod.CONCURRENCY: RejectionReason.CAMPAIGN_CONCURRENCY_CAP,
    CapPeriod.HOURLY: RejectionReason.CAMPAIGN_HOURLY_CAP,
    CapPeriod.DAILY: RejectionReason.CAMPAIGN_DAILY_CAP,
    CapPeriod.MONTHLY: RejectionReason.CAMPAIGN_MONTHLY_CAP,
}
_TARGET_CAP_REASONS = {
    CapPeriod.CONCURRENCY: RejectionReason.TARGET_CONCURRENCY_CAP,
    CapPeriod.HOURLY: RejectionReason.TARGET_HOURLY_CAP,
    CapPeriod.DAILY: RejectionReason.TARGET_DAILY_CAP,
    CapPeriod.MONTHLY: RejectionReason.TARGET_MONTHLY_CAP,
}
_BUYER_CAP_REASONS = {
    CapPeriod.CONCURRENCY: RejectionReason.BUYER_CONCURRENCY_CAP,
    CapPeriod.HOURLY: RejectionReason.BUYER_HOURLY_CAP,
    CapPeriod.DAILY: RejectionReason.BUYER_DAILY_CAP,
    CapPeriod.MONTHLY: RejectionReason.BUYER_MONTHLY_CAP,
}


def check_campaign(request: RoutingRequest) -> Rejection | None:
    """Return the campaign-level rejection of this call, or None when it may be routed."""
    campaign = request.campaign
    if campaign.status != ACTIVE:
        return _call_rejection(RejectionReason.CAMPAIGN_INACTIVE, f"campaign status is {campaign.status}")
    if not _state_allowed(campaign.allowed_states, request.caller_state):
        return _call_rejection(
            RejectionReason.CAMPAIGN_STATE_NOT_ALLOWED, _state_detail(request.caller_state)
        )
    breach = first_cap_hit(campaign.caps, campaign.usage)
    if breach is not None:
        return _call_rejection(_CAMPAIGN_CAP_REASONS[breach.period], breach.describe())
    return None


def filter_targets(request: RoutingRequest) -> tuple[list[TargetSnapshot], list[Rejection]]:
    """Split the request's targets into eligible ones (input order kept) and one rejection per other."""
    eligible: list[TargetSnapshot] = []
    rejections: list[Rejection] = []
    local_clock = _LocalClock(request.now)
    excluded = request.exclude_target_ids
    caller_state = request.caller_state
    for target in request.targets:
        failed = _first_failed_check(target, excluded, local_clock, caller_state)
        if failed is None:
            eligible.append(target)
        else:
            rejections.append(Rejection(target.id, None, *failed))
    return eligible, rejections


def filter_bids(request: RoutingRequest) -> tuple[list[BidSnapshot], list[Rejection]]:
    """Split the request's bids into usable ones (input order kept) and rejections."""
    usable: list[BidSnapshot] = []
    rejections: list[Rejection] = []
    now = request.now
    for bid in request.bids:
        if bid.bid_id in request.exclude_bid_ids:
            rejections.append(Rejection(None, bid.bid_id, RejectionReason.ALREADY_TRIED, _ALREADY_TRIED))
        elif bid.expires_at is not None and bid.expires_at <= now:
            detail = f"expired at {bid.expires_at.isoformat()}"
            rejections.append(Rejection(None, bid.bid_id, RejectionReason.BID_EXPIRED, detail))
        else:
            usable.append(bid)
    return usable, rejections


def _first_failed_check(
    target: TargetSnapshot,
    excluded: frozenset[uuid.UUID],
    local_clock: "_LocalClock",
    caller_state: str | None,
) -> tuple[RejectionReason, str] | None:
    """The reason and detail of the first check `target` fails, in the module's documented order."""
    if excluded and target.id in excluded:  # UUID hashing is slow and most decisions exclude nothing
        return RejectionReason.ALREADY_TRIED, _ALREADY_TRIED
    if target.status != ACTIVE:
        return RejectionReason.TARGET_INACTIVE, f"target status is {target.status}"
    buyer = target.buyer
    if buyer.status != ACTIVE:
        return RejectionReason.BUYER_INACTIVE, f"buyer status is {buyer.status}"
    schedule = target.schedule
    if schedule is not None:
        local = local_clock.at(schedule.timezone)
        check = is_open_at_local(schedule, local)
        if check.reason is not None:
            return check.reason, f"closed at {local.at:%a %Y-%m-%d %H:%M} {schedule.timezone}"
    if not _state_allowed(target.allowed_states, caller_state):
        return RejectionReason.STATE_NOT_ALLOWED, _state_detail(caller_state)
    breach = first_cap_hit(target.caps, target.usage)
    if breach is not None:
        return _TARGET_CAP_REASONS[breach.period], breach.describe()
    breach = first_cap_hit(buyer.caps, buyer.usage)
    if breach is not None:
        return _BUYER_CAP_REASONS[breach.period], breach.describe()
    return None


def _state_allowed(allowed_states: frozenset[str], caller_state: str | None) -> bool:
    return not allowed_states or caller_state in allowed_states


def _state_detail(caller_state: str | None) -> str:
    if caller_state is None:
        return "caller state unknown"
    return f"caller state {caller_state} not allowed"


def _call_rejection(reason: RejectionReason, detail: str) -> Rejection:
    return Rejection(None, None, reason, detail)


class _LocalClock:
    """The decision's instant in each timezone met, read once per zone rather than once per target."""

    __slots__ = ("_by_zone", "_now")

    def __init__(self, now: dt.datetime) -> None:
        self._now = now
        self._by_zone: dict[str, LocalTime] = {}

    def at(self, timezone: str) -> LocalTime:
        local = self._by_zone.get(timezone)
        if local is None:
            local = self._by_zone[timezone] = LocalTime.of(self._now, timezone)
        return local
