import datetime as dt
import random
import uuid
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.routing import Caps, DayRange, RejectionReason, Schedule, TargetSnapshot, Usage, decide
from callcenter.routing.eligibility import check_campaign, filter_bids, filter_targets

from .factories import NOW, make_bid, make_buyer, make_campaign, make_request, make_target

CLOSED_NOW = Schedule("America/New_York", (DayRange(0, dt.time(9), dt.time(17)),))  # NOW is a Wednesday
CHRISTMAS_NOW = Schedule("America/New_York", (), frozenset({NOW.date()}))


def only_rejection(
    target: TargetSnapshot,
    *,
    caller_state: str | None = "CA",
    exclude_target_ids: frozenset[uuid.UUID] = frozenset(),
) -> RejectionReason:
    request = make_request(targets=[target], caller_state=caller_state, exclude_target_ids=exclude_target_ids)
    eligible, rejections = filter_targets(request)
    assert eligible == []
    assert len(rejections) == 1
    assert rejections[0].target_id == target.id
    assert rejections[0].bid_id is None
    return rejections[0].reason


def test_active_target_without_restrictions_is_eligible() -> None:
    target = make_target()
    assert filter_targets(make_request(targets=[target])) == ([target], [])


def test_inactive_target_is_skipped_with_reason() -> None:
    assert only_rejection(make_target(status="paused")) is RejectionReason.TARGET_INACTIVE


def test_target_of_inactive_buyer_is_skipped_with_reason() -> None:
    target = make_target(buyer=make_buyer(status="paused"))
    assert only_rejection(target) is RejectionReason.BUYER_INACTIVE


def test_closed_target_is_skipped_with_reason() -> None:
    assert only_rejection(make_target(schedule=CLOSED_NOW)) is RejectionReason.OUTSIDE_SCHEDULE


def test_target_on_holiday_is_skipped_with_reason() -> None:
    assert only_rejection(make_target(schedule=CHRISTMAS_NOW)) is RejectionReason.HOLIDAY


def test_target_not_taking_the_callers_state_is_skipped_with_reason() -> None:
    target = make_target(allowed_states=frozenset({"TX", "FL"}))
    assert only_rejection(target, caller_state="CA") is RejectionReason.STATE_NOT_ALLOWED


def test_target_with_state_list_rejects_caller_of_unknown_state() -> None:
    target = make_target(allowed_states=frozenset({"CA"}))
    assert only_rejection(target, caller_state=None) is RejectionReason.STATE_NOT_ALLOWED


def test_target_in_callers_state_is_eligible() -> None:
    target = make_target(allowed_states=frozenset({"CA", "TX"}))
    assert filter_targets(make_request(targets=[target], caller_state="CA"))[0] == [target]


def test_target_without_state_list_takes_caller_of_unknown_state() -> None:
    target = make_target()
    assert filter_targets(make_request(targets=[target], caller_state=None))[0] == [target]


def test_already_tried_target_is_skipped_with_reason() -> None:
    target = make_target()
    assert only_rejection(target, exclude_target_ids=frozenset({target.id})) is RejectionReason.ALREADY_TRIED


CAP_CASES = [
    (Caps(concurrency=2), Usage(live=2), "concurrency"),
    (Caps(hourly=5), Usage(hourly=5), "hourly"),
    (Caps(daily=5), Usage(daily=5), "daily"),
    (Caps(monthly=5), Usage(monthly=5), "monthly"),
]


@pytest.mark.parametrize(("caps", "usage", "period"), CAP_CASES)
def test_capped_target_is_skipped_with_reason(caps: Caps, usage: Usage, period: str) -> None:
    target = make_target(caps=caps, usage=usage)
    assert only_rejection(target) == f"target_{period}_cap"


@pytest.mark.parametrize(("caps", "usage", "period"), CAP_CASES)
def test_target_of_capped_buyer_is_skipped_with_reason(caps: Caps, usage: Usage, period: str) -> None:
    target = make_target(buyer=make_buyer(caps=caps, usage=usage))
    assert only_rejection(target) == f"buyer_{period}_cap"


def test_target_below_its_caps_is_eligible() -> None:
    target = make_target(
        caps=Caps(concurrency=3, hourly=5, daily=10, monthly=100),
        usage=Usage(live=2, hourly=2, daily=7, monthly=97),
    )
    assert filter_targets(make_request(targets=[target]))[0] == [target]


