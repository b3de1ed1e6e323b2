"""The live-state contract: each test runs on the in-memory and on the Redis implementation."""

from __future__ import annotations

import asyncio
import multiprocessing
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

import pytest
import redis
import redis.asyncio

from callcenter.live import (
    RELEASE_GRACE_S,
    CapKind,
    CapScope,
    LiveState,
    MemoryLiveState,
    Periods,
    RedisLiveState,
    Reservation,
    ScopeUsage,
    create_live_state,
)

from .fakes import FakeClock

TODAY = Periods("2026112123", "20261121", "202611", hour_ttl_s=7200, day_ttl_s=172800, month_ttl_s=2764800)
TOMORROW = Periods("2026112200", "20261122", "202611", hour_ttl_s=7200, day_ttl_s=172800, month_ttl_s=2764800)
TTL_S = 60


def capped(key: str, kind: CapKind, cap: int) -> CapScope:
    return CapScope(key, **{f"{kind}_cap": cap})


async def live(state: LiveState, scope: str, periods: Periods = TODAY) -> int:
    return (await state.usage([scope], periods))[scope].live


async def connect_calls(state: LiveState, scope: CapScope, count: int, periods: Periods = TODAY) -> None:
    for i in range(count):
        assert (await state.reserve(f"done-{scope.key}-{i}", [scope], periods, TTL_S)).ok
        assert await state.release(f"done-{scope.key}-{i}", connected=True)


# Reserve and release


async def test_reserve_takes_a_slot_in_every_scope_and_release_frees_it(live_state: LiveState) -> None:
    scopes = [CapScope("target:t", concurrency_cap=2), CapScope("buyer:b"), CapScope("campaign:c")]

    assert await live_state.reserve("call-1", scopes, TODAY, TTL_S) == Reservation(ok=True)
    assert await live_state.usage(["target:t", "buyer:b", "campaign:c"], TODAY) == {
        "target:t": ScopeUsage(live=1),
        "buyer:b": ScopeUsage(live=1),
        "campaign:c": ScopeUsage(live=1),
    }

    assert await live_state.release("call-1", connected=False) is True
    usage = await live_state.usage(["target:t", "buyer:b", "campaign:c"], TODAY)
    assert set(usage.values()) == {ScopeUsage()}


@pytest.mark.parametrize("kind", list(CapKind))
async def test_each_cap_kind_rejects_with_its_scope_and_kind(live_state: LiveState, kind: CapKind) -> None:
    scope = capped("target:t", kind, 2)
    if kind is CapKind.CONCURRENCY:
        await live_state.reserve("a", [scope], TODAY, TTL_S)
    else:
        await connect_calls(live_state, scope, 1)
    # One in flight: for period caps it counts as if it will connect (1 connected + 1 live = cap).
    assert (await live_state.reserve("b", [scope], TODAY, TTL_S)).ok

    rejected = await live_state.reserve("c", [CapScope("campaign:c"), scope], TODAY, TTL_S)

    assert rejected == Reservation(ok=False, failed_scope="target:t", failed_cap=kind)


async def test_period_cap_counts_connected_calls_only_in_the_current_period(live_state: LiveState) -> None:
    scope = CapScope("target:t", hourly_cap=1, daily_cap=5)
    await connect_calls(live_state, scope, 1, periods=TODAY)

    assert (await live_state.reserve("x", [scope], TODAY, TTL_S)).failed_cap is CapKind.HOURLY
    assert (await live_state.reserve("y", [scope], TOMORROW, TTL_S)).ok


async def test_first_full_scope_and_cap_are_reported_in_order(live_state: LiveState) -> None:
    target = CapScope("target:t", concurrency_cap=1, daily_cap=1, monthly_cap=1)
    buyer = CapScope("buyer:b", concurrency_cap=1)
    assert (await live_state.reserve("a", [target, buyer], TODAY, TTL_S)).ok

    assert await live_state.reserve("b", [buyer, target], TODAY, TTL_S) == Reservation(
        ok=False, failed_scope="buyer:b", failed_cap=CapKind.CONCURRENCY
    )
    assert await live_state.reserve("c", [target, buyer], TODAY, TTL_S) == Reservation(
        ok=False, failed_scope="target:t", failed_cap=CapKind.CONCURRENCY
    )


