"""The stall watch behind the timed auction checks excuses a stalled process, never our own slow code."""

from __future__ import annotations

import time

from tests.stalls import StallWatch, measured_without_stall


def _python_busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def _gil_held_in_c() -> float:
    """Holds the GIL in one C call (no switch interval applies), as a stalled process would not run."""
    started = time.perf_counter()
    sum(range(10_000_000))
    return time.perf_counter() - started


async def test_slow_python_code_is_not_a_stall() -> None:
    with StallWatch() as watch:
        _python_busy(0.3)
    assert watch.longest_ms < 150


async def test_a_process_that_does_not_run_is_a_stall() -> None:
    with StallWatch() as watch:
        held_s = _gil_held_in_c()
    assert watch.longest_ms >= held_s * 1000 / 2


async def test_a_measurement_is_made_again_only_after_a_stall() -> None:
    runs: list[str] = []

    async def quick() -> str:
        runs.append("quick")
        return "quick"

    async def stalled() -> str:
        runs.append("stalled")
        _gil_held_in_c()
        return "stalled"

    assert await measured_without_stall(quick, stall_ms=200) == "quick"
    assert await measured_without_stall(stalled, stall_ms=20) == "stalled"
    assert runs == ["quick", "stalled", "stalled"]
