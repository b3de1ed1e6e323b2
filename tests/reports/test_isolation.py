"""Another account's calls never count: not in totals, top lists, timelines, live calls or exports."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.base import utcnow
from callcenter.models.calls import CallStatus
from tests.config_factories import create_campaign
from tests.factories import LoggedIn
from tests.reports.factories import create_call

DAY = {"start": "2026-11-20T00:00:00Z", "end": "2026-11-21T00:00:00Z"}


async def test_reports_and_exports_of_one_account_leave_the_others_calls_out(
    owner: LoggedIn, other_owner: LoggedIn, session: AsyncSession
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id, name="A's campaign")
    noon = datetime(2026, 11, 20, 12, tzinfo=UTC)
    await create_call(session, campaign=campaign, started_at=noon, converted=True, revenue=Decimal(50))
    await create_call(session, campaign=campaign, started_at=utcnow(), status=CallStatus.IN_PROGRESS)

    summary = (await other_owner.client.get("/api/reports/summary", params=DAY)).json()
    timeline = (await other_owner.client.get("/api/reports/timeline", params=DAY)).json()
    export = await other_owner.client.get("/api/calls/export.csv", params={"started_from": DAY["start"]})

    assert (summary["calls"], summary["revenue"], summary["live_calls"]) == (0, "0.0000", 0)
    assert summary["top_campaigns"] == summary["top_targets"] == []
    assert sum(bucket["calls"] for bucket in timeline["buckets"]) == 0
    assert export.text.count("\n") == 1  # the header only
    owners_view = (await owner.client.get("/api/reports/summary", params=DAY)).json()
    assert (owners_view["calls"], owners_view["revenue"]) == (1, "50.0000")