def test_calls_in_flight_count_against_period_caps() -> None:
    target = make_target(caps=Caps(daily=5), usage=Usage(live=1, daily=4))
    assert only_rejection(target) is RejectionReason.TARGET_DAILY_CAP


def test_cap_rejection_detail_shows_the_numbers() -> None:
    target = make_target(caps=Caps(daily=5), usage=Usage(live=1, daily=4))
    _, rejections = filter_targets(make_request(targets=[target]))
    assert rejections[0].detail == "daily cap 5 reached (4 connected + 1 live)"


def test_zero_cap_blocks_every_call() -> None:
    assert only_rejection(make_target(caps=Caps(hourly=0))) is RejectionReason.TARGET_HOURLY_CAP


def test_already_tried_is_reported_before_any_other_reason() -> None:
    target = make_target(status="paused", buyer=make_buyer(status="paused"))
    assert only_rejection(target, exclude_target_ids=frozenset({target.id})) is RejectionReason.ALREADY_TRIED


def test_target_status_is_reported_before_buyer_status() -> None:
    target = make_target(status="paused", buyer=make_buyer(status="paused"))
    assert only_rejection(target) is RejectionReason.TARGET_INACTIVE


def test_buyer_status_is_reported_before_schedule() -> None:
    target = make_target(buyer=make_buyer(status="archived"), schedule=CLOSED_NOW)
    assert only_rejection(target) is RejectionReason.BUYER_INACTIVE


def test_schedule_is_reported_before_state() -> None:
    target = make_target(schedule=CLOSED_NOW, allowed_states=frozenset({"TX"}))
    assert only_rejection(target) is RejectionReason.OUTSIDE_SCHEDULE


def test_state_is_reported_before_caps() -> None:
    target = make_target(allowed_states=frozenset({"TX"}), caps=Caps(concurrency=0))
    assert only_rejection(target) is RejectionReason.STATE_NOT_ALLOWED


def test_target_caps_are_checked_concurrency_hourly_daily_monthly() -> None:
    all_hit = Caps(concurrency=1, hourly=1, daily=1, monthly=1)
    assert (
        only_rejection(make_target(caps=all_hit, usage=Usage(live=1)))
        is RejectionReason.TARGET_CONCURRENCY_CAP
    )
    periods_hit = Caps(hourly=1, daily=1, monthly=1)
    assert only_rejection(make_target(caps=periods_hit, usage=Usage(hourly=1, daily=1, monthly=1))) == (
        RejectionReason.TARGET_HOURLY_CAP
    )
    assert only_rejection(make_target(caps=Caps(daily=1, monthly=1), usage=Usage(daily=1, monthly=1))) == (
        RejectionReason.TARGET_DAILY_CAP
    )


def test_target_caps_are_reported_before_buyer_caps() -> None:
    buyer = make_buyer(caps=Caps(concurrency=0))
    assert (
        only_rejection(make_target(buyer=buyer, caps=Caps(monthly=0))) is RejectionReason.TARGET_MONTHLY_CAP
    )


def test_eligible_targets_keep_their_input_order() -> None:
    targets = [make_target(priority=p) for p in (3, 1, 2)]
    assert filter_targets(make_request(targets=targets))[0] == targets


def test_expired_bid_is_rejected_with_reason() -> None:
    bid = make_bid(expires_at=NOW - dt.timedelta(seconds=1))
    usable, rejections = filter_bids(make_request(bids=[bid]))
    assert usable == []
    assert [(r.bid_id, r.target_id, r.reason) for r in rejections] == [(bid.bid_id, None, "bid_expired")]


def test_bid_expiring_at_this_instant_is_expired() -> None:
    bid = make_bid(expires_at=NOW)
    assert filter_bids(make_request(bids=[bid]))[1][0].reason is RejectionReason.BID_EXPIRED


def test_unexpired_bid_and_bid_without_expiry_are_usable() -> None:
    bids = [make_bid(expires_at=NOW + dt.timedelta(seconds=1)), make_bid(expires_at=None)]
    assert filter_bids(make_request(bids=bids)) == (bids, [])


