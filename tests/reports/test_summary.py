"""``GET /api/reports/summary``: the dashboard's totals, live calls and top lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.base import utcnow
from callcenter.models.calls import CallStatus
from callcenter.telephony.emulator import TwilioEmulator
from tests.config_factories import assign, create_buyer, create_campaign, create_number, create_target
from tests.factories import LoggedIn
from tests.reports.factories import create_call

DAY = {"start": "2026-11-20T00:00:00+00:00", "end": "2026-11-21T00:00:00+00:00"}
NOON = datetime(2026, 11, 20, 12, tzinfo=UTC)


async def _summary(owner: LoggedIn, **params: Any) -> dict[str, Any]:
    response = await owner.client.get("/api/reports/summary", params={**DAY, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_summary_totals_the_calls_that_started_in_the_window(
    owner: LoggedIn, session: AsyncSession
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    await create_call(session, campaign=campaign, started_at=NOON)
    await create_call(session, campaign=campaign, started_at=NOON, answered=True)
    await create_call(
        session,
        campaign=campaign,
        started_at=NOON,
        converted=True,
        revenue=Decimal("35.50"),
        payout=Decimal("12.25"),
        duplicate=True,
    )
    await create_call(session, campaign=campaign, started_at=NOON - timedelta(days=1), converted=True)
    await create_call(session, campaign=campaign, started_at=datetime(2026, 11, 21, tzinfo=UTC))

    body = await _summary(owner)

    assert {k: body[k] for k in ("calls", "answered", "converted", "duplicates")} == {
        "calls": 3,
        "answered": 2,
        "converted": 1,
        "duplicates": 1,
    }
    assert (body["revenue"], body["payout"], body["profit"]) == ("35.5000", "12.2500", "23.2500")
    assert (body["start"], body["end"]) == ("2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z")


async def test_without_a_window_the_summary_covers_today_in_the_given_timezone(
    owner: LoggedIn, session: AsyncSession
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    await create_call(session, campaign=campaign, started_at=utcnow() - timedelta(minutes=1))
    await create_call(session, campaign=campaign, started_at=utcnow() - timedelta(days=2))

    response = await owner.client.get("/api/reports/summary", params={"timezone": "America/New_York"})

    body = response.json()
    start = datetime.fromisoformat(body["start"])
    assert body["calls"] == 1
    assert start.astimezone(UTC) <= utcnow() < datetime.fromisoformat(body["end"])
    local_start = start.astimezone(ZoneInfo("America/New_York"))
    assert (local_start.hour, local_start.minute) == (0, 0)


async def test_live_calls_are_the_unfinished_calls_of_the_last_four_hours(
    owner: LoggedIn, session: AsyncSession
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    now = utcnow()
    await create_call(session, campaign=campaign, started_at=now, status=CallStatus.RINGING)
    await create_call(session, campaign=campaign, started_at=now, status=CallStatus.IN_PROGRESS)
    await create_call(session, campaign=campaign, started_at=now, status=CallStatus.COMPLETED)
    # A record left open by a lost callback long ago is not a call in progress.
    await create_call(
        session, campaign=campaign, started_at=now - timedelta(hours=5), status=CallStatus.RINGING
    )

    assert (await _summary(owner))["live_calls"] == 2


async def test_top_campaigns_and_targets_rank_by_revenue(owner: LoggedIn, session: AsyncSession) -> None:
    small = await create_campaign(session, account_id=owner.account_id, name="Small")
    big = await create_campaign(session, account_id=owner.account_id, name="Big")
    buyer = await create_buyer(session, account_id=owner.account_id)
    floor = await create_target(session, buyer=buyer, name="Floor")
    desk = await create_target(session, buyer=buyer, name="Desk")
    for _ in range(3):
        await create_call(session, campaign=small, started_at=NOON, target_id=desk.id, buyer_id=buyer.id)
    await create_call(
        session, campaign=big, started_at=NOON, converted=True, revenue=Decimal(40), target_id=floor.id
    )

    body = await _summary(owner)

    assert [(row["name"], row["calls"], row["revenue"]) for row in body["top_campaigns"]] == [
        ("Big", 1, "40.0000"),
        ("Small", 3, "0.0000"),
    ]
    assert [row["name"] for row in body["top_targets"]] == ["Floor", "Desk"]
    assert body["top_targets"][0]["id"] == str(floor.id)


async def test_filters_narrow_every_figure(owner: LoggedIn, session: AsyncSession) -> None:
    wanted = await create_campaign(session, account_id=owner.account_id)
    other = await create_campaign(session, account_id=owner.account_id)
    await create_call(session, campaign=wanted, started_at=NOON, converted=True, revenue=Decimal(10))
    await create_call(session, campaign=other, started_at=NOON, converted=True, revenue=Decimal(99))

    body = await _summary(owner, campaign_id=str(wanted.id))

    assert (body["calls"], body["revenue"]) == (1, "10.0000")
    assert [row["id"] for row in body["top_campaigns"]] == [str(wanted.id)]


async def test_a_call_made_through_the_webhooks_counts_with_its_settled_money(
    owner: LoggedIn, session: AsyncSession, twilio: TwilioEmulator
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id, payout=Decimal(12))
    buyer = await create_buyer(session, account_id=owner.account_id)
    target = await create_target(session, buyer=buyer, revenue=Decimal(35))
    await assign(session, campaign=campaign, target=target)
    number = await create_number(session, account_id=owner.account_id, campaign_id=campaign.id)

    await twilio.call(to=number.number, from_="+12125550100", outcomes=["answered"], duration=90)

    response = await owner.client.get(
        "/api/reports/summary", params={"start": (utcnow() - timedelta(hours=1)).isoformat()}
    )
    body = response.json()
    assert {k: body[k] for k in ("calls", "answered", "converted", "revenue", "payout", "profit")} == {
        "calls": 1,
        "answered": 1,
        "converted": 1,
        "revenue": "35.0000",
        "payout": "12.0000",
        "profit": "23.0000",
    }
    assert body["top_targets"][0]["id"] == str(target.id)


async def test_end_must_come_after_start(owner: LoggedIn) -> None:
    response = await owner.client.get(
        "/api/reports/summary", params={"start": DAY["end"], "end": DAY["start"]}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [{"field": "end", "message": "end must be after start"}]


async def test_a_window_longer_than_366_days_is_refused(owner: LoggedIn) -> None:
    response = await owner.client.get(
        "/api/reports/summary", params={"start": "2024-01-01T00:00:00Z", "end": "2025-06-01T00:00:00Z"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "end"


async def test_times_without_an_offset_and_unknown_time_zones_are_field_errors(owner: LoggedIn) -> None:
    response = await owner.client.get(
        "/api/reports/summary", params={"start": "2026-11-20T00:00:00", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["error"]["details"]} == {"start", "timezone"}


async def test_reporting_users_may_read_reports_but_not_without_logging_in(
    client: Any, owner: LoggedIn
) -> None:
    assert (await client.get("/api/reports/summary")).status_code == 401
    assert (await owner.client.get("/api/reports/summary")).status_code == 200
