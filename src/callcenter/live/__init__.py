"""Live state: fast shared state for call routing (slots, cap counters, cursors, rate limits, cache).

`create_live_state` picks the implementation from configuration: in-memory for the embedded
single-process default, Redis when `CALLCENTER_REDIS_URL` is set (scale-out).
"""

from callcenter.live.base import (
    DEFAULT_CLOCK,
    RELEASE_GRACE_S,
    CapKind,
    CapScope,
    Clock,
    LiveState,
    Periods,
    RateDecision,
    Reservation,
    ScopeUsage,
    first_full_cap,
)
from callcenter.live.memory import MemoryLiveState
from callcenter.live.redis_state import RedisLiveState

__all__ = [
    "RELEASE_GRACE_S",
    "CapKind",
    "CapScope",
    "Clock",
    "LiveState",
    "MemoryLiveState",
    "Periods",
    "RateDecision",
    "RedisLiveState",
    "Reservation",
    "ScopeUsage",
    "create_live_state",
    "first_full_cap",
]


def create_live_state(
    redis_url: str | None, *, prefix: str = "cc:", clock: Clock = DEFAULT_CLOCK
) -> LiveState:
    """Redis-backed live state if `redis_url` is set, else in-memory (`prefix` applies to Redis only).

    Connecting is lazy: an unreachable Redis shows up on the first operation, not here.
    """
    if redis_url:
        return RedisLiveState.from_url(redis_url, prefix=prefix, clock=clock)
    return MemoryLiveState(clock=clock)
