import datetime as dt
import random
import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.routing import (
    DEFAULT_CLOSED_MESSAGE,
    Caps,
    Outcome,
    RejectionReason,
    RoutingDecision,
    RoutingRequest,
    RoutingStrategy,
    StepKind,
    Usage,
    decide,
)

from .factories import NOW, make_bid, make_buyer, make_campaign, make_request, make_target


def run(request: RoutingRequest, seed: int = 0) -> RoutingDecision:
    return decide(request, random.Random(seed))


def destinations(decision: RoutingDecision) -> list[str]:
    return [step.destination for step in decision.steps]


def test_eligible_target_becomes_a_dial_step() -> None:
    buyer = make_buyer()
    target = make_target(buyer=buyer, revenue="42.50", conversion_seconds=90)
    campaign = make_campaign(dial_timeout_seconds=25)
    decision = run(make_request(campaign=campaign, targets=[target]))
    assert decision.outcome is Outcome.DIAL
    (step,) = decision.steps
    assert step.kind is StepKind.TARGET
    assert (step.target_id, step.bid_id, step.buyer_id) == (target.id, None, buyer.id)
    assert step.destination == target.destination
    assert step.revenue == Decimal("42.50")
    assert (step.timeout_seconds, step.conversion_seconds) == (25, 90)
    assert decision.fallback_number is None
    assert decision.closed_message is None


def test_target_without_conversion_seconds_uses_the_campaigns() -> None:
    decision = run(make_request(campaign=make_campaign(conversion_seconds=120), targets=[make_target()]))
    assert decision.steps[0].conversion_seconds == 120


def test_bid_becomes_a_dial_step_paid_at_its_amount() -> None:
    bid = make_bid(amount="33.10")
    decision = run(make_request(campaign=make_campaign(conversion_seconds=45), bids=[bid]))
    (step,) = decision.steps
    assert step.kind is StepKind.BID
    assert (step.target_id, step.bid_id, step.buyer_id) == (None, bid.bid_id, None)
    assert (step.destination, step.revenue, step.conversion_seconds) == (
        bid.destination,
        Decimal("33.10"),
        45,
    )


def test_rejections_are_reported_alongside_a_dial_plan() -> None:
    paused = make_target(status="paused")
    decision = run(make_request(targets=[paused, make_target()]))
    assert decision.outcome is Outcome.DIAL
    assert [(r.target_id, r.reason) for r in decision.rejections] == [
        (paused.id, RejectionReason.TARGET_INACTIVE)
    ]


def test_bids_are_dialed_before_targets() -> None:
    target = make_target(revenue="500")
    bid = make_bid(amount="5")
    decision = run(make_request(targets=[target], bids=[bid]))
    assert [step.kind for step in decision.steps] == [StepKind.BID, StepKind.TARGET]


def test_bids_rank_by_amount_then_lower_latency() -> None:
    slow_high = make_bid(amount="30", latency_ms=300)
    fast_high = make_bid(amount="30", latency_ms=80)
    low = make_bid(amount="10", latency_ms=10)
    decision = run(make_request(bids=[low, slow_high, fast_high]))
    assert [step.bid_id for step in decision.steps] == [fast_high.bid_id, slow_high.bid_id, low.bid_id]


def test_highest_revenue_merges_bids_and_targets_by_value() -> None:
    campaign = make_campaign(strategy=RoutingStrategy.HIGHEST_REVENUE, max_attempts=5)
    targets = [make_target(revenue="40"), make_target(revenue="15")]
    bids = [make_bid(amount="25"), make_bid(amount="50")]
    decision = run(make_request(campaign=campaign, targets=targets, bids=bids))
    assert [(step.kind, step.revenue) for step in decision.steps] == [
        (StepKind.BID, Decimal("50")),
        (StepKind.TARGET, Decimal("40")),
        (StepKind.BID, Decimal("25")),
        (StepKind.TARGET, Decimal("15")),
    ]


def test_highest_revenue_puts_a_bid_before_a_target_of_equal_value() -> None:
    campaign = make_campaign(strategy=RoutingStrategy.HIGHEST_REVENUE)
    decision = run(
        make_request(campaign=campaign, targets=[make_target(revenue="20")], bids=[make_bid(amount="20")])
    )
    assert [step.kind for step in decision.steps] == [StepKind.BID, StepKind.TARGET]


