"""A target's weekly opening hours: the API document, its validation, and the routing engine's form.

Document shape::

    {"timezone": "America/New_York",
     "weekly": {"mon": [{"start": "09:00", "end": "17:00"}], "fri": [{"start": "22:00", "end": "02:00"}]},
     "holidays": ["2026-12-25"]}

Rules:
- Several ranges per day are allowed; a range whose end is not after its start runs overnight into the
  next day (Friday 22:00-02:00 is open until Saturday 02:00); ``start == end`` means 24 hours.
- Ranges may not overlap, also across midnight and across Sunday->Monday: overlapping hours are almost
  always a typing mistake, and refusing them keeps the meaning of a schedule unambiguous.
- A day that is missing or empty is closed. A holiday closes the whole local date.
- No schedule at all (null) means always open.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from callcenter.kit.fields import Timezone
from callcenter.routing.snapshot import DayRange
from callcenter.routing.snapshot import Schedule as RoutingSchedule

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _check_clock(value: str) -> str:
    if not _CLOCK.match(value):
        raise ValueError(f"time must be HH:MM between 00:00 and 23:59, got {value!r}")
    return value


Clock = Annotated[str, AfterValidator(_check_clock)]


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class TimeRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: Clock
    end: Clock

    def span(self) -> tuple[int, int]:
        """Start and length in minutes; overnight and 24-hour ranges get their full length."""
        start, end = _minutes(self.start), _minutes(self.end)
        length = end - start if end > start else end - start + MINUTES_PER_DAY
        return start, length


class WeeklyHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mon: list[TimeRange] = Field(default_factory=list)
    tue: list[TimeRange] = Field(default_factory=list)
    wed: list[TimeRange] = Field(default_factory=list)
    thu: list[TimeRange] = Field(default_factory=list)
    fri: list[TimeRange] = Field(default_factory=list)
    sat: list[TimeRange] = Field(default_factory=list)
    sun: list[TimeRange] = Field(default_factory=list)

    def ranges(self) -> list[tuple[int, str, int, TimeRange]]:
        """(weekday number, weekday name, index within the day, range) for every range."""
        return [
            (number, name, index, time_range)
            for number, name in enumerate(WEEKDAYS)
            for index, time_range in enumerate(getattr(self, name))
        ]

    @model_validator(mode="after")
    def _no_overlaps(self) -> WeeklyHours:
        # Lay every range on a circular week of minutes; sorted by start, each range must end before the
        # next one starts, and the last one (wrapping past Sunday midnight) before the first.
        spans = sorted(
            (
                number * MINUTES_PER_DAY + time_range.span()[0],
                time_range.span()[1],
                _label(name, index, time_range),
            )
            for number, name, index, time_range in self.ranges()
        )
        if len(spans) < 2:
            return self
        for (start, length, label), (next_start, _, next_label) in zip(
            spans, [*spans[1:], spans[0]], strict=True
        ):
            gap = (next_start - start) % MINUTES_PER_WEEK
            if length > gap:
                raise ValueError(f"opening hours overlap: {label} and {next_label}")
        return self


def _label(day: str, index: int, time_range: TimeRange) -> str:
    """``fri.0 (22:00-02:00, overnight)``: the path of the range in the document, and what it covers."""
    start, end = _minutes(time_range.start), _minutes(time_range.end)
    kind = ", 24 hours" if start == end else ", overnight" if end < start else ""
    return f"{day}.{index} ({time_range.start}-{time_range.end}{kind})"


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timezone: Timezone
    weekly: WeeklyHours = Field(default_factory=WeeklyHours)
    holidays: list[dt.date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sorted_unique_holidays(self) -> Schedule:
        self.holidays = sorted(set(self.holidays))
        return self

    def to_routing(self) -> RoutingSchedule:
        return RoutingSchedule(
            timezone=self.timezone,
            ranges=tuple(
                DayRange(
                    weekday=number,
                    start=dt.time.fromisoformat(time_range.start),
                    end=dt.time.fromisoformat(time_range.end),
                )
                for number, _, _, time_range in self.weekly.ranges()
            ),
            holidays=frozenset(self.holidays),
        )


def routing_schedule(document: dict[str, object] | None) -> RoutingSchedule | None:
    """The routing engine's schedule for a stored document; None (always open) when there is none."""
    return None if document is None else Schedule.model_validate(document).to_routing()