async def test_unlimited_scope_and_zero_cap(live_state: LiveState) -> None:
    assert (await live_state.reserve("a", [CapScope("campaign:c")], TODAY, TTL_S)).ok
    assert await live_state.reserve(
        "b", [capped("buyer:b", CapKind.MONTHLY, 0)], TODAY, TTL_S
    ) == Reservation(ok=False, failed_scope="buyer:b", failed_cap=CapKind.MONTHLY)


async def test_failed_reserve_changes_nothing(live_state: LiveState) -> None:
    roomy = CapScope("campaign:c", concurrency_cap=10)
    full = CapScope("target:t", concurrency_cap=1)
    assert (await live_state.reserve("a", [full], TODAY, TTL_S)).ok

    assert not (await live_state.reserve("b", [roomy, full], TODAY, TTL_S)).ok

    assert await live_state.usage(["campaign:c", "target:t"], TODAY) == {
        "campaign:c": ScopeUsage(),
        "target:t": ScopeUsage(live=1),
    }
    assert await live_state.release("b", connected=True) is False
    assert (await live_state.usage(["campaign:c"], TODAY))["campaign:c"] == ScopeUsage()


async def test_expired_slot_frees_its_place(live_state: LiveState, clock: FakeClock) -> None:
    scope = CapScope("target:t", concurrency_cap=1)
    assert (await live_state.reserve("lost", [scope], TODAY, ttl_s=30)).ok
    clock.advance(29.5)
    assert not (await live_state.reserve("next", [scope], TODAY, TTL_S)).ok

    clock.advance(0.5)

    assert await live(live_state, "target:t") == 0
    assert (await live_state.reserve("next", [scope], TODAY, TTL_S)).ok


async def test_late_release_of_an_expired_slot_still_counts_the_connection(
    live_state: LiveState, clock: FakeClock
) -> None:
    scope = CapScope("target:t", daily_cap=10)
    await live_state.reserve("late", [scope], TODAY, ttl_s=30)
    await live_state.reserve("lost", [scope], TODAY, ttl_s=30)
    clock.advance(30 + RELEASE_GRACE_S - 1)

    assert await live_state.release("late", connected=True) is True
    clock.advance(1)
    assert await live_state.release("lost", connected=True) is False

    assert (await live_state.usage(["target:t"], TODAY))["target:t"] == ScopeUsage(
        daily=1, hourly=1, monthly=1
    )


async def test_reserving_a_held_slot_again_is_idempotent(live_state: LiveState) -> None:
    scope = CapScope("target:t", concurrency_cap=1, daily_cap=1)

    assert (await live_state.reserve("call-1", [scope], TODAY, TTL_S)).ok
    assert (await live_state.reserve("call-1", [scope], TODAY, TTL_S)).ok

    assert await live(live_state, "target:t") == 1
    assert await live_state.release("call-1", connected=True) is True
    assert (await live_state.usage(["target:t"], TODAY))["target:t"].daily == 1


async def test_second_release_changes_nothing(live_state: LiveState) -> None:
    scope = CapScope("target:t")
    await live_state.reserve("call-1", [scope], TODAY, TTL_S)

    assert await live_state.release("call-1", connected=True) is True
    assert await live_state.release("call-1", connected=True) is False
    assert await live_state.release("never-reserved", connected=True) is False

    assert (await live_state.usage(["target:t"], TODAY))["target:t"] == ScopeUsage(
        hourly=1, daily=1, monthly=1
    )


async def test_release_without_connection_counts_nothing(live_state: LiveState) -> None:
    await live_state.reserve("call-1", [CapScope("target:t")], TODAY, TTL_S)

    assert await live_state.release("call-1", connected=False) is True

    assert (await live_state.usage(["target:t"], TODAY))["target:t"] == ScopeUsage()


async def test_connection_counts_in_the_period_of_the_reservation(
    live_state: LiveState, clock: FakeClock
) -> None:
    """A call dialed at 23:59 that connects after midnight counts for the day it was dialed."""
    scopes = [CapScope("target:t", daily_cap=5), CapScope("campaign:c")]
    await live_state.reserve("call-1", scopes, TODAY, TTL_S)
    clock.advance(45)

    await live_state.release("call-1", connected=True)

    usage = await live_state.usage(["target:t", "campaign:c"], TODAY)
    assert usage["target:t"] == usage["campaign:c"] == ScopeUsage(hourly=1, daily=1, monthly=1)
    tomorrow = await live_state.usage(["target:t"], TOMORROW)
    assert tomorrow["target:t"] == ScopeUsage(monthly=1)  # same month