def test_expired_bid_is_not_dialed_and_is_reported() -> None:
    expired = make_bid(amount="99", expires_at=NOW - dt.timedelta(seconds=5))
    target = make_target()
    decision = run(make_request(targets=[target], bids=[expired]))
    assert [step.target_id for step in decision.steps] == [target.id]
    assert [(r.bid_id, r.reason) for r in decision.rejections] == [
        (expired.bid_id, RejectionReason.BID_EXPIRED)
    ]


def test_plan_is_truncated_to_max_attempts() -> None:
    campaign = make_campaign(strategy=RoutingStrategy.ROUND_ROBIN, max_attempts=2)
    targets = [make_target() for _ in range(5)]
    decision = run(make_request(campaign=campaign, targets=targets, bids=[make_bid()]))
    assert len(decision.steps) == 2
    assert decision.steps[0].kind is StepKind.BID
    assert decision.steps[1].target_id == targets[0].id


def test_excluded_targets_and_bids_are_not_dialed_again() -> None:
    campaign = make_campaign(strategy=RoutingStrategy.ROUND_ROBIN, max_attempts=5)
    tried_target, fresh_target = make_target(), make_target()
    tried_bid, fresh_bid = make_bid(amount="50"), make_bid(amount="10")
    request = make_request(
        campaign=campaign,
        targets=[tried_target, fresh_target],
        bids=[tried_bid, fresh_bid],
        exclude_target_ids=frozenset({tried_target.id}),
        exclude_bid_ids=frozenset({tried_bid.bid_id}),
    )
    decision = run(request)
    assert [(s.bid_id, s.target_id) for s in decision.steps] == [
        (fresh_bid.bid_id, None),
        (None, fresh_target.id),
    ]
    assert {(r.target_id, r.bid_id, r.reason) for r in decision.rejections} == {
        (tried_target.id, None, RejectionReason.ALREADY_TRIED),
        (None, tried_bid.bid_id, RejectionReason.ALREADY_TRIED),
    }


def test_attempts_already_made_count_against_max_attempts() -> None:
    campaign = make_campaign(strategy=RoutingStrategy.ROUND_ROBIN, max_attempts=3)
    targets = [make_target() for _ in range(5)]
    request = make_request(campaign=campaign, targets=targets, exclude_target_ids=frozenset({targets[0].id}))
    assert [step.target_id for step in run(request).steps] == [targets[1].id, targets[2].id]


def test_fall_through_dials_each_candidate_once_then_falls_back() -> None:
    campaign = make_campaign(
        strategy=RoutingStrategy.ROUND_ROBIN, max_attempts=3, fallback_number="+18005550100"
    )
    targets = [make_target() for _ in range(4)]
    tried: frozenset[uuid.UUID] = frozenset()
    dialed: list[uuid.UUID] = []
    while (decision := run(make_request(campaign=campaign, targets=targets, exclude_target_ids=tried))).steps:
        first = decision.steps[0].target_id
        assert first is not None
        dialed.append(first)
        tried = tried | {first}
    assert dialed == [t.id for t in targets[:3]]
    assert decision.outcome is Outcome.FALLBACK
    assert decision.fallback_number == "+18005550100"


def test_no_eligible_candidate_goes_to_the_fallback_number() -> None:
    campaign = make_campaign(fallback_number="+18005550100")
    decision = run(make_request(campaign=campaign, targets=[make_target(status="paused")]))
    assert decision.outcome is Outcome.FALLBACK
    assert decision.steps == ()
    assert decision.fallback_number == "+18005550100"
    assert decision.closed_message is None
    assert [r.reason for r in decision.rejections] == [RejectionReason.TARGET_INACTIVE]


def test_no_eligible_candidate_and_no_fallback_plays_the_closed_message() -> None:
    campaign = make_campaign(closed_message="We are closed, call back tomorrow.")
    decision = run(make_request(campaign=campaign, targets=[]))
    assert decision.outcome is Outcome.CLOSED
    assert decision.steps == ()
    assert decision.fallback_number is None
    assert decision.closed_message == "We are closed, call back tomorrow."


def test_closed_campaign_without_message_plays_the_default_sentence() -> None:
    decision = run(make_request(targets=[]))
    assert decision.outcome is Outcome.CLOSED
    assert decision.closed_message == DEFAULT_CLOSED_MESSAGE


