"""Duplicate calls: the same caller calling the same campaign again within `dedupe_seconds`.

- `dedupe_seconds == 0` disables the check.
- A call is a duplicate when the caller's previous call to the campaign started less than
  `dedupe_seconds` before this one (a call exactly `dedupe_seconds` later is new). A previous call
  stamped after `now` (clock skew between processes) counts as within the window.
- The campaign's `duplicate_action` then applies: route (route normally, flag the call as duplicate so
  it is not paid twice), route_to_original (ring the target that took the previous call) or reject.
- route_to_original without a known original target (the previous call was never connected) routes
  normally: the caller is still served.
- A call that is not a duplicate always gets action route.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum


class DuplicateAction(StrEnum):
    ROUTE = "route"
    ROUTE_TO_ORIGINAL = "route_to_original"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class PreviousCall:
    """The caller's latest earlier call to the same campaign."""

    at: dt.datetime
    target_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class DuplicateDecision:
    duplicate: bool
    action: DuplicateAction
    original_target_id: uuid.UUID | None  # set only with action route_to_original


NOT_DUPLICATE = DuplicateDecision(duplicate=False, action=DuplicateAction.ROUTE, original_target_id=None)


def check_duplicate(
    dedupe_seconds: int,
    action: DuplicateAction,
    *,
    previous: PreviousCall | None,
    now: dt.datetime,
) -> DuplicateDecision:
    """Classify the call and say what to do with it (rules in the module docstring)."""
    if dedupe_seconds <= 0 or previous is None:
        return NOT_DUPLICATE
    if now - previous.at >= dt.timedelta(seconds=dedupe_seconds):
        return NOT_DUPLICATE
    if action is DuplicateAction.ROUTE_TO_ORIGINAL:
        if previous.target_id is None:
            return DuplicateDecision(duplicate=True, action=DuplicateAction.ROUTE, original_target_id=None)
        return DuplicateDecision(duplicate=True, action=action, original_target_id=previous.target_id)
    return DuplicateDecision(duplicate=True, action=action, original_target_id=None)
