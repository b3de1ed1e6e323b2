"""Vocabulary of the routing engine: strategies, rejection reasons and the rejection record.

Every candidate that is not dialed gets exactly one `Rejection` with a reason code; the call journey
stores them as `target_rejected{reason}` events, so the codes are part of the public contract and are
never renamed.
"""

import uuid
from dataclasses import dataclass
from enum import StrEnum


class RoutingStrategy(StrEnum):
    """How eligible static targets are ordered (see `strategies.py` for the exact rules)."""

    PRIORITY = "priority"
    ROUND_ROBIN = "round_robin"
    WEIGHTED = "weighted"
    CAPACITY = "capacity"
    HIGHEST_REVENUE = "highest_revenue"
    PREDICTIVE = "predictive"


class RejectionReason(StrEnum):
    """Why a target, a bid or the whole call was not routed."""

    # Per target, in the order `eligibility.py` checks them.
    ALREADY_TRIED = "already_tried"
    TARGET_INACTIVE = "target_inactive"
    BUYER_INACTIVE = "buyer_inactive"
    HOLIDAY = "holiday"
    OUTSIDE_SCHEDULE = "outside_schedule"
    STATE_NOT_ALLOWED = "state_not_allowed"
    TARGET_CONCURRENCY_CAP = "target_concurrency_cap"
    TARGET_HOURLY_CAP = "target_hourly_cap"
    TARGET_DAILY_CAP = "target_daily_cap"
    TARGET_MONTHLY_CAP = "target_monthly_cap"
    BUYER_CONCURRENCY_CAP = "buyer_concurrency_cap"
    BUYER_HOURLY_CAP = "buyer_hourly_cap"
    BUYER_DAILY_CAP = "buyer_daily_cap"
    BUYER_MONTHLY_CAP = "buyer_monthly_cap"
    # Per real-time bid.
    BID_EXPIRED = "bid_expired"
    BIDDER_CONCURRENCY_CAP = "bidder_concurrency_cap"
    BIDDER_HOURLY_CAP = "bidder_hourly_cap"
    BIDDER_DAILY_CAP = "bidder_daily_cap"
    BIDDER_MONTHLY_CAP = "bidder_monthly_cap"
    # Campaign level: the whole call is rejected.
    CAMPAIGN_INACTIVE = "campaign_inactive"
    CAMPAIGN_STATE_NOT_ALLOWED = "campaign_state_not_allowed"
    CAMPAIGN_CONCURRENCY_CAP = "campaign_concurrency_cap"
    CAMPAIGN_HOURLY_CAP = "campaign_hourly_cap"
    CAMPAIGN_DAILY_CAP = "campaign_daily_cap"
    CAMPAIGN_MONTHLY_CAP = "campaign_monthly_cap"


@dataclass(frozen=True, slots=True)
class Rejection:
    """One candidate left out of the dial plan, with a human-readable detail for the journey.

    `target_id` is set for a target, `bid_id` for a bid; both are None for a campaign-level rejection,
    which concerns the call itself.
    """

    target_id: uuid.UUID | None
    bid_id: uuid.UUID | None
    reason: RejectionReason
    detail: str