def test_inactive_campaign_goes_to_the_fallback_number_with_its_reason() -> None:
    campaign = make_campaign(status="paused", fallback_number="+18005550100")
    decision = run(make_request(campaign=campaign, targets=[make_target()]))
    assert decision.outcome is Outcome.REJECTED_CAMPAIGN
    assert decision.steps == ()
    assert decision.fallback_number == "+18005550100"
    assert [(r.target_id, r.bid_id, r.reason) for r in decision.rejections] == [
        (None, None, RejectionReason.CAMPAIGN_INACTIVE)
    ]


def test_inactive_campaign_without_fallback_plays_the_closed_message() -> None:
    campaign = make_campaign(status="archived", closed_message="Closed.")
    decision = run(make_request(campaign=campaign, targets=[make_target()]))
    assert decision.outcome is Outcome.REJECTED_CAMPAIGN
    assert decision.fallback_number is None
    assert decision.closed_message == "Closed."


@pytest.mark.parametrize(
    ("caps", "usage", "reason"),
    [
        (Caps(concurrency=10), Usage(live=10), RejectionReason.CAMPAIGN_CONCURRENCY_CAP),
        (Caps(hourly=100), Usage(hourly=99, live=1), RejectionReason.CAMPAIGN_HOURLY_CAP),
        (Caps(daily=100), Usage(daily=100), RejectionReason.CAMPAIGN_DAILY_CAP),
        (Caps(monthly=100), Usage(monthly=100), RejectionReason.CAMPAIGN_MONTHLY_CAP),
    ],
)
def test_capped_campaign_rejects_the_call_without_looking_at_targets(
    caps: Caps, usage: Usage, reason: RejectionReason
) -> None:
    campaign = make_campaign(caps=caps, usage=usage, fallback_number="+18005550100")
    decision = run(make_request(campaign=campaign, targets=[make_target(status="paused")], bids=[make_bid()]))
    assert decision.outcome is Outcome.REJECTED_CAMPAIGN
    assert [r.reason for r in decision.rejections] == [reason]


def test_campaign_state_rejection_plays_the_closed_message() -> None:
    campaign = make_campaign(allowed_states=frozenset({"TX"}))
    decision = run(make_request(campaign=campaign, targets=[make_target()], caller_state="CA"))
    assert decision.outcome is Outcome.REJECTED_CAMPAIGN
    assert decision.rejections[0].reason is RejectionReason.CAMPAIGN_STATE_NOT_ALLOWED
    assert decision.closed_message == DEFAULT_CLOSED_MESSAGE


def test_same_request_and_seed_give_the_same_decision() -> None:
    campaign = make_campaign(strategy=RoutingStrategy.WEIGHTED, max_attempts=10)
    request = make_request(campaign=campaign, targets=[make_target(weight=w) for w in range(1, 11)])
    assert run(request, seed=11) == run(request, seed=11)


def test_request_requires_an_aware_clock() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_request(now=dt.datetime(2026, 11, 18, 12))  # noqa: DTZ001


def test_target_priority_and_weight_are_validated() -> None:
    with pytest.raises(ValueError, match="priority"):
        make_target(priority=0)
    with pytest.raises(ValueError, match="weight"):
        make_target(weight=101)


@given(
    strategy=st.sampled_from(list(RoutingStrategy)),
    target_count=st.integers(0, 6),
    bid_count=st.integers(0, 3),
    max_attempts=st.integers(1, 5),
    tried=st.sets(st.integers(0, 8), max_size=4),
    seed=st.integers(0, 1000),
)
def test_plan_never_repeats_a_candidate_nor_exceeds_the_attempts_left(
    strategy: RoutingStrategy,
    target_count: int,
    bid_count: int,
    max_attempts: int,
    tried: set[int],
    seed: int,
) -> None:
    targets = [make_target(priority=i % 3 + 1, revenue=str(10 + i)) for i in range(target_count)]
    bids = [make_bid(amount=str(12 + i)) for i in range(bid_count)]
    ids = [t.id for t in targets] + [b.bid_id for b in bids]
    excluded = {ids[i] for i in tried if i < len(ids)}
    request = make_request(
        campaign=make_campaign(strategy=strategy, max_attempts=max_attempts),
        targets=targets,
        bids=bids,
        exclude_target_ids=frozenset(excluded & {t.id for t in targets}),
        exclude_bid_ids=frozenset(excluded & {b.bid_id for b in bids}),
    )
    decision = run(request, seed)
    dialed = [step.target_id or step.bid_id for step in decision.steps]
    assert len(dialed) == len(set(dialed)) <= max(max_attempts - len(excluded), 0)
    assert not excluded & set(dialed)
    assert (decision.outcome is Outcome.DIAL) == bool(dialed)
