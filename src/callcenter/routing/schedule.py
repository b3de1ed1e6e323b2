"""Opening hours: is a target's schedule open at a given instant?

Rules:
- The instant is converted to the schedule's IANA timezone and compared on the local wall clock, so a
  09:00-17:00 range opens at 09:00 local time on both sides of a DST change. On a spring-forward day a
  range inside the skipped hour never opens; on a fall-back day the repeated hour is open (or closed)
  both times it occurs.
- A range whose end is not after its start runs overnight: its part after midnight belongs to the next
  weekday (a Sunday 22:00-02:00 range covers Monday 00:00-02:00). `end == start` means 24 hours.
- A holiday closes its whole local date, including the after-midnight part of an overnight range that
  started the evening before. An overnight range that starts on a holiday is closed until midnight and
  open after midnight (the next date is not a holiday).
- A schedule without ranges is always closed; a target without a schedule is always open.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from callcenter.routing.reasons import RejectionReason
from callcenter.routing.snapshot import Schedule


@dataclass(frozen=True, slots=True)
class ScheduleCheck:
    open: bool
    reason: RejectionReason | None  # HOLIDAY or OUTSIDE_SCHEDULE when closed


OPEN = ScheduleCheck(open=True, reason=None)
CLOSED_FOR_HOLIDAY = ScheduleCheck(open=False, reason=RejectionReason.HOLIDAY)
CLOSED_OUTSIDE_HOURS = ScheduleCheck(open=False, reason=RejectionReason.OUTSIDE_SCHEDULE)


@dataclass(frozen=True, slots=True)
class LocalTime:
    """An instant read on the wall clock of one timezone, split into the parts a schedule compares."""

    at: dt.datetime
    date: dt.date
    weekday: int
    previous_weekday: int
    time: dt.time

    @classmethod
    def of(cls, now: dt.datetime, timezone: str) -> "LocalTime":
        local = now.astimezone(ZoneInfo(timezone))
        weekday = local.weekday()
        return cls(local, local.date(), weekday, (weekday - 1) % 7, local.time())


def is_open(schedule: Schedule | None, now: dt.datetime) -> ScheduleCheck:
    """Check `schedule` at the aware instant `now`."""
    if schedule is None:
        return OPEN
    return is_open_at_local(schedule, LocalTime.of(now, schedule.timezone))


def is_open_at_local(schedule: Schedule, local: LocalTime) -> ScheduleCheck:
    """Check `schedule` at `local`, read in the schedule's timezone.

    Split out so that the engine reads the clock once per timezone, not once per target.
    """
    if local.date in schedule.holidays:
        return CLOSED_FOR_HOLIDAY
    weekday, previous_weekday, time = local.weekday, local.previous_weekday, local.time
    for day_range in schedule.ranges:
        start, end = day_range.start, day_range.end
        if day_range.weekday == weekday:
            if start <= time and (time < end or end <= start):
                return OPEN
        elif day_range.weekday == previous_weekday and end <= start and time < end:
            return OPEN
    return CLOSED_OUTSIDE_HOURS
