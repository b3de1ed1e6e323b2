"""Test doubles shared by the live-state tests."""

from __future__ import annotations

import math
import time


class FakeClock:
    """Starts at a whole hour close to real time, so that clock-based slot expiry and Redis's real key
    TTLs agree, and rate windows start at a known offset."""

    def __init__(self) -> None:
        self.now = float(math.floor(time.time() / 3600) * 3600)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
