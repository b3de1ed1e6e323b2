import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from callcenter.routing import cap_periods
from callcenter.routing.periods import SAFETY_MARGIN_S

from .factories import UTC_INSTANTS

NEW_YORK = "America/New_York"
ZONES = st.sampled_from(
    [
        "UTC",
        "America/New_York",
        "America/Santiago",  # DST changes at local midnight
        "Asia/Kolkata",  # half-hour offset
        "Australia/Lord_Howe",  # half-hour DST shift
        "Pacific/Chatham",
    ]
)


def utc(
    year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0, micro: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=dt.UTC)


def test_keys_name_the_current_hour_day_and_month() -> None:
    periods = cap_periods("UTC", utc(2026, 11, 21, 14, 25))
    assert (periods.hour_key, periods.day_key, periods.month_key) == ("2026112114", "20261121", "202611")


def test_keys_follow_the_campaigns_timezone() -> None:
    # 03:00 UTC on December 1st is still November 30th, 22:00 in New York.
    periods = cap_periods(NEW_YORK, utc(2026, 12, 1, 3, 0))
    assert (periods.hour_key, periods.day_key, periods.month_key) == ("2026113022", "20261130", "202611")


def test_ttls_run_to_the_end_of_each_period_plus_a_margin() -> None:
    periods = cap_periods(NEW_YORK, utc(2026, 11, 21, 14, 25))  # 09:25 EST
    assert periods.hour_ttl_s == 35 * 60 + SAFETY_MARGIN_S
    assert periods.day_ttl_s == (14 * 3600 + 35 * 60) + SAFETY_MARGIN_S
    assert periods.month_ttl_s == ((9 * 24 + 14) * 3600 + 35 * 60) + SAFETY_MARGIN_S


def test_ttl_rounds_partial_seconds_up() -> None:
    periods = cap_periods("UTC", utc(2026, 11, 21, 14, 59, 59, 500_000))
    assert periods.hour_ttl_s == 1 + SAFETY_MARGIN_S


def test_spring_forward_day_lasts_23_hours() -> None:
    periods = cap_periods(NEW_YORK, utc(2026, 3, 8, 5, 0))  # local midnight, EST
    assert periods.day_key == "20260308"
    assert periods.day_ttl_s == 23 * 3600 + SAFETY_MARGIN_S


def test_fall_back_day_lasts_25_hours() -> None:
    periods = cap_periods(NEW_YORK, utc(2026, 11, 1, 4, 0))  # local midnight, EDT
    assert periods.day_key == "20261101"
    assert periods.day_ttl_s == 25 * 3600 + SAFETY_MARGIN_S


def test_repeated_hour_on_fall_back_gets_its_own_key() -> None:
    first = cap_periods(NEW_YORK, utc(2026, 11, 1, 5, 30))  # 01:30 EDT
    second = cap_periods(NEW_YORK, utc(2026, 11, 1, 6, 30))  # 01:30 EST
    assert first.hour_key == "2026110101"
    assert second.hour_key == "2026110101b"
    assert second.hour_ttl_s == 30 * 60 + SAFETY_MARGIN_S


def test_hour_after_the_skipped_hour_is_keyed_by_the_local_clock() -> None:
    before = cap_periods(NEW_YORK, utc(2026, 3, 8, 6, 59))  # 01:59 EST
    after = cap_periods(NEW_YORK, utc(2026, 3, 8, 7, 0))  # 03:00 EDT
    assert (before.hour_key, after.hour_key) == ("2026030801", "2026030803")
    assert before.hour_ttl_s == 60 + SAFETY_MARGIN_S


def test_month_ttl_crosses_the_year_end() -> None:
    periods = cap_periods("UTC", utc(2026, 12, 31, 23, 0))
    assert periods.month_key == "202612"
    assert periods.month_ttl_s == 3600 + SAFETY_MARGIN_S


@given(now=UTC_INSTANTS, zone=ZONES)
def test_a_counter_never_expires_while_its_period_is_current(now: dt.datetime, zone: str) -> None:
    periods = cap_periods(zone, now)
    # At the instant the counter would expire (without the margin) its period is over.
    expiry = cap_periods(zone, now + dt.timedelta(seconds=periods.hour_ttl_s - SAFETY_MARGIN_S))
    assert expiry.hour_key != periods.hour_key
    expiry = cap_periods(zone, now + dt.timedelta(seconds=periods.day_ttl_s - SAFETY_MARGIN_S))
    assert expiry.day_key != periods.day_key
    expiry = cap_periods(zone, now + dt.timedelta(seconds=periods.month_ttl_s - SAFETY_MARGIN_S))
    assert expiry.month_key != periods.month_key


@given(now=UTC_INSTANTS, zone=ZONES)
def test_ttls_stay_within_one_period_length(now: dt.datetime, zone: str) -> None:
    periods = cap_periods(zone, now)
    assert 0 < periods.hour_ttl_s - SAFETY_MARGIN_S <= 2 * 3600
    assert 0 < periods.day_ttl_s - SAFETY_MARGIN_S <= 26 * 3600
    assert 0 < periods.month_ttl_s - SAFETY_MARGIN_S <= 32 * 24 * 3600


@given(now=UTC_INSTANTS, zone=ZONES)
def test_keys_are_read_on_the_local_wall_clock(now: dt.datetime, zone: str) -> None:
    local = now.astimezone(ZoneInfo(zone))
    periods = cap_periods(zone, now)
    assert periods.day_key == local.strftime("%Y%m%d")
    assert periods.hour_key.startswith(local.strftime("%Y%m%d%H"))
