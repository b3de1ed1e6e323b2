"""The live-state contract: value types, the cap rule and the `LiveState` interface.

Live state is the small, hot, shared state that call routing needs on every call: concurrency slots,
connected-call counters per cap period, round-robin cursors, rate-limit windows and short-lived cache
entries. It is not the system of record (calls, revenue and reports live in the database); losing it
costs at most a few minutes of cap accuracy, never a call record.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

Clock = Callable[[], float]
"""Seconds since the epoch; injectable so tests can move time (default `time.time`)."""

DEFAULT_CLOCK: Clock = time.time

RELEASE_GRACE_S = 3600
"""How long a slot stays releasable after its expiry.

A slot's expiry only protects against a callback that never comes. A callback that comes late still
reports a real connection, so it is counted: leaving it out would let later calls overshoot the cap.
"""

CURSOR_TTL_S = 7 * 24 * 3600
"""An idle round-robin cursor is forgotten after a week; restarting the rotation at 0 is harmless."""


class CapKind(StrEnum):
    CONCURRENCY = "concurrency"
    HOURLY = "hourly"
    DAILY = "daily"
    MONTHLY = "monthly"


PERIOD_KINDS = (CapKind.HOURLY, CapKind.DAILY, CapKind.MONTHLY)


@dataclass(frozen=True, slots=True)
class CapScope:
    """One level that caps a dial: `key` is e.g. "target:<uuid>", "buyer:<uuid>" or "campaign:<uuid>".

    A cap of None is unlimited. Period caps count connected calls in the periods given by `Periods`.
    """

    key: str
    concurrency_cap: int | None = None
    hourly_cap: int | None = None
    daily_cap: int | None = None
    monthly_cap: int | None = None

    def cap(self, kind: CapKind) -> int | None:
        match kind:
            case CapKind.CONCURRENCY:
                return self.concurrency_cap
            case CapKind.HOURLY:
                return self.hourly_cap
            case CapKind.DAILY:
                return self.daily_cap
            case CapKind.MONTHLY:
                return self.monthly_cap


@dataclass(frozen=True, slots=True)
class Periods:
    """The current cap periods, computed by the caller in the campaign's timezone.

    Keys identify the period ("2026112114", "20261121", "202611"); the TTLs say how long a counter of
    that period must be kept (at least until the period is over) so old counters disappear by themselves.
    """

    hour_key: str
    day_key: str
    month_key: str
    hour_ttl_s: int
    day_ttl_s: int
    month_ttl_s: int

    def key(self, kind: CapKind) -> str:
        return (
            self.hour_key
            if kind is CapKind.HOURLY
            else self.day_key
            if kind is CapKind.DAILY
            else self.month_key
        )

    def ttl_s(self, kind: CapKind) -> int:
        return (
            self.hour_ttl_s
            if kind is CapKind.HOURLY
            else self.day_ttl_s
            if kind is CapKind.DAILY
            else self.month_ttl_s
        )


@dataclass(frozen=True, slots=True)
class Reservation:
    ok: bool
    failed_scope: str | None = None
    failed_cap: CapKind | None = None


@dataclass(frozen=True, slots=True)
class ScopeUsage:
    """`live` in-flight slots; `hourly`/`daily`/`monthly` connected calls in the requested periods."""

    live: int = 0
    hourly: int = 0
    daily: int = 0
    monthly: int = 0

    def connected(self, kind: CapKind) -> int:
        return {CapKind.HOURLY: self.hourly, CapKind.DAILY: self.daily, CapKind.MONTHLY: self.monthly}[kind]


def first_full_cap(scope: CapScope, usage: ScopeUsage) -> CapKind | None:
    """The first cap of `scope` that leaves no room for one more dial, in the order concurrency,
    hourly, daily, monthly; None if a dial fits.

    Concurrency is full when live >= cap. A period cap is full when connected + live >= cap: in-flight
    dials count against period caps so that the cap holds even if every one of them connects. Routing
    uses this on a `usage()` snapshot; `MemoryLiveState.reserve` uses it under its lock and the Redis
    reserve script implements the same rule in Lua.
    """
    cap = scope.concurrency_cap
    if cap is not None and usage.live >= cap:
        return CapKind.CONCURRENCY
    for kind in PERIOD_KINDS:
        cap = scope.cap(kind)
        if cap is not None and usage.connected(kind) + usage.live >= cap:
            return kind
    return None


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    count: int
    retry_after_s: int


def rate_decision(now: float, *, count: int, limit: int, window_s: int) -> RateDecision:
    """The verdict on the `count`-th hit of the current fixed window (windows are aligned to the clock)."""
    return RateDecision(
        allowed=count <= limit, count=count, retry_after_s=max(1, math.ceil(window_end(now, window_s) - now))
    )


def rate_window(now: float, window_s: int) -> int:
    return math.floor(now / window_s)


def window_end(now: float, window_s: int) -> float:
    return float((rate_window(now, window_s) + 1) * window_s)


def require_positive(name: str, value: float) -> None:
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")


class LiveState(Protocol):
    """Fast shared state for call routing. Every compound operation is atomic: under an asyncio lock in
    the embedded `MemoryLiveState`, as one Lua script across processes in `RedisLiveState`.
    """

    async def reserve(
        self, slot_id: str, scopes: Sequence[CapScope], periods: Periods, ttl_s: int
    ) -> Reservation:
        """Take one concurrency slot in every scope at once, or in none.

        For each scope expired slots are purged first, then its caps are checked (see `first_full_cap`).
        If every scope has room the slot is added to each with expiry now + `ttl_s`, so a lost callback
        cannot leak it, and the scopes and periods are remembered under `slot_id` for `release`.
        Otherwise nothing changes and the first full scope (in the given order) and cap are returned.
        Reserving a slot that is still held is idempotent: ok, nothing counted twice.
        """
        ...

    async def release(self, slot_id: str, *, connected: bool) -> bool:
        """Free the slot in all its scopes; if `connected`, count one connected call in each scope for
        the periods recorded at reserve time (a call that started before midnight counts for that day).

        Twilio delivers callbacks late and twice: only the first release of a slot acts and returns
        True; later ones (or unknown ids) change nothing and return False. A slot stays releasable for
        `RELEASE_GRACE_S` after its expiry so that a late callback still counts its connection.
        """
        ...

    async def usage(self, scopes: Sequence[str], periods: Periods) -> dict[str, ScopeUsage]:
        """Live slots (expired ones not counted) and connected counts in `periods` for many scopes,
        in one round trip: the routing snapshot. Unknown scopes read as zero."""
        ...

    async def next_cursor(self, key: str) -> int:
        """Round-robin cursor: atomically returns 0, 1, 2, ... on successive calls for `key`."""
        ...

    async def hit(self, key: str, *, limit: int, window_s: int) -> RateDecision:
        """Count one hit in the current fixed window of `key` (windows are aligned to the clock).

        `count` includes this hit; allowed while count <= limit; `retry_after_s` is the time until the
        window resets. Rejected hits are counted too, so hammering does not open the window earlier.
        """
        ...

    async def reset(self, key: str) -> None:
        """Forget the rate-limit window of `key` (e.g. after a successful login)."""
        ...

    async def cache_set(self, key: str, value: str, ttl_s: float) -> None:
        """Store `value` for `ttl_s` seconds, replacing any previous value."""
        ...

    async def cache_get(self, key: str) -> str | None:
        """The value of `key`, or None if absent or expired."""
        ...

    async def cache_set_if_absent(self, key: str, value: str, ttl_s: float) -> bool:
        """Store `value` only if `key` holds no live value; True if stored (a lease taken once)."""
        ...

    async def close(self) -> None:
        """Release connections; the object must not be used afterwards."""
        ...
