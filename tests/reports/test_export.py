"""``GET /api/calls/export.csv``: the call log as CSV, with its filters and sort orders."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.reports import service
from tests.config_factories import create_buyer, create_campaign, create_publisher, create_target
from tests.factories import LoggedIn
from tests.reports.factories import create_call

NOON = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_export_lists_the_calls_with_the_names_of_what_they_reached(
    owner: LoggedIn, session: AsyncSession
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id, name="Solar")
    buyer = await create_buyer(session, account_id=owner.account_id, name="Acme")
    target = await create_target(session, buyer=buyer, name="Acme floor")
    publisher = await create_publisher(session, account_id=owner.account_id, name="Pub One")
    call = await create_call(
        session,
        campaign=campaign,
        started_at=NOON,
        converted=True,
        revenue=Decimal("35"),
        payout=Decimal("12.5"),
        target_id=target.id,
        buyer_id=buyer.id,
        publisher_id=publisher.id,
        utm_source="google",
    )

    response = await owner.client.get("/api/calls/export.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    [row] = _rows(response.text)
    assert row["id"] == str(call.id)
    assert (row["campaign"], row["target"], row["buyer"], row["publisher"]) == (
        "Solar",
        "Acme floor",
        "Acme",
        "Pub One",
    )
    assert (row["revenue"], row["payout"], row["profit"], row["converted"]) == (
        "35.0000",
        "12.5000",
        "22.5000",
        "true",
    )
    assert (row["caller"], row["utm_source"], row["started_at"]) == (
        "+12125550100",
        "google",
        "2026-11-20T12:00:00+00:00",
    )


async def test_export_applies_the_call_log_filters_and_sort(owner: LoggedIn, session: AsyncSession) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    other = await create_campaign(session, account_id=owner.account_id)
    early = await create_call(session, campaign=campaign, started_at=NOON, converted=True)
    late = await create_call(session, campaign=campaign, started_at=NOON + timedelta(hours=1), converted=True)
    await create_call(session, campaign=campaign, started_at=NOON)
    await create_call(session, campaign=other, started_at=NOON, converted=True)

    response = await owner.client.get(
        "/api/calls/export.csv",
        params={"campaign_id": str(campaign.id), "converted": "true", "sort": "started_at"},
    )

    assert [row["id"] for row in _rows(response.text)] == [str(early.id), str(late.id)]


async def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(
    owner: LoggedIn, session: AsyncSession
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    await create_call(
        session, campaign=campaign, started_at=NOON, utm_source='=HYPERLINK("http://evil")', utm_medium="-x"
    )

    [row] = _rows((await owner.client.get("/api/calls/export.csv")).text)

    assert row["utm_source"] == '\'=HYPERLINK("http://evil")'
    assert row["utm_medium"] == "'-x"
    assert row["caller"] == "+12125550100"  # a phone number stays as it is


async def test_export_is_not_mistaken_for_a_call_id(owner: LoggedIn) -> None:
    response = await owner.client.get("/api/calls/export.csv")
    assert response.status_code == 200
    assert response.text.startswith("id,call_sid,started_at,")


async def test_an_export_too_large_is_refused_with_the_count(
    owner: LoggedIn, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "MAX_EXPORT_ROWS", 2)
    campaign = await create_campaign(session, account_id=owner.account_id)
    for _ in range(3):
        await create_call(session, campaign=campaign, started_at=NOON)

    response = await owner.client.get("/api/calls/export.csv")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "export_too_large"
    assert response.json()["error"]["details"] == {"total": 3, "max_rows": 2}


async def test_an_empty_date_range_is_a_field_error(owner: LoggedIn) -> None:
    response = await owner.client.get(
        "/api/calls/export.csv",
        params={"started_from": "2026-11-20T00:00:00Z", "started_to": "2026-11-19T00:00:00Z"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "started_to"
