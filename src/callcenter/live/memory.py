"""In-process live state: the embedded default (one process, no Redis)."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from callcenter.live.base import (
    CURSOR_TTL_S,
    DEFAULT_CLOCK,
    PERIOD_KINDS,
    RELEASE_GRACE_S,
    CapKind,
    CapScope,
    Clock,
    Periods,
    RateDecision,
    Reservation,
    ScopeUsage,
    first_full_cap,
    rate_decision,
    require_positive,
    window_end,
)

SWEEP_INTERVAL_S = 60.0
"""Expired entries are dropped when read and by a full sweep at most once a minute (of the clock)."""

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(slots=True)
class _Entry(Generic[V]):
    value: V
    expires_at: float


@dataclass(frozen=True, slots=True)
class _Slot:
    scopes: tuple[str, ...]
    periods: Periods
    expires_at: float


class MemoryLiveState:
    """`LiveState` held in dictionaries of this process; see `LiveState` for the rules.

    One asyncio lock makes each compound operation atomic. The critical sections do not await today,
    so the lock costs next to nothing; it keeps them atomic if one ever does.
    """

    def __init__(self, *, clock: Clock = DEFAULT_CLOCK) -> None:
        self._clock = clock
        self._lock = asyncio.Lock()
        self._live: dict[str, dict[str, float]] = {}  # scope -> slot id -> expiry
        self._slots: dict[str, _Slot] = {}
        self._connected: dict[tuple[str, CapKind, str], _Entry[int]] = {}  # (scope, kind, period key)
        self._cursors: dict[str, _Entry[int]] = {}
        self._windows: dict[str, _Entry[int]] = {}  # expires when its rate window ends
        self._cache: dict[str, _Entry[str]] = {}
        self._next_sweep = 0.0

    async def reserve(
        self, slot_id: str, scopes: Sequence[CapScope], periods: Periods, ttl_s: int
    ) -> Reservation:
        require_positive("ttl_s", ttl_s)
        async with self._lock:
            now = self._now()
            held = self._slots.get(slot_id)
            if held is not None and held.expires_at > now:
                return Reservation(ok=True)
            for scope in scopes:
                full = first_full_cap(scope, self._usage(scope.key, periods, now))
                if full is not None:
                    return Reservation(ok=False, failed_scope=scope.key, failed_cap=full)
            expires_at = now + ttl_s
            for scope in scopes:
                self._live.setdefault(scope.key, {})[slot_id] = expires_at
            self._slots[slot_id] = _Slot(tuple(s.key for s in scopes), periods, expires_at)
            return Reservation(ok=True)

    async def release(self, slot_id: str, *, connected: bool) -> bool:
        async with self._lock:
            now = self._now()
            slot = self._slots.pop(slot_id, None)
            if slot is None or slot.expires_at + RELEASE_GRACE_S <= now:
                return False
            for scope in slot.scopes:
                live = self._live.get(scope, {})
                live.pop(slot_id, None)
                if not live:
                    self._live.pop(scope, None)
                if connected:
                    for kind in PERIOD_KINDS:
                        key = (scope, kind, slot.periods.key(kind))
                        entry = _get(self._connected, key, now)
                        if entry is None:
                            entry = self._connected[key] = _Entry(0, now + slot.periods.ttl_s(kind))
                        entry.value += 1
            return True

    async def usage(self, scopes: Sequence[str], periods: Periods) -> dict[str, ScopeUsage]:
        async with self._lock:
            now = self._now()
            return {scope: self._usage(scope, periods, now) for scope in scopes}

    async def next_cursor(self, key: str) -> int:
        async with self._lock:
            now = self._now()
            entry = _get(self._cursors, key, now)
            position = 0 if entry is None else entry.value + 1
            self._cursors[key] = _Entry(position, now + CURSOR_TTL_S)
            return position

    async def hit(self, key: str, *, limit: int, window_s: int) -> RateDecision:
        require_positive("window_s", window_s)
        async with self._lock:
            now = self._now()
            entry = _get(self._windows, key, now)
            if entry is None:
                entry = self._windows[key] = _Entry(0, window_end(now, window_s))
            entry.value += 1
            return rate_decision(now, count=entry.value, limit=limit, window_s=window_s)

    async def reset(self, key: str) -> None:
        async with self._lock:
            self._windows.pop(key, None)

    async def cache_set(self, key: str, value: str, ttl_s: float) -> None:
        require_positive("ttl_s", ttl_s)
        async with self._lock:
            self._cache[key] = _Entry(value, self._now() + ttl_s)

    async def cache_get(self, key: str) -> str | None:
        async with self._lock:
            entry = _get(self._cache, key, self._now())
            return None if entry is None else entry.value

    async def cache_set_if_absent(self, key: str, value: str, ttl_s: float) -> bool:
        require_positive("ttl_s", ttl_s)
        async with self._lock:
            now = self._now()
            if _get(self._cache, key, now) is not None:
                return False
            self._cache[key] = _Entry(value, now + ttl_s)
            return True

    async def close(self) -> None:
        async with self._lock:
            for store in (
                self._live,
                self._slots,
                self._connected,
                self._cursors,
                self._windows,
                self._cache,
            ):
                store.clear()

    def _usage(self, scope: str, periods: Periods, now: float) -> ScopeUsage:
        live = self._live.get(scope, {})
        for slot_id in [s for s, expires_at in live.items() if expires_at <= now]:
            del live[slot_id]
        connected = {}
        for kind in PERIOD_KINDS:
            entry = _get(self._connected, (scope, kind, periods.key(kind)), now)
            connected[kind] = 0 if entry is None else entry.value
        return ScopeUsage(
            live=len(live),
            hourly=connected[CapKind.HOURLY],
            daily=connected[CapKind.DAILY],
            monthly=connected[CapKind.MONTHLY],
        )

    def _now(self) -> float:
        """The clock's time; sweeps out expired entries now and then so that nothing grows forever."""
        now = self._clock()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_INTERVAL_S
            _sweep(self._connected, now)
            _sweep(self._cursors, now)
            _sweep(self._windows, now)
            _sweep(self._cache, now)
            self._slots = {k: s for k, s in self._slots.items() if s.expires_at + RELEASE_GRACE_S > now}
            for scope, live in list(self._live.items()):
                self._live[scope] = {s: expires_at for s, expires_at in live.items() if expires_at > now}
                if not self._live[scope]:
                    del self._live[scope]
        return now


def _get(store: dict[K, _Entry[V]], key: K, now: float) -> _Entry[V] | None:
    entry = store.get(key)
    if entry is not None and entry.expires_at <= now:
        del store[key]
        return None
    return entry


def _sweep(store: dict[K, _Entry[V]], now: float) -> None:
    for key in [k for k, entry in store.items() if entry.expires_at <= now]:
        del store[key]
