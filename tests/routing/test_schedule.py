import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.routing import DayRange, RejectionReason, Schedule, is_open

from .factories import UTC_INSTANTS

NEW_YORK = "America/New_York"
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
ZONES = st.sampled_from(
    ["America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe"]
)
DAY_RANGES = st.builds(DayRange, st.integers(0, 6), st.times(), st.times())


def local(year: int, month: int, day: int, hour: int, minute: int = 0, *, fold: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, fold=fold, tzinfo=ZoneInfo(NEW_YORK))


def schedule(*ranges: DayRange, holidays: frozenset[dt.date] = frozenset()) -> Schedule:
    return Schedule(NEW_YORK, ranges, holidays)


def hours(weekday: int, start: int, end: int) -> DayRange:
    return DayRange(weekday, dt.time(start), dt.time(end))


def open_minutes_on_utc_day(sched: Schedule, day: dt.date) -> list[dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    minutes = (start + dt.timedelta(minutes=m) for m in range(24 * 60))
    return [instant for instant in minutes if is_open(sched, instant).open]


def test_target_without_schedule_is_always_open() -> None:
    assert is_open(None, dt.datetime(2026, 12, 25, 3, tzinfo=dt.UTC)).open


def test_schedule_is_read_in_its_own_timezone() -> None:
    los_angeles = Schedule("America/Los_Angeles", (hours(WED, 9, 17),))
    assert is_open(los_angeles, dt.datetime(2026, 11, 18, 17, 0, tzinfo=dt.UTC)).open
    assert not is_open(los_angeles, dt.datetime(2026, 11, 18, 16, 59, tzinfo=dt.UTC)).open


def test_range_start_is_inclusive_and_end_exclusive() -> None:
    sched = schedule(hours(WED, 9, 17))
    assert is_open(sched, local(2026, 11, 18, 9, 0)).open
    assert is_open(sched, local(2026, 11, 18, 16, 59)).open
    assert not is_open(sched, local(2026, 11, 18, 17, 0)).open
    assert not is_open(sched, local(2026, 11, 18, 8, 59)).open


def test_closed_schedule_gives_outside_schedule_reason() -> None:
    check = is_open(schedule(hours(WED, 9, 17)), local(2026, 11, 18, 20))
    assert check.open is False
    assert check.reason is RejectionReason.OUTSIDE_SCHEDULE


def test_day_without_ranges_is_closed() -> None:
    assert not is_open(schedule(hours(WED, 9, 17)), local(2026, 11, 19, 12)).open


def test_several_ranges_on_one_day_leave_the_gap_closed() -> None:
    sched = schedule(hours(WED, 9, 12), hours(WED, 13, 17))
    assert is_open(sched, local(2026, 11, 18, 11, 30)).open
    assert not is_open(sched, local(2026, 11, 18, 12, 30)).open
    assert is_open(sched, local(2026, 11, 18, 13, 30)).open


def test_overnight_range_covers_the_evening_and_the_next_morning() -> None:
    sched = schedule(hours(MON, 22, 2))  # 2026-11-16 is a Monday
    assert not is_open(sched, local(2026, 11, 16, 21, 59)).open
    assert is_open(sched, local(2026, 11, 16, 22, 0)).open
    assert is_open(sched, local(2026, 11, 17, 1, 59)).open
    assert not is_open(sched, local(2026, 11, 17, 2, 0)).open


def test_overnight_range_does_not_open_the_morning_of_its_own_day() -> None:
    assert not is_open(schedule(hours(MON, 22, 2)), local(2026, 11, 16, 1, 0)).open


def test_overnight_range_on_sunday_spills_into_monday() -> None:
    sched = schedule(hours(SUN, 22, 2))  # 2026-11-22 is a Sunday
    assert is_open(sched, local(2026, 11, 22, 23, 0)).open
    assert is_open(sched, local(2026, 11, 23, 1, 0)).open
    assert not is_open(sched, local(2026, 11, 23, 2, 0)).open


def test_range_with_equal_start_and_end_lasts_24_hours() -> None:
    sched = schedule(hours(WED, 9, 9))
    assert not is_open(sched, local(2026, 11, 18, 8, 59)).open
    assert is_open(sched, local(2026, 11, 18, 9, 0)).open
    assert is_open(sched, local(2026, 11, 19, 8, 59)).open
    assert not is_open(sched, local(2026, 11, 19, 9, 0)).open


def test_midnight_to_midnight_range_covers_exactly_its_day() -> None:
    sched = schedule(hours(WED, 0, 0))
    assert is_open(sched, local(2026, 11, 18, 0, 0)).open
    assert is_open(sched, local(2026, 11, 18, 23, 59)).open
    assert not is_open(sched, local(2026, 11, 19, 0, 0)).open
    assert not is_open(sched, local(2026, 11, 17, 23, 59)).open


def test_schedule_without_ranges_is_always_closed() -> None:
    check = is_open(schedule(), local(2026, 11, 18, 12))
    assert check.open is False
    assert check.reason is RejectionReason.OUTSIDE_SCHEDULE


def test_holiday_closes_the_whole_local_date() -> None:
    sched = schedule(hours(FRI, 0, 0), holidays=frozenset({dt.date(2026, 12, 25)}))
    for hour in (0, 12, 23):
        check = is_open(sched, local(2026, 12, 25, hour))
        assert check.open is False
        assert check.reason is RejectionReason.HOLIDAY


def test_holiday_is_the_local_date_of_the_schedules_timezone() -> None:
    sched = schedule(hours(THU, 0, 0), hours(FRI, 0, 0), holidays=frozenset({dt.date(2026, 12, 25)}))
    # Already December 25 in UTC, still Christmas Eve in New York.
    assert is_open(sched, dt.datetime(2026, 12, 25, 3, 0, tzinfo=dt.UTC)).open
    # December 26 in UTC, still Christmas in New York.
    assert is_open(sched, dt.datetime(2026, 12, 26, 3, 0, tzinfo=dt.UTC)).reason is RejectionReason.HOLIDAY


def test_holiday_closes_the_after_midnight_part_of_an_overnight_range() -> None:
    sched = schedule(hours(THU, 22, 2), holidays=frozenset({dt.date(2026, 12, 25)}))
    assert is_open(sched, local(2026, 12, 24, 23, 0)).open
    assert is_open(sched, local(2026, 12, 25, 1, 0)).reason is RejectionReason.HOLIDAY


def test_overnight_range_starting_on_a_holiday_reopens_after_midnight() -> None:
    sched = schedule(hours(FRI, 22, 2), holidays=frozenset({dt.date(2026, 12, 25)}))
    assert is_open(sched, local(2026, 12, 25, 23, 0)).reason is RejectionReason.HOLIDAY
    assert is_open(sched, local(2026, 12, 26, 1, 0)).open


def test_range_follows_the_local_clock_across_spring_forward() -> None:
    sched = schedule(hours(SAT, 9, 17), hours(SUN, 9, 17))
    # Saturday 2026-03-07 is EST (UTC-5), Sunday 2026-03-08 is EDT (UTC-4).
    assert open_minutes_on_utc_day(sched, dt.date(2026, 3, 7))[0] == dt.datetime(
        2026, 3, 7, 14, tzinfo=dt.UTC
    )
    assert open_minutes_on_utc_day(sched, dt.date(2026, 3, 8))[0] == dt.datetime(
        2026, 3, 8, 13, tzinfo=dt.UTC
    )


def test_range_across_the_skipped_hour_is_one_real_hour_shorter() -> None:
    sched = schedule(hours(SUN, 1, 4))
    open_minutes = open_minutes_on_utc_day(sched, dt.date(2026, 3, 8))
    assert len(open_minutes) == 120
    assert open_minutes[0] == dt.datetime(2026, 3, 8, 6, 0, tzinfo=dt.UTC)  # 01:00 EST
    assert open_minutes[-1] == dt.datetime(2026, 3, 8, 7, 59, tzinfo=dt.UTC)  # 03:59 EDT


def test_range_inside_the_skipped_hour_never_opens() -> None:
    sched = schedule(DayRange(SUN, dt.time(2, 0), dt.time(2, 30)))
    assert open_minutes_on_utc_day(sched, dt.date(2026, 3, 8)) == []


def test_range_follows_the_local_clock_across_fall_back() -> None:
    sched = schedule(hours(SAT, 9, 17), hours(SUN, 9, 17))
    # Saturday 2026-10-31 is EDT (UTC-4), Sunday 2026-11-01 is EST (UTC-5).
    assert open_minutes_on_utc_day(sched, dt.date(2026, 10, 31))[0] == dt.datetime(
        2026, 10, 31, 13, tzinfo=dt.UTC
    )
    assert open_minutes_on_utc_day(sched, dt.date(2026, 11, 1))[0] == dt.datetime(
        2026, 11, 1, 14, tzinfo=dt.UTC
    )


def test_repeated_hour_is_open_both_times_on_fall_back() -> None:
    sched = schedule(hours(SUN, 1, 2))
    assert is_open(sched, local(2026, 11, 1, 1, 30, fold=0)).open  # 01:30 EDT
    assert is_open(sched, local(2026, 11, 1, 1, 30, fold=1)).open  # 01:30 EST, one hour later
    assert len(open_minutes_on_utc_day(sched, dt.date(2026, 11, 1))) == 120


@given(ranges=st.lists(DAY_RANGES, min_size=1, max_size=4), now=UTC_INSTANTS, zone=ZONES)
def test_a_schedule_is_open_exactly_when_one_of_its_ranges_is(
    ranges: list[DayRange], now: dt.datetime, zone: str
) -> None:
    whole = Schedule(zone, tuple(ranges))
    assert is_open(whole, now).open == any(is_open(Schedule(zone, (r,)), now).open for r in ranges)


@given(now=UTC_INSTANTS, zone=ZONES)
def test_round_the_clock_schedule_is_open_except_on_holidays(now: dt.datetime, zone: str) -> None:
    every_day = tuple(DayRange(day, dt.time(), dt.time()) for day in range(7))
    assert is_open(Schedule(zone, every_day), now).open
    today = now.astimezone(ZoneInfo(zone)).date()
    check = is_open(Schedule(zone, every_day, frozenset({today})), now)
    assert check.reason is RejectionReason.HOLIDAY


def test_schedule_with_unknown_timezone_is_refused() -> None:
    with pytest.raises(ZoneInfoNotFoundError):
        Schedule("Mars/Olympus_Mons", ())


def test_day_range_weekday_must_be_monday_to_sunday() -> None:
    with pytest.raises(ValueError, match="weekday"):
        DayRange(7, dt.time(9), dt.time(17))