async def test_usage_reads_many_scopes_at_once(live_state: LiveState, clock: FakeClock) -> None:
    target, buyer = CapScope("target:t"), CapScope("buyer:b")
    await connect_calls(live_state, target, 2)
    await live_state.reserve("in-flight", [target, buyer], TODAY, TTL_S)
    await live_state.reserve("expiring", [buyer], TODAY, ttl_s=10)
    clock.advance(10)

    usage = await live_state.usage(["target:t", "buyer:b", "campaign:unknown"], TODAY)

    assert usage == {
        "target:t": ScopeUsage(live=1, hourly=2, daily=2, monthly=2),
        "buyer:b": ScopeUsage(live=1),
        "campaign:unknown": ScopeUsage(),
    }
    assert await live_state.usage([], TODAY) == {}


async def test_concurrent_reserves_never_exceed_the_concurrency_cap(live_state: LiveState) -> None:
    scopes = [CapScope("target:t", concurrency_cap=5), CapScope("campaign:c")]

    results = await asyncio.gather(
        *(live_state.reserve(f"call-{i}", scopes, TODAY, TTL_S) for i in range(200))
    )

    assert sum(r.ok for r in results) == 5
    assert {(r.failed_scope, r.failed_cap) for r in results if not r.ok} == {
        ("target:t", CapKind.CONCURRENCY)
    }
    assert await live(live_state, "campaign:c") == 5


async def test_concurrent_cycles_never_exceed_the_daily_cap(live_state: LiveState) -> None:
    scope = CapScope("target:t", daily_cap=10)

    async def caller(n: int) -> int:
        connected = 0
        for attempt in range(3):
            slot = f"call-{n}-{attempt}"
            if not (await live_state.reserve(slot, [scope], TODAY, TTL_S)).ok:
                break
            await asyncio.sleep(0)
            assert await live_state.release(slot, connected=True)
            connected += 1
        return connected

    connected = await asyncio.gather(*(caller(n) for n in range(50)))

    assert sum(connected) == 10
    assert (await live_state.usage(["target:t"], TODAY))["target:t"].daily == 10


# Round robin, rate limits, cache


async def test_round_robin_cursor_counts_from_zero_per_key(live_state: LiveState) -> None:
    assert [await live_state.next_cursor("campaign:a") for _ in range(3)] == [0, 1, 2]
    assert await live_state.next_cursor("campaign:b") == 0
    positions = await asyncio.gather(*(live_state.next_cursor("campaign:c") for _ in range(20)))
    assert sorted(positions) == list(range(20))


async def test_rate_limit_rejects_over_the_limit_until_the_window_resets(
    live_state: LiveState, clock: FakeClock
) -> None:
    clock.advance(15)  # the clock starts on a window boundary
    decisions = [await live_state.hit("login:1.2.3.4", limit=3, window_s=60) for _ in range(4)]

    assert [(d.allowed, d.count) for d in decisions] == [(True, 1), (True, 2), (True, 3), (False, 4)]
    assert decisions[-1].retry_after_s == 45
    assert (await live_state.hit("login:5.6.7.8", limit=3, window_s=60)).count == 1

    clock.advance(44.5)
    assert (await live_state.hit("login:1.2.3.4", limit=3, window_s=60)).retry_after_s == 1
    clock.advance(0.5)
    decision = await live_state.hit("login:1.2.3.4", limit=3, window_s=60)
    assert (decision.allowed, decision.count, decision.retry_after_s) == (True, 1, 60)


async def test_rate_limit_reset_forgets_the_window(live_state: LiveState) -> None:
    for _ in range(3):
        await live_state.hit("login:ann", limit=2, window_s=60)

    await live_state.reset("login:ann")

    decision = await live_state.hit("login:ann", limit=2, window_s=60)
    assert (decision.allowed, decision.count) == (True, 1)


async def test_cache_values_expire(live_state: LiveState, clock: FakeClock) -> None:
    assert await live_state.cache_get("bid:1") is None
    await live_state.cache_set("bid:1", "12.50", ttl_s=30)
    await live_state.cache_set("bid:1", "13.00", ttl_s=30)
    assert await live_state.cache_get("bid:1") == "13.00"

    clock.advance(30)

    assert await live_state.cache_get("bid:1") is None


