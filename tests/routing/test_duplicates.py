import datetime as dt
import uuid

from callcenter.routing import DuplicateAction, PreviousCall, check_duplicate

NOW = dt.datetime(2026, 11, 18, 17, 0, tzinfo=dt.UTC)
ORIGINAL_TARGET = uuid.UUID(int=7)


def seconds_ago(seconds: int, target_id: uuid.UUID | None = ORIGINAL_TARGET) -> PreviousCall:
    return PreviousCall(at=NOW - dt.timedelta(seconds=seconds), target_id=target_id)


def test_zero_dedupe_seconds_disables_the_check() -> None:
    decision = check_duplicate(0, DuplicateAction.REJECT, previous=seconds_ago(1), now=NOW)
    assert (decision.duplicate, decision.action) == (False, DuplicateAction.ROUTE)


def test_first_call_is_not_a_duplicate() -> None:
    decision = check_duplicate(3600, DuplicateAction.REJECT, previous=None, now=NOW)
    assert (decision.duplicate, decision.action, decision.original_target_id) == (False, "route", None)


def test_repeat_call_within_the_window_is_a_duplicate() -> None:
    decision = check_duplicate(3600, DuplicateAction.ROUTE, previous=seconds_ago(3599), now=NOW)
    assert (decision.duplicate, decision.action, decision.original_target_id) == (True, "route", None)


def test_repeat_call_exactly_at_the_window_end_is_new() -> None:
    decision = check_duplicate(3600, DuplicateAction.REJECT, previous=seconds_ago(3600), now=NOW)
    assert (decision.duplicate, decision.action) == (False, DuplicateAction.ROUTE)


def test_previous_call_stamped_in_the_future_counts_as_duplicate() -> None:
    decision = check_duplicate(60, DuplicateAction.REJECT, previous=seconds_ago(-5), now=NOW)
    assert decision.duplicate


def test_duplicate_with_reject_action_is_rejected() -> None:
    decision = check_duplicate(60, DuplicateAction.REJECT, previous=seconds_ago(10), now=NOW)
    assert (decision.duplicate, decision.action, decision.original_target_id) == (True, "reject", None)


def test_duplicate_with_route_to_original_names_the_original_target() -> None:
    decision = check_duplicate(60, DuplicateAction.ROUTE_TO_ORIGINAL, previous=seconds_ago(10), now=NOW)
    assert (decision.duplicate, decision.action) == (True, DuplicateAction.ROUTE_TO_ORIGINAL)
    assert decision.original_target_id == ORIGINAL_TARGET


def test_route_to_original_without_an_original_target_routes_normally() -> None:
    previous = seconds_ago(10, target_id=None)
    decision = check_duplicate(60, DuplicateAction.ROUTE_TO_ORIGINAL, previous=previous, now=NOW)
    assert (decision.duplicate, decision.action, decision.original_target_id) == (True, "route", None)
