"""Inputs of the routing engine: an immutable snapshot of everything a decision depends on.

The caller (the voice webhook) loads the campaign, its assigned targets (with the campaign's
priority/weight overrides already applied), their buyers, the live counters and the clock, and hands them
over as these frozen dataclasses. The engine reads nothing else, so a decision can be replayed from its
snapshot.

Statuses are lowercase strings; "active" is the only routable status for a campaign, a buyer and a target.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from callcenter.routing.reasons import RoutingStrategy

ACTIVE = "active"


@dataclass(frozen=True, slots=True)
class Caps:
    """Limits of a campaign, a buyer or a target; None means unlimited.

    Concurrency counts calls in flight; the hourly, daily and monthly caps count connected calls in the
    current period of the campaign's timezone.
    """

    concurrency: int | None = None
    hourly: int | None = None
    daily: int | None = None
    monthly: int | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    """Live counters matching `Caps`.

    `live` is the number of dials holding a concurrency slot right now. It also counts against the period
    caps: a dial in flight may still connect, and counting it up front is what keeps a cap from ever
    overshooting when several calls are routed at once.
    """

    live: int = 0
    hourly: int = 0
    daily: int = 0
    monthly: int = 0


@dataclass(frozen=True, slots=True)
class DayRange:
    """An opening range starting on `weekday` (0 = Monday .. 6 = Sunday) in local wall-clock time.

    `end <= start` means the range runs overnight into the next day (Monday 22:00-02:00 covers Monday 22:00
    to Tuesday 02:00, Sunday spills into Monday); `end == start` means 24 hours from `start`.
    """

    weekday: int
    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")


@dataclass(frozen=True, slots=True)
class Schedule:
    """Weekly opening hours of a target in its own IANA timezone.

    A schedule with no ranges is always closed. A holiday closes the whole local date, including the
    after-midnight part of an overnight range that started the day before.
    """

    timezone: str
    ranges: tuple[DayRange, ...]
    holidays: frozenset[dt.date] = frozenset()

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # fail on an unknown zone when the snapshot is built, not mid-call


@dataclass(frozen=True, slots=True, kw_only=True)
class BuyerSnapshot:
    """The buyer owning a target; its status and caps apply to all of its targets together."""

    id: uuid.UUID
    status: str
    caps: Caps = Caps()
    usage: Usage = Usage()


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetSnapshot:
    """A dialable destination of a buyer, as assigned to the campaign.

    `priority` 1-10 (1 is dialed first), `weight` 1-100 (share inside a priority tier). `revenue` is paid
    per converted call. `calls`/`conversions` are the recent history used by the predictive strategy.
    `allowed_states` holds upper-case two-letter US state codes; empty allows every state.
    """

    id: uuid.UUID
    buyer: BuyerSnapshot
    name: str
    destination: str
    status: str
    priority: int
    weight: int
    revenue: Decimal
    schedule: Schedule | None = None
    allowed_states: frozenset[str] = frozenset()
    caps: Caps = Caps()
    usage: Usage = Usage()
    conversion_seconds: int | None = None
    calls: int = 0
    conversions: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.priority <= 10:
            raise ValueError(f"priority must be 1-10, got {self.priority}")
        if not 1 <= self.weight <= 100:
            raise ValueError(f"weight must be 1-100, got {self.weight}")


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignSnapshot:
    """The campaign being called. Its status, allowed states and caps can refuse the whole call;
    `max_attempts` bounds the destinations rung per call; `fallback_number`, else `closed_message`
    (else a default sentence), serves a caller nobody can take."""

    id: uuid.UUID
    status: str
    timezone: str
    strategy: RoutingStrategy
    caps: Caps = Caps()
    usage: Usage = Usage()
    allowed_states: frozenset[str] = frozenset()
    max_attempts: int = 3
    dial_timeout_seconds: int = 30
    fallback_number: str | None = None
    closed_message: str | None = None
    conversion_seconds: int = 60


@dataclass(frozen=True, slots=True, kw_only=True)
class BidSnapshot:
    """A real-time bid that the auction already validated (amount range, destination, currency).

    `caps` are the bidder's, reserved with the dial like a buyer's; `conversion_seconds` is the call
    length the bidder pays for (None: the campaign's).
    """

    bid_id: uuid.UUID
    bidder_id: uuid.UUID
    amount: Decimal
    destination: str
    latency_ms: float
    expires_at: dt.datetime | None = None
    caps: Caps = Caps()
    conversion_seconds: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutingRequest:
    """Everything one routing decision needs.

    `caller_state` is the caller's upper-case two-letter US state, None when unknown. `now` is
    timezone-aware. `round_robin_cursor` is the campaign's rotating counter, kept and advanced by
    the live state (the engine only reads it). The exclude sets list the targets and bids already dialed
    for this call: fall-through after an unanswered dial is a new decision with the tried ids excluded,
    so caps and schedules are re-checked at each attempt.
    """

    campaign: CampaignSnapshot
    targets: tuple[TargetSnapshot, ...]
    caller_state: str | None
    now: dt.datetime
    round_robin_cursor: int = 0
    bids: tuple[BidSnapshot, ...] = ()
    exclude_target_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    exclude_bid_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.now.utcoffset() is None:
            raise ValueError("now must be timezone-aware")
