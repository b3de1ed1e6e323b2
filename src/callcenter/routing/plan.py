"""The dial plan: which destinations to ring, in which order, and what to do when none is left.

Ranking rules:
- Usable real-time bids come first, by amount descending, ties to the lower latency (the faster bidder),
  then by bid id; static targets follow in their strategy's order.
- Under the highest_revenue strategy bids and targets form one list ordered by value descending (bid
  amount or target revenue); on equal value a bid goes before a target.
- The plan holds at most the campaign's `max_attempts` minus the attempts already made for this call
  (the size of the request's exclude sets), so a call never rings more than `max_attempts`
  destinations across fall-through decisions.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from callcenter.routing.reasons import Rejection
from callcenter.routing.snapshot import BidSnapshot, CampaignSnapshot, TargetSnapshot

DEFAULT_CLOSED_MESSAGE = (
    "Thank you for calling. We are unable to take your call right now. Please call again later."
)

Candidate = BidSnapshot | TargetSnapshot


class StepKind(StrEnum):
    TARGET = "target"
    BID = "bid"


class Outcome(StrEnum):
    """What the voice webhook does with the decision.

    - dial: ring `steps` in order (in practice the first, then decide again on no answer);
    - fallback: nobody to ring, forward to the campaign's fallback number;
    - closed: nobody to ring and no fallback number, play the closed message and hang up;
    - rejected_campaign: the campaign refused the call (inactive, state, cap); handled like fallback or
      closed (whichever the campaign has), the reason is in the decision's rejections.
    """

    DIAL = "dial"
    FALLBACK = "fallback"
    CLOSED = "closed"
    REJECTED_CAMPAIGN = "rejected_campaign"


@dataclass(frozen=True, slots=True, kw_only=True)
class DialStep:
    """One destination to ring.

    `revenue` is the bid amount or the target's revenue per converted call. `conversion_seconds` is the
    target's (or bid's) own threshold, else the campaign's.
    """

    kind: StepKind
    target_id: uuid.UUID | None
    bid_id: uuid.UUID | None
    buyer_id: uuid.UUID | None
    destination: str
    revenue: Decimal
    timeout_seconds: int
    conversion_seconds: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutingDecision:
    """The engine's answer. `fallback_number` is set only for the fallback outcome (and a rejected
    campaign that has one); `closed_message` only when the caller hears the closed message."""

    steps: tuple[DialStep, ...]
    rejections: tuple[Rejection, ...]
    outcome: Outcome
    fallback_number: str | None = None
    closed_message: str | None = None


def rank_bids(bids: Sequence[BidSnapshot]) -> list[BidSnapshot]:
    """Bids by amount descending, ties to the faster bidder, then by bid id."""
    return sorted(bids, key=lambda b: (-b.amount, b.latency_ms, b.bid_id))


def merge_by_value(bids: Sequence[BidSnapshot], targets: Sequence[TargetSnapshot]) -> list[Candidate]:
    """One list by value descending; both inputs must already be in descending value order.

    The sort is stable, so bids keep their ranking, targets keep their strategy order, and on equal value
    a bid (listed first) stays ahead of a target.
    """
    candidates: list[Candidate] = [*bids, *targets]
    candidates.sort(key=_value_descending)
    return candidates


def dial_steps(
    candidates: Sequence[Candidate], campaign: CampaignSnapshot, *, attempts_made: int
) -> tuple[DialStep, ...]:
    """The first candidates as dial steps, within what is left of the campaign's `max_attempts`."""
    remaining = max(campaign.max_attempts - attempts_made, 0)
    return tuple(_step(candidate, campaign) for candidate in candidates[:remaining])


def _value_descending(candidate: Candidate) -> Decimal:
    if isinstance(candidate, BidSnapshot):
        return -candidate.amount
    return -candidate.revenue


def _step(candidate: Candidate, campaign: CampaignSnapshot) -> DialStep:
    if isinstance(candidate, BidSnapshot):
        return DialStep(
            kind=StepKind.BID,
            target_id=None,
            bid_id=candidate.bid_id,
            buyer_id=None,
            destination=candidate.destination,
            revenue=candidate.amount,
            timeout_seconds=campaign.dial_timeout_seconds,
            conversion_seconds=(
                campaign.conversion_seconds
                if candidate.conversion_seconds is None
                else candidate.conversion_seconds
            ),
        )
    conversion_seconds = candidate.conversion_seconds
    return DialStep(
        kind=StepKind.TARGET,
        target_id=candidate.id,
        bid_id=None,
        buyer_id=candidate.buyer.id,
        destination=candidate.destination,
        revenue=candidate.revenue,
        timeout_seconds=campaign.dial_timeout_seconds,
        conversion_seconds=campaign.conversion_seconds if conversion_seconds is None else conversion_seconds,
    )
