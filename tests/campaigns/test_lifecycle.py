"""The campaign status lifecycle, archiving on delete, and archived campaigns leaving the lists."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.campaigns import CampaignStatus
from tests.campaigns.conftest import Tenant
from tests.campaigns.factories import post_campaign
from tests.config_factories import create_campaign

ALLOWED = [
    ("draft", "active"),
    ("draft", "archived"),
    ("active", "paused"),
    ("paused", "active"),
    ("active", "archived"),
    ("paused", "archived"),
    ("archived", "paused"),
]
REFUSED = [
    ("draft", "paused"),
    ("active", "draft"),
    ("paused", "draft"),
    ("archived", "draft"),
    ("archived", "active"),
]


def _pair_id(pair: tuple[str, str]) -> str:
    return "->".join(pair)


@pytest.mark.parametrize(("current", "new"), ALLOWED, ids=map(_pair_id, ALLOWED))
async def test_allowed_transition_is_applied(
    tenant: Tenant, session: AsyncSession, current: str, new: str
) -> None:
    campaign = await create_campaign(session, account_id=tenant.account_id, status=CampaignStatus(current))
    response = await tenant.client.patch(f"/api/campaigns/{campaign.id}", json={"status": new})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == new


@pytest.mark.parametrize(("current", "new"), REFUSED, ids=map(_pair_id, REFUSED))
async def test_refused_transition_is_a_409_naming_both_statuses(
    tenant: Tenant, session: AsyncSession, current: str, new: str
) -> None:
    campaign = await create_campaign(session, account_id=tenant.account_id, status=CampaignStatus(current))
    response = await tenant.client.patch(
        f"/api/campaigns/{campaign.id}", json={"status": new, "name": "Renamed with the refused change"}
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert f"from {current} to {new}" in error["message"]
    assert (error["details"]["from"], error["details"]["to"]) == (current, new)
    read = (await tenant.client.get(f"/api/campaigns/{campaign.id}")).json()
    assert (read["status"], read["name"]) == (current, campaign.name)


def test_every_status_pair_is_either_allowed_or_refused() -> None:
    pairs = {(a, b) for a in CampaignStatus for b in CampaignStatus if a != b}
    assert pairs == set(ALLOWED) | set(REFUSED)


async def test_setting_the_current_status_changes_nothing(tenant: Tenant) -> None:
    campaign = await post_campaign(tenant.client)
    response = await tenant.client.patch(f"/api/campaigns/{campaign['id']}", json={"status": "draft"})
    assert response.status_code == 200
    assert response.json()["status"] == "draft"


async def test_a_campaign_can_be_created_active(tenant: Tenant) -> None:
    assert (await post_campaign(tenant.client, status="active"))["status"] == "active"


async def test_delete_archives_the_campaign_and_keeps_the_row(tenant: Tenant) -> None:
    campaign = await post_campaign(tenant.client, status="active")
    response = await tenant.client.delete(f"/api/campaigns/{campaign['id']}")
    assert response.status_code == 200
    assert response.json() == {**campaign, "status": "archived", "updated_at": response.json()["updated_at"]}
    read = await tenant.client.get(f"/api/campaigns/{campaign['id']}")
    assert (read.status_code, read.json()["status"]) == (200, "archived")


async def test_deleting_an_archived_campaign_changes_nothing(tenant: Tenant) -> None:
    campaign = await post_campaign(tenant.client)
    first = await tenant.client.delete(f"/api/campaigns/{campaign['id']}")
    second = await tenant.client.delete(f"/api/campaigns/{campaign['id']}")
    assert second.status_code == 200
    assert second.json() == first.json()


async def test_list_hides_archived_campaigns_unless_asked_for(tenant: Tenant) -> None:
    kept = await post_campaign(tenant.client, name="Kept")
    gone = await post_campaign(tenant.client, name="Gone")
    await tenant.client.delete(f"/api/campaigns/{gone['id']}")
    default = (await tenant.client.get("/api/campaigns")).json()
    archived = (await tenant.client.get("/api/campaigns", params={"status": "archived"})).json()
    assert ([item["id"] for item in default["items"]], default["total"]) == ([kept["id"]], 1)
    assert ([item["id"] for item in archived["items"]], archived["total"]) == ([gone["id"]], 1)


async def test_archived_name_stays_taken_so_it_can_be_restored(tenant: Tenant) -> None:
    campaign = await post_campaign(tenant.client, name="Seasonal")
    await tenant.client.delete(f"/api/campaigns/{campaign['id']}")
    response = await tenant.client.post("/api/campaigns", json={"name": "Seasonal"})
    assert response.status_code == 422
    restored = await tenant.client.patch(f"/api/campaigns/{campaign['id']}", json={"status": "paused"})
    assert restored.json()["status"] == "paused"
