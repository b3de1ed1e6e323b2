"""Benchmark of the pure routing engine: time per `decide` call over 20 and 100 candidates.

Each snapshot is realistic rather than trivial: targets spread over three timezones with weekly
schedules and holidays, state lists, target and buyer caps (the table shows how many candidates are
rejected), and three real-time bids (one expired). A trivial function call is timed in the same run as
a baseline, so the ratio says how the engine compares with the interpreter's own call overhead on this
machine.

Usage: .venv/bin/python bench/routing_engine.py [--iterations 5000] [--strategy priority|...|all]
Budget: under 500 us per decision over 100 candidates.
"""

import argparse
import datetime as dt
import gc
import random
import statistics
import time
import uuid
from collections.abc import Callable
from decimal import Decimal

from callcenter.routing import (
    BidSnapshot,
    BuyerSnapshot,
    CampaignSnapshot,
    Caps,
    DayRange,
    RoutingRequest,
    RoutingStrategy,
    Schedule,
    TargetSnapshot,
    Usage,
    decide,
)

BUDGET_US = 500.0
NOW = dt.datetime(2026, 11, 18, 17, 30, tzinfo=dt.UTC)  # a Wednesday afternoon in the US
ZONES = ("America/New_York", "America/Chicago", "America/Los_Angeles")
STATES = frozenset({"CA", "TX", "NY", "FL", "IL", "PA", "OH", "GA"})


def build_request(n: int, strategy: RoutingStrategy, seed: int = 7) -> RoutingRequest:
    rnd = random.Random(seed)
    buyers = [
        BuyerSnapshot(
            id=uuid.UUID(int=rnd.getrandbits(128)),
            status="active",
            caps=Caps(concurrency=50, daily=500),
            usage=Usage(live=rnd.randint(0, 10), daily=rnd.randint(0, 400)),
        )
        for _ in range(5)
    ]
    holidays = frozenset({dt.date(2026, 12, 25), dt.date(2026, 11, 26)})
    weekdays = tuple(DayRange(day, dt.time(8), dt.time(20)) for day in range(5))
    overnight = (DayRange(5, dt.time(22), dt.time(2)), DayRange(6, dt.time(10), dt.time(16)))
    targets = []
    for i in range(n):
        zone = ZONES[i % len(ZONES)]
        targets.append(
            TargetSnapshot(
                id=uuid.UUID(int=rnd.getrandbits(128)),
                buyer=buyers[i % len(buyers)],
                name=f"target {i}",
                destination=f"+1415555{i:04d}",
                status="paused" if i % 23 == 0 else "active",
                priority=rnd.randint(1, 3),
                weight=rnd.randint(1, 100),
                revenue=Decimal(rnd.randint(500, 5000)) / 100,
                schedule=Schedule(zone, weekdays + overnight, holidays),
                allowed_states=STATES if i % 3 else frozenset(),
                caps=Caps(concurrency=rnd.randint(1, 5), hourly=20, daily=100, monthly=2000),
                usage=Usage(live=rnd.randint(0, 3), hourly=rnd.randint(0, 10), daily=rnd.randint(0, 50)),
                calls=rnd.randint(0, 200),
                conversions=rnd.randint(0, 50),
            )
        )
    bids = tuple(
        BidSnapshot(
            bid_id=uuid.UUID(int=rnd.getrandbits(128)),
            bidder_id=uuid.UUID(int=rnd.getrandbits(128)),
            amount=Decimal(rnd.randint(1000, 4000)) / 100,
            destination=f"+1212555{i:04d}",
            latency_ms=rnd.uniform(40, 400),
            expires_at=NOW + dt.timedelta(seconds=30 if i else -5),
        )
        for i in range(3)
    )
    campaign = CampaignSnapshot(
        id=uuid.UUID(int=rnd.getrandbits(128)),
        status="active",
        timezone="America/New_York",
        strategy=strategy,
        caps=Caps(concurrency=200, hourly=1000, daily=10_000),
        usage=Usage(live=20, hourly=100, daily=900),
        allowed_states=STATES,
    )
    return RoutingRequest(
        campaign=campaign,
        targets=tuple(targets),
        caller_state="CA",
        now=NOW,
        round_robin_cursor=41,
        bids=bids,
    )


def trivial_call(request: RoutingRequest, rng: random.Random) -> None:
    return None


def measure(
    fn: Callable[[RoutingRequest, random.Random], object],
    request: RoutingRequest,
    n: int,
    clock: Callable[[], int] = time.perf_counter_ns,
) -> list[float]:
    """Per-call durations in microseconds on `clock`, after a short warm-up."""
    rng = random.Random(1)
    for _ in range(min(n, 500)):
        fn(request, rng)
    samples = []
    for _ in range(n):
        start = clock()
        fn(request, rng)
        samples.append((clock() - start) / 1000)
    return samples


def percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--strategy", default="all", choices=["all", *RoutingStrategy])
    args = parser.parse_args()
    strategies = list(RoutingStrategy) if args.strategy == "all" else [RoutingStrategy(args.strategy)]

    gc.collect()
    header = ("case", "rejected", "p50 us", "p99 us", "cpu p99 us", "p50/baseline")
    print("{:<34}{:>9}{:>9}{:>9}{:>12}{:>14}".format(*header))
    row = "{:<34}{:>9}{:>9.2f}{:>9.2f}{:>12.2f}{:>14.0f}"
    baseline_request = build_request(1, RoutingStrategy.PRIORITY)
    baseline = measure(trivial_call, baseline_request, args.iterations)
    baseline_p50 = percentile(baseline, 50)
    baseline_cpu = measure(trivial_call, baseline_request, args.iterations, time.thread_time_ns)
    label = "trivial function call (baseline)"
    print(row.format(label, "", baseline_p50, percentile(baseline, 99), percentile(baseline_cpu, 99), 1))
    worst_p99 = 0.0
    for n in (20, 100):
        for strategy in strategies:
            request = build_request(n, strategy)
            decision = decide(request, random.Random(1))
            assert decision.steps, "benchmark snapshot must route"
            wall = measure(decide, request, args.iterations)
            cpu = measure(decide, request, args.iterations, time.thread_time_ns)
            p50, p99 = percentile(wall, 50), percentile(wall, 99)
            if n == 100:
                worst_p99 = max(worst_p99, p99)
            label = f"{n} candidates, {strategy}"
            print(
                row.format(label, len(decision.rejections), p50, p99, percentile(cpu, 99), p50 / baseline_p50)
            )
    verdict = "within" if worst_p99 < BUDGET_US else "OVER"
    print(f"worst wall p99 over 100 candidates: {worst_p99:.1f} us ({verdict} the {BUDGET_US:.0f} us budget)")
    print("cpu p99: thread CPU time, which leaves out time spent waiting for a core on a busy machine")


if __name__ == "__main__":
    main()
