"""Targets: where a buyer's calls ring, in which order, when, and how many."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.buyers import Buyer, PartyStatus
from callcenter.models.campaigns import CampaignStatus
from tests.config_factories import assign, create_buyer, create_campaign, create_target
from tests.factories import LoggedIn


def fields(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    return [detail["field"] for detail in response.json()["error"]["details"]]


async def names(client: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await client.get("/api/targets", params=params)
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


@pytest.fixture
async def buyer(owner: LoggedIn, session: AsyncSession) -> Buyer:
    return await create_buyer(session, account_id=owner.account_id, name="Acme")


def target_body(buyer: Buyer, **overrides: Any) -> dict[str, Any]:
    return {"buyer_id": str(buyer.id), "name": "Sales desk", "destination": "+14155550100", **overrides}


async def post_target(owner: LoggedIn, buyer: Buyer, **overrides: Any) -> httpx.Response:
    return await owner.client.post("/api/targets", json=target_body(buyer, **overrides))


async def test_target_is_created_with_defaults_and_read_back(owner: LoggedIn, buyer: Buyer) -> None:
    created = await post_target(owner, buyer, destination="(415) 555-0199")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["destination"] == "+14155550199"
    assert (body["status"], body["priority"], body["weight"]) == ("active", 1, 1)
    assert (body["schedule"], body["allowed_states"], body["conversion_seconds"]) == (None, [], None)
    assert Decimal(body["revenue"]) == 0
    assert (await owner.client.get(f"/api/targets/{body['id']}")).json() == body


async def test_sip_destination_is_accepted(owner: LoggedIn, buyer: Buyer) -> None:
    response = await post_target(owner, buyer, destination=" sip:sales@pbx.example.com ")
    assert response.json()["destination"] == "sip:sales@pbx.example.com"


async def test_bad_destination_is_a_field_error(owner: LoggedIn, buyer: Buyer) -> None:
    for destination in ("555-01", "sip:no-host", "sip:", "hello"):
        assert fields(await post_target(owner, buyer, destination=destination)) == ["destination"], (
            destination
        )


async def test_priority_above_ten_is_a_field_error(owner: LoggedIn, buyer: Buyer) -> None:
    assert fields(await post_target(owner, buyer, priority=11)) == ["priority"]


async def test_weight_zero_is_a_field_error(owner: LoggedIn, buyer: Buyer) -> None:
    assert fields(await post_target(owner, buyer, weight=0)) == ["weight"]


async def test_negative_target_cap_is_a_field_error(owner: LoggedIn, buyer: Buyer) -> None:
    assert fields(await post_target(owner, buyer, hourly_cap=-1)) == ["hourly_cap"]


async def test_conversion_seconds_above_two_hours_is_a_field_error(owner: LoggedIn, buyer: Buyer) -> None:
    assert fields(await post_target(owner, buyer, conversion_seconds=7201)) == ["conversion_seconds"]


async def test_unknown_state_is_a_field_error_naming_its_position(owner: LoggedIn, buyer: Buyer) -> None:
    assert fields(await post_target(owner, buyer, allowed_states=["CA", "XX"])) == ["allowed_states.1"]


async def test_allowed_states_are_normalised_sorted_and_unique(owner: LoggedIn, buyer: Buyer) -> None:
    response = await post_target(owner, buyer, allowed_states=["tx", " ca", "TX", "NY"])
    assert response.json()["allowed_states"] == ["CA", "NY", "TX"]


async def test_misspelt_field_is_reported_not_ignored(owner: LoggedIn, buyer: Buyer) -> None:
    target = (await post_target(owner, buyer)).json()
    assert fields(await post_target(owner, buyer, priorty=2)) == ["priorty"]
    assert fields(await owner.client.patch(f"/api/targets/{target['id']}", json={"wieght": 5})) == ["wieght"]


async def test_revenue_round_trips_exactly_as_a_decimal(owner: LoggedIn, buyer: Buyer) -> None:
    created = (await post_target(owner, buyer, revenue="9999999999.9999")).json()
    assert Decimal(created["revenue"]) == Decimal("9999999999.9999")
    patched = await owner.client.patch(f"/api/targets/{created['id']}", json={"revenue": "0.1"})
    assert Decimal(patched.json()["revenue"]) == Decimal("0.1")
    read = await owner.client.get(f"/api/targets/{created['id']}")
    assert Decimal(read.json()["revenue"]) == Decimal("0.1")


async def test_bad_revenue_is_a_field_error(owner: LoggedIn, buyer: Buyer) -> None:
    for revenue in ("12.34567", "-1", "NaN"):
        assert fields(await post_target(owner, buyer, revenue=revenue)) == ["revenue"], revenue


async def test_missing_buyer_and_other_accounts_buyer_read_the_same(
    owner: LoggedIn, other_owner: LoggedIn, session: AsyncSession
) -> None:
    foreign = await create_buyer(session, account_id=other_owner.account_id)
    missing = Buyer(id=uuid.uuid4())
    responses = [await post_target(owner, b) for b in (foreign, missing)]
    assert [r.json()["error"]["details"] for r in responses] == [
        [{"field": "buyer_id", "message": "buyer not found"}]
    ] * 2


async def test_other_account_cannot_move_its_target_to_our_buyer(
    owner: LoggedIn, other_owner: LoggedIn, buyer: Buyer, session: AsyncSession
) -> None:
    theirs = await create_target(
        session, buyer=await create_buyer(session, account_id=other_owner.account_id)
    )
    response = await other_owner.client.patch(f"/api/targets/{theirs.id}", json={"buyer_id": str(buyer.id)})
    assert fields(response) == ["buyer_id"]
    assert str(buyer.id) not in response.text
    assert (await other_owner.client.get(f"/api/targets/{theirs.id}")).json()["buyer_id"] == str(
        theirs.buyer_id
    )
    listed = await owner.client.get(f"/api/buyers/{buyer.id}/targets")
    assert listed.json()["total"] == 0


async def test_target_moves_to_another_buyer_of_the_account(
    owner: LoggedIn, buyer: Buyer, session: AsyncSession
) -> None:
    target = (await post_target(owner, buyer)).json()
    other = await create_buyer(session, account_id=owner.account_id)
    response = await owner.client.patch(f"/api/targets/{target['id']}", json={"buyer_id": str(other.id)})
    assert response.json()["buyer_id"] == str(other.id)


async def test_target_cannot_go_live_under_an_archived_buyer(owner: LoggedIn, session: AsyncSession) -> None:
    archived = await create_buyer(session, account_id=owner.account_id, status=PartyStatus.ARCHIVED)
    target = await create_target(
        session,
        buyer=await create_buyer(session, account_id=owner.account_id),
        status=PartyStatus.ARCHIVED,
    )
    created = await post_target(owner, archived)
    moved = await owner.client.patch(f"/api/targets/{target.id}", json={"buyer_id": str(archived.id)})
    assert (created.status_code, created.json()["error"]["code"]) == (409, "buyer_archived")
    assert moved.status_code == 200  # an archived target may follow an archived buyer
    restored = await owner.client.patch(f"/api/targets/{target.id}", json={"status": "active"})
    assert restored.status_code == 409


async def test_failed_patch_changes_nothing(owner: LoggedIn, buyer: Buyer) -> None:
    target = (await post_target(owner, buyer, name="Before")).json()
    response = await owner.client.patch(
        f"/api/targets/{target['id']}",
        json={"name": "After", "buyer_id": "00000000-0000-4000-8000-000000000000"},
    )
    assert response.status_code == 422
    assert (await owner.client.get(f"/api/targets/{target['id']}")).json() == target


async def test_failed_create_writes_nothing(owner: LoggedIn, buyer: Buyer) -> None:
    response = await post_target(owner, buyer, schedule={"timezone": "Mars/Olympus"})
    assert response.status_code == 422
    assert (await owner.client.get("/api/targets")).json()["total"] == 0


async def test_patch_null_clears_schedule_and_caps_but_not_required_fields(
    owner: LoggedIn, buyer: Buyer
) -> None:
    target = (
        await post_target(owner, buyer, schedule={"timezone": "UTC"}, daily_cap=10, conversion_seconds=90)
    ).json()
    path = f"/api/targets/{target['id']}"
    cleared = await owner.client.patch(
        path, json={"schedule": None, "daily_cap": None, "conversion_seconds": None}
    )
    assert [cleared.json()[f] for f in ("schedule", "daily_cap", "conversion_seconds")] == [None] * 3
    assert fields(await owner.client.patch(path, json={"priority": None})) == ["priority"]


async def test_deleting_a_target_archives_it_and_hides_it_from_lists(owner: LoggedIn, buyer: Buyer) -> None:
    target = (await post_target(owner, buyer, name="Old desk")).json()
    await post_target(owner, buyer, name="New desk")
    assert (await owner.client.delete(f"/api/targets/{target['id']}")).status_code == 204
    assert (await owner.client.get(f"/api/targets/{target['id']}")).json()["status"] == "archived"
    assert await names(owner.client) == ["New desk"]
    assert await names(owner.client, status="archived") == ["Old desk"]


async def test_deleting_a_target_in_an_active_campaign_is_refused_naming_it(
    owner: LoggedIn, buyer: Buyer, session: AsyncSession
) -> None:
    target = await create_target(session, buyer=buyer, name="Desk")
    for name in ("Medicare", "Auto"):
        await assign(
            session,
            campaign=await create_campaign(session, account_id=owner.account_id, name=name),
            target=target,
        )
    response = await owner.client.delete(f"/api/targets/{target.id}")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        'Target "Desk" is assigned to active campaigns: "Auto", "Medicare". Pause those campaigns or '
        "remove the target from them first."
    )
    patched = await owner.client.patch(f"/api/targets/{target.id}", json={"status": "archived"})
    assert patched.status_code == 409
    assert (await owner.client.get(f"/api/targets/{target.id}")).json()["status"] == "active"


@pytest.mark.parametrize("status", [CampaignStatus.PAUSED, CampaignStatus.DRAFT])
async def test_target_only_in_paused_or_draft_campaigns_is_archived(
    owner: LoggedIn, buyer: Buyer, session: AsyncSession, status: CampaignStatus
) -> None:
    target = await create_target(session, buyer=buyer)
    campaign = await create_campaign(session, account_id=owner.account_id, status=status)
    await assign(session, campaign=campaign, target=target)
    assert (await owner.client.delete(f"/api/targets/{target.id}")).status_code == 204
    assert (await owner.client.get(f"/api/targets/{target.id}")).json()["status"] == "archived"


async def test_targets_filter_by_buyer_status_and_search(
    owner: LoggedIn, buyer: Buyer, session: AsyncSession
) -> None:
    other = await create_buyer(session, account_id=owner.account_id)
    await create_target(session, buyer=buyer, name="East desk", destination="+12125550100")
    await create_target(session, buyer=buyer, name="West desk", status=PartyStatus.PAUSED)
    await create_target(session, buyer=other, name="Other desk")
    assert await names(owner.client, buyer_id=str(buyer.id)) == ["East desk", "West desk"]
    assert await names(owner.client, status="paused") == ["West desk"]
    assert await names(owner.client, q="EAST") == ["East desk"]
    assert await names(owner.client, q="212555") == ["East desk"]


async def test_targets_sort_by_priority_and_paginate(
    owner: LoggedIn, buyer: Buyer, session: AsyncSession
) -> None:
    for name, priority in (("b", 3), ("a", 2), ("c", 1)):
        await create_target(session, buyer=buyer, name=name, priority=priority)
    assert await names(owner.client, sort="priority") == ["c", "a", "b"]
    assert await names(owner.client, sort="-priority,name", limit=2) == ["b", "a"]
    page = (await owner.client.get("/api/targets", params={"sort": "name", "offset": 2})).json()
    assert (page["total"], [t["name"] for t in page["items"]]) == (3, ["c"])
