"""Live-state throughput and latency: reserve + release cycles, in memory and in Redis.

One cycle is what a dial costs the live state: `reserve` over three scopes (target, buyer, campaign,
each with caps) and `release(connected=True)`, i.e. two Lua script calls in Redis. A Redis PING measured
in the same run is the floor: the ratio says how far a cycle is from two bare round trips.

    .venv/bin/python bench/live_state.py [--cycles 5000] [--concurrency 32] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable

import redis.asyncio

from callcenter.live import CapScope, LiveState, MemoryLiveState, Periods, RedisLiveState

PERIODS = Periods("2026112114", "20261121", "202611", hour_ttl_s=7200, day_ttl_s=172800, month_ttl_s=2764800)
SCOPES = [
    CapScope("target:bench", concurrency_cap=10_000, hourly_cap=10**9, daily_cap=10**9),
    CapScope("buyer:bench", concurrency_cap=10_000, daily_cap=10**9, monthly_cap=10**9),
    CapScope("campaign:bench", concurrency_cap=10_000, daily_cap=10**9),
]


class Result:
    def __init__(
        self, name: str, latencies: list[float], sequential_s: float, concurrent_ops_s: float
    ) -> None:
        self.name = name
        self.ops_s = len(latencies) / sequential_s
        quantiles = statistics.quantiles(latencies, n=100)
        self.p50_us = quantiles[49] * 1e6
        self.p99_us = quantiles[98] * 1e6
        self.concurrent_ops_s = concurrent_ops_s


async def measure(
    name: str, op: Callable[[int], Awaitable[object]], *, count: int, concurrency: int
) -> Result:
    for i in range(min(200, count)):  # warm up connections and script caches
        await op(-i - 1)
    latencies = []
    started = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        await op(i)
        latencies.append(time.perf_counter() - t0)
    sequential_s = time.perf_counter() - started

    async def worker(w: int) -> None:
        for i in range(count // concurrency):
            await op(count + w * count + i)

    started = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    concurrent_ops_s = (count // concurrency) * concurrency / (time.perf_counter() - started)
    return Result(name, latencies, sequential_s, concurrent_ops_s)


def cycle(state: LiveState) -> Callable[[int], Awaitable[object]]:
    async def run(i: int) -> None:
        slot = f"bench-{i}"
        reservation = await state.reserve(slot, SCOPES, PERIODS, ttl_s=600)
        assert reservation.ok, reservation
        assert await state.release(slot, connected=True)

    return run


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cycles", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--redis-url", default=os.environ.get("CALLCENTER_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    args = parser.parse_args()
    count, concurrency = args.cycles, args.concurrency

    results = []
    memory = MemoryLiveState()
    results.append(
        await measure("memory reserve+release", cycle(memory), count=count, concurrency=concurrency)
    )
    await memory.close()

    prefix = f"bench:{uuid.uuid4().hex}:"
    state = RedisLiveState.from_url(args.redis_url, prefix=prefix)
    client = redis.asyncio.Redis.from_url(args.redis_url)
    try:
        ping = await measure("redis PING", lambda _: client.ping(), count=count, concurrency=concurrency)
        results.append(
            await measure("redis reserve+release", cycle(state), count=count, concurrency=concurrency)
        )
        results.append(ping)
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=1000)]
        if keys:
            await client.delete(*keys)
        await client.aclose()
        await state.close()

    print(f"{count} sequential cycles, then {concurrency} concurrent workers; Redis at {args.redis_url}\n")
    print(f"{'operation':<24} {'seq ops/s':>10} {'p50 us':>9} {'p99 us':>9} {'conc ops/s':>11}")
    for r in results:
        print(
            f"{r.name:<24} {r.ops_s:>10,.0f} {r.p50_us:>9.1f} {r.p99_us:>9.1f} {r.concurrent_ops_s:>11,.0f}"
        )
    redis_cycle, ping = results[1], results[2]
    print(
        f"\nredis reserve+release / PING: p50 x{redis_cycle.p50_us / ping.p50_us:.2f}, "
        f"p99 x{redis_cycle.p99_us / ping.p99_us:.2f}, "
        f"concurrent throughput x{ping.concurrent_ops_s / redis_cycle.concurrent_ops_s:.2f} slower "
        "(a cycle is 2 script calls, so x2 is the floor)"
    )


if __name__ == "__main__":
    asyncio.run(main())
