"""Open-loop load: requests are sent on a fixed schedule whatever the server does, and each latency is
measured from its scheduled send time, so queueing inside the server shows up in the figures (a
closed loop would slow down with the server and hide it)."""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    name: str
    sent: int
    errors: int
    elapsed_s: float
    latencies_ms: list[float]

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    @property
    def p50(self) -> float:
        return self.quantile(0.50)

    @property
    def p99(self) -> float:
        return self.quantile(0.99)

    @property
    def throughput(self) -> float:
        return (self.sent - self.errors) / self.elapsed_s

    def row(self) -> str:
        mean = statistics.fmean(self.latencies_ms) if self.latencies_ms else float("nan")
        worst = max(self.latencies_ms, default=float("nan"))
        return (
            f"{self.name:<28} {self.sent:>6} {self.errors:>6} {self.throughput:>9.1f} "
            f"{self.p50:>8.2f} {self.p99:>8.2f} {mean:>8.2f} {worst:>8.2f}"
        )


HEADER = (
    f"{'case':<28} {'sent':>6} {'errors':>6} {'req/s':>9} "
    f"{'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'max ms':>8}"
)


async def open_loop(
    name: str, send: Callable[[int], Awaitable[bool]], *, rate: float, duration_s: float
) -> Result:
    """Calls ``send(i)`` at ``rate`` per second for ``duration_s``; ``send`` returns False on an error.

    Each request's task is created at its send time: creating them all up front (1,500 at 300/s for
    5 s) kept the loop busy for the first ~10-20 ms of a round, and those first requests' lateness was
    counted as the server's latency."""
    total = int(rate * duration_s)
    latencies: list[float] = []
    errors = 0

    async def one(i: int, scheduled: float) -> None:
        nonlocal errors
        try:
            ok = await send(i)
        except Exception:
            ok = False
        if ok:
            latencies.append((time.perf_counter() - scheduled) * 1000)
        else:
            errors += 1

    # The load generator's own garbage collections (full passes took 25-150 ms here) would show up as
    # the server's latency: the collector waits until the round is over, and what is alive before the
    # round is frozen out of it, so that the pause between rounds (the servers idle meanwhile, and their
    # next round starts cold) stays a few milliseconds.
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        start = time.perf_counter()
        tasks = []
        for i in range(total):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, scheduled)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
        gc.collect()
    return Result(name, total, errors, elapsed, latencies)
