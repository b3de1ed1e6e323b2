"""Cloning a campaign: every setting and assignment, into a new draft with a unique name."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.campaigns import CampaignStatus
from callcenter.models.numbers import PhoneNumber
from tests.campaigns.conftest import Tenant
from tests.campaigns.factories import create_active_target, post_campaign
from tests.config_factories import assign, create_campaign, create_number

SETTINGS = {
    "description": "Final expense, 50-85",
    "status": "active",
    "timezone": "America/Los_Angeles",
    "routing_strategy": "round_robin",
    "rtb_enabled": True,
    "auction_timeout_ms": 900,
    "concurrency_cap": 4,
    "hourly_cap": 20,
    "daily_cap": 0,
    "monthly_cap": 900,
    "allowed_states": ["AZ", "NV"],
    "dedupe_seconds": 3600,
    "duplicate_action": "reject",
    "record_calls": True,
    "dial_timeout_seconds": 45,
    "max_attempts": 5,
    "conversion_seconds": 120,
    "payout": "31.4159",
    "fallback_number": "+14155550123",
    "closed_message": "Call us tomorrow.",
}


async def _clone(tenant: Tenant, campaign_id: object, **body: str) -> dict[str, object]:
    response = await tenant.client.post(f"/api/campaigns/{campaign_id}/clone", json=body or None)
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


async def test_clone_copies_every_setting_into_a_new_draft(tenant: Tenant) -> None:
    original = await post_campaign(tenant.client, name="Final expense", **SETTINGS)
    clone = await _clone(tenant, original["id"])
    assert clone["id"] != original["id"]
    assert (clone["name"], clone["status"]) == ("Final expense (copy)", "draft")
    assert {key: clone[key] for key in SETTINGS if key != "status"} == {
        key: original[key] for key in SETTINGS if key != "status"
    }


async def test_clone_copies_assignments_with_their_overrides(tenant: Tenant, session: AsyncSession) -> None:
    original = await create_campaign(session, account_id=tenant.account_id)
    first = await create_active_target(session, account_id=tenant.account_id, name="First", priority=4)
    second = await create_active_target(session, account_id=tenant.account_id, name="Second", weight=30)
    await assign(session, campaign=original, target=first, priority=2, weight=70)
    await assign(session, campaign=original, target=second)
    clone = await _clone(tenant, original.id)
    listed = (await tenant.client.get(f"/api/campaigns/{clone['id']}/targets")).json()["items"]
    # Dialing order: Second keeps its own priority 1, First is overridden to 2.
    assert [(a["target_id"], a["priority"], a["weight"]) for a in listed] == [
        (str(second.id), None, None),
        (str(first.id), 2, 70),
    ]
    original_listed = (await tenant.client.get(f"/api/campaigns/{original.id}/targets")).json()
    assert original_listed["total"] == 2


async def test_clone_names_are_made_unique(tenant: Tenant) -> None:
    original = await post_campaign(tenant.client, name="Solar")
    names = [(await _clone(tenant, original["id"]))["name"] for _ in range(3)]
    assert names == ["Solar (copy)", "Solar (copy 2)", "Solar (copy 3)"]


async def test_clone_of_a_200_character_name_still_fits(tenant: Tenant) -> None:
    original = await post_campaign(tenant.client, name="x" * 200)
    first = await _clone(tenant, original["id"])
    second = await _clone(tenant, original["id"])
    assert first["name"] == "x" * 193 + " (copy)"
    assert second["name"] == "x" * 191 + " (copy 2)"


async def test_clone_takes_the_name_given(tenant: Tenant) -> None:
    original = await post_campaign(tenant.client, name="Auto")
    assert (await _clone(tenant, original["id"], name="Auto - Texas"))["name"] == "Auto - Texas"


async def test_clone_to_a_taken_name_is_a_field_error(tenant: Tenant) -> None:
    original = await post_campaign(tenant.client, name="Auto")
    response = await tenant.client.post(f"/api/campaigns/{original['id']}/clone", json={"name": "Auto"})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["name"]
    assert (await tenant.client.get("/api/campaigns")).json()["total"] == 1


async def test_clone_body_forbids_unknown_fields(tenant: Tenant) -> None:
    original = await post_campaign(tenant.client)
    response = await tenant.client.post(f"/api/campaigns/{original['id']}/clone", json={"status": "active"})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["status"]


async def test_clone_leaves_the_numbers_with_the_original(tenant: Tenant, session: AsyncSession) -> None:
    original = await create_campaign(session, account_id=tenant.account_id, status=CampaignStatus.ACTIVE)
    await create_number(session, account_id=tenant.account_id, campaign_id=original.id)
    clone = await _clone(tenant, original.id)
    on_clone = select(func.count()).where(PhoneNumber.campaign_id == uuid.UUID(str(clone["id"])))
    on_original = select(func.count()).where(PhoneNumber.campaign_id == original.id)
    assert (await session.scalar(on_clone), await session.scalar(on_original)) == (0, 1)


async def test_an_archived_campaign_can_be_cloned_into_a_draft(tenant: Tenant, session: AsyncSession) -> None:
    original = await create_campaign(session, account_id=tenant.account_id, status=CampaignStatus.ARCHIVED)
    assert (await _clone(tenant, original.id))["status"] == "draft"
