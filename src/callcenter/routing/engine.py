"""The routing decision: snapshot in, ordered dial plan with every rejection and its reason out.

`decide` is pure: no I/O, no clock, no global randomness. The same request and the same seeded
`random.Random` give the same decision, so a call's routing can be replayed and tested exhaustively.

Steps:
1. Campaign-level check (status, caller state, caps). A rejection ends the decision with outcome
   rejected_campaign, and the call goes to the fallback number or hears the closed message.
2. Eligibility of each target and bid, one rejection per excluded candidate (see `eligibility.py`).
3. Ordering: bids, then targets by strategy, or one merged list under highest_revenue (see `plan.py`).
4. Truncation to the attempts left (`max_attempts` minus the ids already excluded).
5. No step left: fallback if the campaign has a fallback number, else closed.

Fall-through: when a dialed destination does not answer, the caller decides again with the tried target
and bid ids added to `exclude_target_ids` / `exclude_bid_ids`. Those candidates come back as
already_tried rejections, the rest are re-checked against fresh counters, and the attempts already made
count against `max_attempts`.
"""

import random

from callcenter.routing.eligibility import check_campaign, filter_bids, filter_targets
from callcenter.routing.plan import (
    DEFAULT_CLOSED_MESSAGE,
    Candidate,
    Outcome,
    RoutingDecision,
    dial_steps,
    merge_by_value,
    rank_bids,
)
from callcenter.routing.reasons import Rejection, RoutingStrategy
from callcenter.routing.snapshot import CampaignSnapshot, RoutingRequest
from callcenter.routing.strategies import order_targets


def decide(request: RoutingRequest, rng: random.Random) -> RoutingDecision:
    """Decide how to route one call (or one fall-through attempt of it)."""
    campaign = request.campaign
    campaign_rejection = check_campaign(request)
    if campaign_rejection is not None:
        return _no_dial(campaign, Outcome.REJECTED_CAMPAIGN, (campaign_rejection,))

    targets, target_rejections = filter_targets(request)
    bids, bid_rejections = filter_bids(request)
    rejections = (*target_rejections, *bid_rejections)

    ordered_targets = order_targets(campaign.strategy, targets, rng=rng, cursor=request.round_robin_cursor)
    ranked_bids = rank_bids(bids)
    candidates: list[Candidate]
    if campaign.strategy is RoutingStrategy.HIGHEST_REVENUE:
        candidates = merge_by_value(ranked_bids, ordered_targets)
    else:
        candidates = [*ranked_bids, *ordered_targets]

    attempts_made = len(request.exclude_target_ids) + len(request.exclude_bid_ids)
    steps = dial_steps(candidates, campaign, attempts_made=attempts_made)
    if not steps:
        outcome = Outcome.FALLBACK if campaign.fallback_number else Outcome.CLOSED
        return _no_dial(campaign, outcome, rejections)
    return RoutingDecision(steps=steps, rejections=rejections, outcome=Outcome.DIAL)


def _no_dial(
    campaign: CampaignSnapshot, outcome: Outcome, rejections: tuple[Rejection, ...]
) -> RoutingDecision:
    if campaign.fallback_number:
        return RoutingDecision(
            steps=(), rejections=rejections, outcome=outcome, fallback_number=campaign.fallback_number
        )
    return RoutingDecision(
        steps=(),
        rejections=rejections,
        outcome=outcome,
        closed_message=campaign.closed_message or DEFAULT_CLOSED_MESSAGE,
    )
