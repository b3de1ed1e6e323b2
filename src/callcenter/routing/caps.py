"""Cap arithmetic shared by the campaign, buyer and target levels.

A concurrency cap is hit when `live >= cap`. A period cap (hourly, daily, monthly) is hit when
`connected in the period + live >= cap`: dials in flight may still connect, so they hold their share of
the period cap until their result is known. Caps are checked concurrency first, then hourly, daily,
monthly, and the first one hit is reported.
"""

import math
from dataclasses import dataclass
from enum import StrEnum

from callcenter.routing.snapshot import Caps, Usage


class CapPeriod(StrEnum):
    CONCURRENCY = "concurrency"
    HOURLY = "hourly"
    DAILY = "daily"
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class CapBreach:
    period: CapPeriod
    limit: int
    live: int
    connected: int

    def describe(self) -> str:
        if self.period is CapPeriod.CONCURRENCY:
            return f"concurrency cap {self.limit} reached ({self.live} live)"
        return f"{self.period} cap {self.limit} reached ({self.connected} connected + {self.live} live)"


def first_cap_hit(caps: Caps, usage: Usage) -> CapBreach | None:
    """Return the first cap hit in the order concurrency, hourly, daily, monthly, or None."""
    live = usage.live
    if caps.concurrency is not None and live >= caps.concurrency:
        return CapBreach(CapPeriod.CONCURRENCY, caps.concurrency, live, 0)
    if caps.hourly is not None and usage.hourly + live >= caps.hourly:
        return CapBreach(CapPeriod.HOURLY, caps.hourly, live, usage.hourly)
    if caps.daily is not None and usage.daily + live >= caps.daily:
        return CapBreach(CapPeriod.DAILY, caps.daily, live, usage.daily)
    if caps.monthly is not None and usage.monthly + live >= caps.monthly:
        return CapBreach(CapPeriod.MONTHLY, caps.monthly, live, usage.monthly)
    return None


def free_concurrency(caps: Caps, usage: Usage) -> float:
    """Concurrency slots still free; an unlimited cap has infinitely many."""
    if caps.concurrency is None:
        return math.inf
    return caps.concurrency - usage.live