async def test_cache_set_if_absent_stores_only_once_until_expiry(
    live_state: LiveState, clock: FakeClock
) -> None:
    assert await live_state.cache_set_if_absent("lease:n1", "visitor-a", ttl_s=1.5) is True
    assert await live_state.cache_set_if_absent("lease:n1", "visitor-b", ttl_s=1.5) is False
    assert await live_state.cache_get("lease:n1") == "visitor-a"

    clock.advance(1.5)

    assert await live_state.cache_set_if_absent("lease:n1", "visitor-b", ttl_s=1.5) is True
    assert await live_state.cache_get("lease:n1") == "visitor-b"


@pytest.mark.parametrize("ttl_s", [0, -1])
async def test_non_positive_ttl_is_refused(live_state: LiveState, ttl_s: int) -> None:
    with pytest.raises(ValueError, match="ttl_s"):
        await live_state.cache_set("k", "v", ttl_s)
    with pytest.raises(ValueError, match="ttl_s"):
        await live_state.reserve("s", [CapScope("target:t")], TODAY, ttl_s)


# Implementation specifics


async def test_factory_picks_the_implementation(redis_url: str) -> None:
    memory = create_live_state(None)
    redis_state = create_live_state(redis_url, prefix="cc-factory-test:")
    try:
        assert isinstance(memory, MemoryLiveState)
        assert isinstance(redis_state, RedisLiveState)
    finally:
        await memory.close()
        await redis_state.close()


async def test_every_redis_key_expires(
    redis_live_state: RedisLiveState, redis_url: str, key_prefix: str
) -> None:
    await redis_live_state.reserve("held", [CapScope("target:t")], TODAY, TTL_S)
    await redis_live_state.reserve("done", [CapScope("target:t")], TODAY, TTL_S)
    await redis_live_state.release("done", connected=True)
    await redis_live_state.next_cursor("campaign:c")
    await redis_live_state.hit("login:x", limit=1, window_s=60)
    await redis_live_state.cache_set("bid:1", "1", ttl_s=5)

    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
    try:
        keys = [key async for key in client.scan_iter(match=f"{key_prefix}*")]
        ttls = {key.removeprefix(key_prefix): await client.ttl(key) for key in keys}
    finally:
        await client.aclose()

    assert len(ttls) == 8, ttls  # slot record, live set, 3 counters, cursor, rate window, cache
    assert all(ttl > 0 for ttl in ttls.values()), ttls


async def test_memory_state_forgets_expired_entries(
    memory_live_state: MemoryLiveState, clock: FakeClock
) -> None:
    await memory_live_state.reserve("lost", [CapScope("target:t")], TODAY, TTL_S)
    await memory_live_state.reserve("done", [CapScope("target:t")], TODAY, TTL_S)
    await memory_live_state.release("done", connected=True)
    await memory_live_state.next_cursor("campaign:c")
    await memory_live_state.hit("login:x", limit=1, window_s=60)
    await memory_live_state.cache_set("bid:1", "1", ttl_s=5)

    clock.advance(TODAY.month_ttl_s + 1)
    await memory_live_state.cache_get("any")  # any access may sweep

    stores = ("_live", "_slots", "_connected", "_cursors", "_windows", "_cache")
    assert {name: vars(memory_live_state)[name] for name in stores} == {name: {} for name in stores}


def _reserve_from_process(url: str, prefix: str, worker: int, start: Barrier, results: Queue[int]) -> None:
    async def attempt() -> int:
        state = RedisLiveState.from_url(url, prefix=prefix)
        try:
            await state.usage(["target:t"], TODAY)  # connect before the race starts
            start.wait(timeout=30)
            reservations = await asyncio.gather(
                *(
                    state.reserve(f"p{worker}-{i}", [CapScope("target:t", concurrency_cap=5)], TODAY, TTL_S)
                    for i in range(50)
                )
            )
        finally:
            await state.close()
        return sum(r.ok for r in reservations)

    results.put(asyncio.run(attempt()))


def test_reserves_from_four_processes_never_exceed_the_concurrency_cap(
    redis_url: str, key_prefix: str
) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(4)
    results: Queue[int] = context.Queue()
    processes = [
        context.Process(target=_reserve_from_process, args=(redis_url, key_prefix, n, start, results))
        for n in range(4)
    ]
    for process in processes:
        process.start()
    try:
        granted = [results.get(timeout=30) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
        client = redis.Redis.from_url(redis_url)
        live_slots = client.zcard(f"{key_prefix}live:target:t")
        for key in client.scan_iter(match=f"{key_prefix}*"):
            client.delete(key)
        client.close()

    assert sum(granted) == 5
    assert live_slots == 5
    assert [process.exitcode for process in processes] == [0, 0, 0, 0]