def test_already_tried_bid_is_rejected_with_reason() -> None:
    bid = make_bid()
    _, rejections = filter_bids(make_request(bids=[bid], exclude_bid_ids=frozenset({bid.bid_id})))
    assert rejections[0].reason is RejectionReason.ALREADY_TRIED


def test_active_campaign_in_allowed_state_below_caps_takes_the_call() -> None:
    campaign = make_campaign(allowed_states=frozenset({"CA"}), caps=Caps(daily=10), usage=Usage(daily=9))
    assert check_campaign(make_request(campaign=campaign, caller_state="CA")) is None


def test_inactive_campaign_rejects_the_call() -> None:
    rejection = check_campaign(make_request(campaign=make_campaign(status="paused")))
    assert rejection is not None
    assert (rejection.reason, rejection.target_id, rejection.bid_id) == ("campaign_inactive", None, None)


def test_campaign_rejects_caller_from_state_not_allowed() -> None:
    request = make_request(campaign=make_campaign(allowed_states=frozenset({"TX"})), caller_state="CA")
    rejection = check_campaign(request)
    assert rejection is not None
    assert rejection.reason is RejectionReason.CAMPAIGN_STATE_NOT_ALLOWED


def test_campaign_with_state_list_rejects_caller_of_unknown_state() -> None:
    request = make_request(campaign=make_campaign(allowed_states=frozenset({"TX"})), caller_state=None)
    rejection = check_campaign(request)
    assert rejection is not None
    assert rejection.detail == "caller state unknown"


@pytest.mark.parametrize(("caps", "usage", "period"), CAP_CASES)
def test_capped_campaign_rejects_the_call(caps: Caps, usage: Usage, period: str) -> None:
    rejection = check_campaign(make_request(campaign=make_campaign(caps=caps, usage=usage)))
    assert rejection is not None
    assert rejection.reason == f"campaign_{period}_cap"


def test_campaign_status_is_checked_before_state_and_caps() -> None:
    campaign = make_campaign(status="draft", allowed_states=frozenset({"TX"}), caps=Caps(concurrency=0))
    rejection = check_campaign(make_request(campaign=campaign, caller_state="CA"))
    assert rejection is not None
    assert rejection.reason is RejectionReason.CAMPAIGN_INACTIVE


def test_campaign_state_is_checked_before_caps() -> None:
    campaign = make_campaign(allowed_states=frozenset({"TX"}), caps=Caps(concurrency=0))
    rejection = check_campaign(make_request(campaign=campaign, caller_state="CA"))
    assert rejection is not None
    assert rejection.reason is RejectionReason.CAMPAIGN_STATE_NOT_ALLOWED


TARGET_SHAPES = st.builds(
    make_target,
    status=st.sampled_from(["active", "paused"]),
    buyer=st.builds(
        make_buyer,
        status=st.sampled_from(["active", "paused"]),
        caps=st.builds(Caps, concurrency=st.none() | st.integers(0, 3)),
        usage=st.builds(Usage, live=st.integers(0, 3)),
    ),
    schedule=st.sampled_from([None, CLOSED_NOW, CHRISTMAS_NOW]),
    allowed_states=st.sampled_from([frozenset(), frozenset({"CA"}), frozenset({"TX"})]),
    caps=st.builds(
        Caps,
        concurrency=st.none() | st.integers(0, 3),
        hourly=st.none() | st.integers(0, 5),
        daily=st.none() | st.integers(0, 5),
        monthly=st.none() | st.integers(0, 5),
    ),
    usage=st.builds(Usage, live=st.integers(0, 3), hourly=st.integers(0, 5), daily=st.integers(0, 5)),
)


@given(targets=st.lists(TARGET_SHAPES, max_size=8), excluded=st.lists(st.booleans(), min_size=8, max_size=8))
def test_every_target_is_either_eligible_or_rejected_exactly_once(
    targets: list[TargetSnapshot], excluded: list[bool]
) -> None:
    exclude = frozenset(t.id for t, out in zip(targets, excluded, strict=False) if out)
    request = make_request(targets=targets, exclude_target_ids=exclude)
    eligible, rejections = filter_targets(request)
    seen = [t.id for t in eligible] + [r.target_id for r in rejections]
    assert Counter(seen) == Counter(t.id for t in targets)
    decision = decide(request, random.Random(0))
    assert len(decision.rejections) == len(rejections)
