"""Pure routing engine: a snapshot of the campaign, its candidates, live counters and the clock in, an
ordered dial plan with the reason for every rejected candidate out. No I/O, no asyncio, no global state.
"""

from callcenter.routing.duplicates import (
    DuplicateAction,
    DuplicateDecision,
    PreviousCall,
    check_duplicate,
)
from callcenter.routing.engine import decide
from callcenter.routing.periods import Periods, cap_periods
from callcenter.routing.plan import DEFAULT_CLOSED_MESSAGE, DialStep, Outcome, RoutingDecision, StepKind
from callcenter.routing.reasons import Rejection, RejectionReason, RoutingStrategy
from callcenter.routing.schedule import ScheduleCheck, is_open
from callcenter.routing.snapshot import (
    BidSnapshot,
    BuyerSnapshot,
    CampaignSnapshot,
    Caps,
    DayRange,
    RoutingRequest,
    Schedule,
    TargetSnapshot,
    Usage,
)

__all__ = [
    "DEFAULT_CLOSED_MESSAGE",
    "BidSnapshot",
    "BuyerSnapshot",
    "CampaignSnapshot",
    "Caps",
    "DayRange",
    "DialStep",
    "DuplicateAction",
    "DuplicateDecision",
    "Outcome",
    "Periods",
    "PreviousCall",
    "Rejection",
    "RejectionReason",
    "RoutingDecision",
    "RoutingRequest",
    "RoutingStrategy",
    "Schedule",
    "ScheduleCheck",
    "StepKind",
    "TargetSnapshot",
    "Usage",
    "cap_periods",
    "check_duplicate",
    "decide",
    "is_open",
]
