"""Assigning targets to a campaign, with optional priority and weight overrides."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.buyers import CampaignTarget, PartyStatus
from callcenter.models.campaigns import Campaign
from tests.campaigns.conftest import Tenant
from tests.campaigns.factories import create_active_target
from tests.config_factories import assign, create_buyer, create_campaign, create_target


async def _campaign(session: AsyncSession, tenant: Tenant) -> Campaign:
    return await create_campaign(session, account_id=tenant.account_id)


async def _assign(tenant: Tenant, campaign: Campaign, **body: Any) -> Any:
    return await tenant.client.post(f"/api/campaigns/{campaign.id}/targets", json=body)


async def _links(session: AsyncSession, campaign: Campaign) -> int:
    statement = select(func.count()).where(CampaignTarget.campaign_id == campaign.id)
    return int(await session.scalar(statement) or 0)


async def test_assignment_without_overrides_uses_the_targets_own_values(
    tenant: Tenant, session: AsyncSession
) -> None:
    campaign = await _campaign(session, tenant)
    buyer = await create_buyer(session, account_id=tenant.account_id)
    target = await create_target(
        session, buyer=buyer, name="Main line", priority=3, weight=40, destination="sip:sales@pbx.example.com"
    )
    response = await _assign(tenant, campaign, target_id=str(target.id))
    assert response.status_code == 201, response.text
    body = response.json()
    assert {key: body[key] for key in body if key not in ("id", "created_at")} == {
        "campaign_id": str(campaign.id),
        "target_id": str(target.id),
        "priority": None,
        "weight": None,
        "effective_priority": 3,
        "effective_weight": 40,
        "name": "Main line",
        "buyer_id": str(buyer.id),
        "destination": "sip:sales@pbx.example.com",
        "status": "active",
    }


async def test_overrides_replace_the_targets_priority_and_weight(
    tenant: Tenant, session: AsyncSession
) -> None:
    campaign = await _campaign(session, tenant)
    target = await create_active_target(session, account_id=tenant.account_id, priority=3, weight=40)
    body = (await _assign(tenant, campaign, target_id=str(target.id), priority=1, weight=90)).json()
    assert (body["priority"], body["weight"]) == (1, 90)
    assert (body["effective_priority"], body["effective_weight"]) == (1, 90)


async def test_list_shows_assignments_in_dialing_order(tenant: Tenant, session: AsyncSession) -> None:
    campaign = await _campaign(session, tenant)
    late = await create_active_target(session, account_id=tenant.account_id, name="Late", priority=1)
    early = await create_active_target(session, account_id=tenant.account_id, name="Early", priority=5)
    middle = await create_active_target(session, account_id=tenant.account_id, name="Middle", priority=2)
    await assign(session, campaign=campaign, target=late, priority=9)
    await assign(session, campaign=campaign, target=early, priority=1)
    await assign(session, campaign=campaign, target=middle)
    response = await tenant.client.get(f"/api/campaigns/{campaign.id}/targets")
    body = response.json()
    assert body["total"] == 3
    assert [(a["name"], a["effective_priority"]) for a in body["items"]] == [
        ("Early", 1),
        ("Middle", 2),
        ("Late", 9),
    ]


async def test_assignment_list_paginates(tenant: Tenant, session: AsyncSession) -> None:
    campaign = await _campaign(session, tenant)
    for priority in (1, 2, 3):
        target = await create_active_target(session, account_id=tenant.account_id, priority=priority)
        await assign(session, campaign=campaign, target=target)
    body = (
        await tenant.client.get(f"/api/campaigns/{campaign.id}/targets", params={"limit": 1, "offset": 1})
    ).json()
    assert body["total"] == 3
    assert [a["effective_priority"] for a in body["items"]] == [2]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"priority": 11}, "priority"),
        ({"priority": 0}, "priority"),
        ({"weight": 0}, "weight"),
        ({"weight": 101}, "weight"),
        ({"target_id": "not-a-uuid"}, "target_id"),
        ({"campaign_id": "0b7c3a52-3f7e-4df4-8d6e-2f5b1f1f9d11"}, "campaign_id"),
    ],
    ids=["priority-11", "priority-0", "weight-0", "weight-101", "bad-target-id", "extra-field"],
)
async def test_invalid_assignment_is_a_422_naming_the_field(
    tenant: Tenant, session: AsyncSession, override: dict[str, Any], field: str
) -> None:
    campaign = await _campaign(session, tenant)
    target = await create_active_target(session, account_id=tenant.account_id)
    response = await _assign(tenant, campaign, **{"target_id": str(target.id), **override})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    assert await _links(session, campaign) == 0


async def test_assigning_a_target_twice_is_a_409(tenant: Tenant, session: AsyncSession) -> None:
    campaign = await _campaign(session, tenant)
    target = await create_active_target(session, account_id=tenant.account_id)
    assert (await _assign(tenant, campaign, target_id=str(target.id))).status_code == 201
    again = await _assign(tenant, campaign, target_id=str(target.id), priority=2)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    assert await _links(session, campaign) == 1


async def test_another_accounts_target_is_a_422_on_target_id_and_nothing_is_written(
    tenant: Tenant, other_tenant: Tenant, session: AsyncSession
) -> None:
    campaign = await _campaign(session, tenant)
    foreign = await create_active_target(session, account_id=other_tenant.account_id)
    response = await _assign(tenant, campaign, target_id=str(foreign.id))
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [{"field": "target_id", "message": "target not found"}]
    assert str(foreign.id) not in response.text
    assert await _links(session, campaign) == 0


async def test_a_missing_target_gets_the_same_answer_as_another_accounts(
    tenant: Tenant, other_tenant: Tenant, session: AsyncSession
) -> None:
    campaign = await _campaign(session, tenant)
    foreign = await create_active_target(session, account_id=other_tenant.account_id)
    missing = await _assign(tenant, campaign, target_id="0b7c3a52-3f7e-4df4-8d6e-2f5b1f1f9d11")
    other = await _assign(tenant, campaign, target_id=str(foreign.id))
    assert (missing.status_code, missing.json()) == (other.status_code, other.json())


async def test_an_archived_target_cannot_be_assigned(tenant: Tenant, session: AsyncSession) -> None:
    campaign = await _campaign(session, tenant)
    target = await create_active_target(session, account_id=tenant.account_id, status=PartyStatus.ARCHIVED)
    response = await _assign(tenant, campaign, target_id=str(target.id))
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["target_id"]
    assert await _links(session, campaign) == 0


async def test_a_paused_target_can_be_assigned(tenant: Tenant, session: AsyncSession) -> None:
    campaign = await _campaign(session, tenant)
    target = await create_active_target(session, account_id=tenant.account_id, status=PartyStatus.PAUSED)
    response = await _assign(tenant, campaign, target_id=str(target.id))
    assert (response.status_code, response.json()["status"]) == (201, "paused")


async def test_one_assignment_reads_back(tenant: Tenant, session: AsyncSession) -> None:
    campaign = await _campaign(session, tenant)
    target = await create_active_target(session, account_id=tenant.account_id)
    created = (await _assign(tenant, campaign, target_id=str(target.id), weight=5)).json()
    read = await tenant.client.get(f"/api/campaigns/{campaign.id}/targets/{target.id}")
    assert read.json() == created


async def test_patch_changes_an_override_and_null_removes_it(tenant: Tenant, session: AsyncSession) -> None:
    campaign = await _campaign(session, tenant)
    target = await create_active_target(session, account_id=tenant.account_id, priority=4, weight=10)
    await assign(session, campaign=campaign, target=target, priority=1, weight=50)
    path = f"/api/campaigns/{campaign.id}/targets/{target.id}"
    changed = (await tenant.client.patch(path, json={"weight": 80})).json()
    assert (changed["priority"], changed["weight"], changed["effective_weight"]) == (1, 80, 80)
    cleared = (await tenant.client.patch(path, json={"priority": None})).json()
    assert (cleared["priority"], cleared["effective_priority"], cleared["weight"]) == (None, 4, 80)


async def test_patch_validates_the_overrides(tenant: Tenant, session: AsyncSession) -> None:
    campaign = await _campaign(session, tenant)
    target = await create_active_target(session, account_id=tenant.account_id)
    await assign(session, campaign=campaign, target=target)
    response = await tenant.client.patch(
        f"/api/campaigns/{campaign.id}/targets/{target.id}", json={"priority": 11, "target_id": "x"}
    )
    assert sorted(d["field"] for d in response.json()["error"]["details"]) == ["priority", "target_id"]


async def test_delete_unassigns_the_target(tenant: Tenant, session: AsyncSession) -> None:
    campaign = await _campaign(session, tenant)
    target = await create_active_target(session, account_id=tenant.account_id)
    await assign(session, campaign=campaign, target=target)
    response = await tenant.client.delete(f"/api/campaigns/{campaign.id}/targets/{target.id}")
    assert response.status_code == 204
    assert (await tenant.client.get(f"/api/campaigns/{campaign.id}/targets")).json()["total"] == 0
    again = await tenant.client.delete(f"/api/campaigns/{campaign.id}/targets/{target.id}")
    assert again.status_code == 404


async def test_unassigned_target_is_404_naming_the_assignment(tenant: Tenant, session: AsyncSession) -> None:
    campaign = await _campaign(session, tenant)
    target = await create_active_target(session, account_id=tenant.account_id)
    response = await tenant.client.get(f"/api/campaigns/{campaign.id}/targets/{target.id}")
    assert (response.status_code, response.json()["error"]["message"]) == (404, "assignment not found")


async def test_assigning_to_an_unknown_campaign_is_404(tenant: Tenant, session: AsyncSession) -> None:
    target = await create_active_target(session, account_id=tenant.account_id)
    response = await tenant.client.post(
        "/api/campaigns/0b7c3a52-3f7e-4df4-8d6e-2f5b1f1f9d11/targets", json={"target_id": str(target.id)}
    )
    assert (response.status_code, response.json()["error"]["message"]) == (404, "campaign not found")
