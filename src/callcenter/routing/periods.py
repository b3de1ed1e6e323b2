"""Cap periods: the keys of the current hour, day and month in the campaign's timezone.

The live-state counters (hourly, daily, monthly connected calls) are stored under these keys, e.g.
hour "2026112114", day "20261121", month "202611", and expire after the returned TTL.

Rules:
- Periods follow the local wall clock of the campaign's timezone: the day starts at local midnight, also
  on a DST change day (which lasts 23 or 25 hours).
- On a fall-back night the repeated local hour is a period of its own: its second occurrence gets the
  key suffix "b" (New York: "2026110101" then "2026110101b"), so the two real hours are not merged
  into one and a cap cannot be used twice in the same count.
- A TTL is the number of whole seconds until the period ends, rounded up, plus `SAFETY_MARGIN_S`, so a
  counter never expires while its period is current (even with small clock drift between processes).
  Where a period's end is ambiguous or skipped on the wall clock, the later reading is used: a TTL
  may be a little long, never short.
"""

import datetime as dt
import math
from zoneinfo import ZoneInfo

# The live-state store keeps its counters under these keys, so the two share one type.
from callcenter.live.base import Periods as Periods

SAFETY_MARGIN_S = 60
_ONE_HOUR = dt.timedelta(hours=1)


def cap_periods(timezone: str, now: dt.datetime) -> Periods:
    """Current period keys and TTLs for the aware instant `now` in `timezone`."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    hour_start = local.replace(minute=0, second=0, microsecond=0, fold=0, tzinfo=None)
    day_start = hour_start.replace(hour=0)
    next_day = day_start + dt.timedelta(days=1)
    next_month = (day_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return Periods(
        hour_key=f"{local:%Y%m%d%H}" + ("b" if local.fold else ""),
        day_key=f"{local:%Y%m%d}",
        month_key=f"{local:%Y%m}",
        hour_ttl_s=_ttl(now, hour_start + _ONE_HOUR, zone),
        day_ttl_s=_ttl(now, next_day, zone),
        month_ttl_s=_ttl(now, next_month, zone),
    )


def _ttl(now: dt.datetime, wall_end: dt.datetime, zone: ZoneInfo) -> int:
    """Seconds from `now` to the local wall time `wall_end`, taking its later reading if ambiguous."""
    end = max(wall_end.replace(tzinfo=zone, fold=fold).astimezone(dt.UTC) for fold in (0, 1))
    return math.ceil((end - now).total_seconds()) + SAFETY_MARGIN_S
