"""A target's weekly opening hours, as sent through the API: every mistake is named by its field path."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.buyers import Buyer
from tests.config_factories import create_buyer
from tests.factories import LoggedIn


@pytest.fixture
async def buyer(owner: LoggedIn, session: AsyncSession) -> Buyer:
    return await create_buyer(session, account_id=owner.account_id)


async def post_schedule(owner: LoggedIn, buyer: Buyer, schedule: dict[str, Any]) -> httpx.Response:
    body = {"buyer_id": str(buyer.id), "name": "Desk", "destination": "+14155550100", "schedule": schedule}
    return await owner.client.post("/api/targets", json=body)


def error(response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 422, response.text
    [detail] = response.json()["error"]["details"]
    return detail["field"], detail["message"]


def weekly(**days: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "timezone": "America/New_York",
        "weekly": {
            day: [{"start": start, "end": end} for start, end in ranges] for day, ranges in days.items()
        },
    }


async def test_schedule_is_stored_in_its_full_normal_form(owner: LoggedIn, buyer: Buyer) -> None:
    response = await post_schedule(owner, buyer, weekly(mon=[("09:00", "17:00")]))
    assert response.status_code == 201, response.text
    schedule = response.json()["schedule"]
    assert schedule["weekly"]["mon"] == [{"start": "09:00", "end": "17:00"}]
    assert schedule["weekly"]["sun"] == []
    assert schedule["holidays"] == []


async def test_unknown_timezone_is_a_field_error(owner: LoggedIn, buyer: Buyer) -> None:
    field, message = error(await post_schedule(owner, buyer, {"timezone": "America/Atlantis"}))
    assert field == "schedule.timezone"
    assert "America/Atlantis" in message


async def test_malformed_time_is_a_field_error_naming_the_range(owner: LoggedIn, buyer: Buyer) -> None:
    for clock in ("9:00", "24:00", "12:60", "noon"):
        schedule = weekly(mon=[("08:00", "10:00"), (clock, "17:00")])
        field, message = error(await post_schedule(owner, buyer, schedule))
        assert (field, "HH:MM" in message) == ("schedule.weekly.mon.1.start", True), clock


async def test_unknown_weekday_is_a_field_error(owner: LoggedIn, buyer: Buyer) -> None:
    field, _ = error(await post_schedule(owner, buyer, weekly(monday=[("09:00", "17:00")])))
    assert field == "schedule.weekly.monday"


async def test_overlapping_ranges_on_one_day_are_refused(owner: LoggedIn, buyer: Buyer) -> None:
    field, message = error(
        await post_schedule(owner, buyer, weekly(tue=[("09:00", "12:00"), ("11:30", "17:00")]))
    )
    assert field == "schedule.weekly"
    assert message.endswith("opening hours overlap: tue.0 (09:00-12:00) and tue.1 (11:30-17:00)")


async def test_overnight_range_overlapping_the_next_morning_is_refused(owner: LoggedIn, buyer: Buyer) -> None:
    field, message = error(
        await post_schedule(owner, buyer, weekly(fri=[("22:00", "02:00")], sat=[("01:00", "09:00")]))
    )
    assert field == "schedule.weekly"
    assert "fri.0 (22:00-02:00, overnight) and sat.0 (01:00-09:00)" in message


async def test_sunday_night_range_overlapping_monday_morning_is_refused(
    owner: LoggedIn, buyer: Buyer
) -> None:
    field, message = error(
        await post_schedule(owner, buyer, weekly(mon=[("00:00", "08:00")], sun=[("20:00", "01:00")]))
    )
    assert field == "schedule.weekly"
    assert "sun.0 (20:00-01:00, overnight) and mon.0 (00:00-08:00)" in message


async def test_overnight_range_ending_where_the_next_one_starts_is_accepted(
    owner: LoggedIn, buyer: Buyer
) -> None:
    schedule = weekly(fri=[("22:00", "02:00")], sat=[("02:00", "10:00")], sun=[("23:00", "06:00")])
    response = await post_schedule(owner, buyer, schedule)
    assert response.status_code == 201, response.text
    assert response.json()["schedule"]["weekly"]["fri"] == [{"start": "22:00", "end": "02:00"}]


async def test_holidays_are_kept_sorted_and_unique(owner: LoggedIn, buyer: Buyer) -> None:
    schedule = {"timezone": "UTC", "holidays": ["2026-12-25", "2026-01-01", "2026-12-25"]}
    response = await post_schedule(owner, buyer, schedule)
    assert response.json()["schedule"]["holidays"] == ["2026-01-01", "2026-12-25"]


async def test_bad_holiday_is_a_field_error_naming_its_position(owner: LoggedIn, buyer: Buyer) -> None:
    field, _ = error(await post_schedule(owner, buyer, {"timezone": "UTC", "holidays": ["2026-02-30"]}))
    assert field == "schedule.holidays.0"
