"""Per-campaign payout overrides of a publisher: exact money, upsert, removal, tenancy."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.config_factories import create_campaign, create_publisher
from tests.factories import LoggedIn


async def _publisher_and_campaign(owner: LoggedIn, session: AsyncSession) -> tuple[uuid.UUID, uuid.UUID]:
    publisher = await create_publisher(session, account_id=owner.account_id)
    campaign = await create_campaign(session, account_id=owner.account_id)
    return publisher.id, campaign.id


async def test_payout_override_is_upserted(owner: LoggedIn, session: AsyncSession) -> None:
    publisher_id, campaign_id = await _publisher_and_campaign(owner, session)
    path = f"/api/publishers/{publisher_id}/payouts/{campaign_id}"
    first = await owner.client.put(path, json={"payout": "12.50"})
    assert first.status_code == 200, first.text
    second = await owner.client.put(path, json={"payout": "15"})
    assert second.json()["id"] == first.json()["id"]
    listed = await owner.client.get(f"/api/publishers/{publisher_id}/payouts")
    assert listed.json()["total"] == 1
    item = listed.json()["items"][0]
    assert (item["campaign_id"], item["publisher_id"], item["payout"]) == (
        str(campaign_id),
        str(publisher_id),
        "15.0000",
    )


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("19.9999", "19.9999"), ("0.1", "0.1000"), (0.3, "0.3000"), ("1234567890.1234", "1234567890.1234")],
)
async def test_payout_is_exact_to_four_decimals(
    owner: LoggedIn, session: AsyncSession, sent: Any, stored: str
) -> None:
    publisher_id, campaign_id = await _publisher_and_campaign(owner, session)
    response = await owner.client.put(
        f"/api/publishers/{publisher_id}/payouts/{campaign_id}", json={"payout": sent}
    )
    assert response.json()["payout"] == stored
    listed = await owner.client.get(f"/api/publishers/{publisher_id}/payouts")
    assert listed.json()["items"][0]["payout"] == stored


@pytest.mark.parametrize("payout", ["1.23456", "-1", "abc", "123456789012.5"])
async def test_invalid_payout_is_a_field_error(owner: LoggedIn, session: AsyncSession, payout: str) -> None:
    publisher_id, campaign_id = await _publisher_and_campaign(owner, session)
    response = await owner.client.put(
        f"/api/publishers/{publisher_id}/payouts/{campaign_id}", json={"payout": payout}
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["payout"]


async def test_payout_override_is_deleted(owner: LoggedIn, session: AsyncSession) -> None:
    publisher_id, campaign_id = await _publisher_and_campaign(owner, session)
    path = f"/api/publishers/{publisher_id}/payouts/{campaign_id}"
    await owner.client.put(path, json={"payout": "3"})
    assert (await owner.client.delete(path)).status_code == 204
    assert (await owner.client.get(f"/api/publishers/{publisher_id}/payouts")).json()["total"] == 0
    assert (await owner.client.delete(path)).status_code == 404


async def test_payout_for_a_missing_campaign_is_not_found(owner: LoggedIn, session: AsyncSession) -> None:
    publisher = await create_publisher(session, account_id=owner.account_id)
    response = await owner.client.put(
        f"/api/publishers/{publisher.id}/payouts/{uuid.uuid4()}", json={"payout": "1"}
    )
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "campaign not found"


async def test_payout_for_another_accounts_campaign_is_not_found(
    owner: LoggedIn, other_owner: LoggedIn, session: AsyncSession
) -> None:
    their_campaign = await create_campaign(session, account_id=owner.account_id)
    my_publisher = await create_publisher(session, account_id=other_owner.account_id)
    path = f"/api/publishers/{my_publisher.id}/payouts/{their_campaign.id}"
    response = await other_owner.client.put(path, json={"payout": "99"})
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "campaign not found"
    assert (await other_owner.client.get(f"/api/publishers/{my_publisher.id}/payouts")).json()["total"] == 0


async def test_payouts_of_a_missing_publisher_are_not_found(owner: LoggedIn) -> None:
    assert (await owner.client.get(f"/api/publishers/{uuid.uuid4()}/payouts")).status_code == 404
