"""``GET /api/reports/timeline``: calls per local hour or day, every bucket present."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tests.config_factories import create_campaign
from tests.factories import LoggedIn
from tests.reports.factories import create_call


async def _timeline(owner: LoggedIn, **params: str) -> dict[str, Any]:
    response = await owner.client.get("/api/reports/timeline", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_hourly_buckets_cover_the_window_with_zeros_where_no_call_came(
    owner: LoggedIn, session: AsyncSession
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    for minute in (0, 59):
        await create_call(
            session, campaign=campaign, started_at=datetime(2026, 11, 20, 9, minute, tzinfo=UTC)
        )
    await create_call(
        session,
        campaign=campaign,
        started_at=datetime(2026, 11, 20, 11, 30, tzinfo=UTC),
        converted=True,
        revenue=Decimal(20),
        payout=Decimal(5),
    )

    body = await _timeline(owner, start="2026-11-20T08:00:00Z", end="2026-11-20T12:00:00Z")

    assert [(b["start"], b["calls"], b["converted"], b["profit"]) for b in body["buckets"]] == [
        ("2026-11-20T08:00:00Z", 0, 0, "0.0000"),
        ("2026-11-20T09:00:00Z", 2, 0, "0.0000"),
        ("2026-11-20T10:00:00Z", 0, 0, "0.0000"),
        ("2026-11-20T11:00:00Z", 1, 1, "15.0000"),
    ]


async def test_daily_buckets_are_local_days_of_the_time_zone(owner: LoggedIn, session: AsyncSession) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    # 03:30 UTC on the 20th is still the evening of the 19th in New York.
    await create_call(session, campaign=campaign, started_at=datetime(2026, 11, 20, 3, 30, tzinfo=UTC))
    await create_call(session, campaign=campaign, started_at=datetime(2026, 11, 20, 15, 0, tzinfo=UTC))

    body = await _timeline(
        owner,
        start="2026-11-19T00:00:00-05:00",
        end="2026-11-21T00:00:00-05:00",
        interval="day",
        timezone="America/New_York",
    )

    assert [(b["start"], b["calls"]) for b in body["buckets"]] == [
        ("2026-11-19T00:00:00-05:00", 1),
        ("2026-11-20T00:00:00-05:00", 1),
    ]


async def test_the_day_clocks_go_back_has_25_hourly_buckets(owner: LoggedIn) -> None:
    body = await _timeline(owner, start="2026-11-01T00:00:00-04:00", timezone="America/New_York")

    starts = [b["start"] for b in body["buckets"]]
    assert len(starts) == 25
    assert starts[1:3] == ["2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00"]


async def test_half_hour_time_zones_bucket_by_their_own_hours(owner: LoggedIn, session: AsyncSession) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    # 10:20 in Kolkata (UTC+05:30) is 04:50 UTC: it belongs to the local 10:00 hour, not to 04:00 UTC.
    await create_call(session, campaign=campaign, started_at=datetime(2026, 11, 20, 4, 50, tzinfo=UTC))

    body = await _timeline(
        owner, start="2026-11-20T09:00:00+05:30", end="2026-11-20T12:00:00+05:30", timezone="Asia/Kolkata"
    )

    assert [(b["start"], b["calls"]) for b in body["buckets"]] == [
        ("2026-11-20T09:00:00+05:30", 0),
        ("2026-11-20T10:00:00+05:30", 1),
        ("2026-11-20T11:00:00+05:30", 0),
    ]


async def test_hourly_timelines_longer_than_31_days_are_refused(owner: LoggedIn) -> None:
    response = await owner.client.get(
        "/api/reports/timeline", params={"start": "2026-01-01T00:00:00Z", "end": "2026-03-01T00:00:00Z"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "interval"
