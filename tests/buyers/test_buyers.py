"""Buyers: who pays for calls, with account-wide caps over all of their targets."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.accounts import Role
from callcenter.models.buyers import PartyStatus
from callcenter.models.campaigns import CampaignStatus
from tests.config_factories import assign, create_buyer, create_campaign, create_target
from tests.factories import LoggedIn, create_user, logged_in_client


def fields(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    return [detail["field"] for detail in response.json()["error"]["details"]]


async def names(client: httpx.AsyncClient, path: str = "/api/buyers", **params: Any) -> list[str]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


async def test_buyer_is_created_and_read_back_with_normalised_contact(owner: LoggedIn) -> None:
    created = await owner.client.post(
        "/api/buyers",
        json={
            "name": "  Acme Insurance ",
            "company": "Acme Inc.",
            "email": "calls@acme.example.com",
            "phone": "(415) 555-0123",
            "concurrency_cap": 5,
            "daily_cap": 0,
            "notes": "Pays net 30",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["name"], body["phone"], body["status"]) == ("Acme Insurance", "+14155550123", "active")
    assert (body["concurrency_cap"], body["hourly_cap"], body["daily_cap"]) == (5, None, 0)
    read = await owner.client.get(f"/api/buyers/{body['id']}")
    assert read.json() == body


async def test_buyer_patch_changes_only_the_fields_sent_and_null_clears_a_cap(owner: LoggedIn) -> None:
    buyer = (await owner.client.post("/api/buyers", json={"name": "Acme", "hourly_cap": 3})).json()
    response = await owner.client.patch(
        f"/api/buyers/{buyer['id']}", json={"company": "Acme LLC", "hourly_cap": None}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["company"], body["hourly_cap"]) == ("Acme", "Acme LLC", None)


async def test_duplicate_buyer_name_is_a_field_error(owner: LoggedIn) -> None:
    await owner.client.post("/api/buyers", json={"name": "Acme"})
    other = (await owner.client.post("/api/buyers", json={"name": "Other"})).json()
    created = await owner.client.post("/api/buyers", json={"name": "Acme"})
    renamed = await owner.client.patch(f"/api/buyers/{other['id']}", json={"name": "Acme"})
    assert fields(created) == ["name"]
    assert created.json()["error"]["details"][0]["message"] == "A buyer with this name already exists"
    assert fields(renamed) == ["name"]


async def test_same_buyer_name_is_allowed_in_another_account(owner: LoggedIn, other_owner: LoggedIn) -> None:
    assert (await owner.client.post("/api/buyers", json={"name": "Acme"})).status_code == 201
    assert (await other_owner.client.post("/api/buyers", json={"name": "Acme"})).status_code == 201


async def test_bad_buyer_phone_is_a_field_error(owner: LoggedIn) -> None:
    assert fields(await owner.client.post("/api/buyers", json={"name": "A", "phone": "555-01"})) == ["phone"]


async def test_bad_buyer_email_is_a_field_error(owner: LoggedIn) -> None:
    assert fields(await owner.client.post("/api/buyers", json={"name": "A", "email": "nope"})) == ["email"]


async def test_negative_buyer_cap_is_a_field_error(owner: LoggedIn) -> None:
    assert fields(await owner.client.post("/api/buyers", json={"name": "A", "hourly_cap": -1})) == [
        "hourly_cap"
    ]


async def test_blank_buyer_name_is_a_field_error(owner: LoggedIn) -> None:
    assert fields(await owner.client.post("/api/buyers", json={"name": "   "})) == ["name"]


async def test_null_name_on_patch_is_a_field_error(owner: LoggedIn) -> None:
    buyer = (await owner.client.post("/api/buyers", json={"name": "Acme"})).json()
    assert fields(await owner.client.patch(f"/api/buyers/{buyer['id']}", json={"name": None})) == ["name"]


async def test_unknown_buyer_field_is_reported(owner: LoggedIn) -> None:
    assert fields(await owner.client.post("/api/buyers", json={"name": "A", "hourly_capp": 3})) == [
        "hourly_capp"
    ]


async def test_buyers_filter_by_status_and_search_name_or_company(
    owner: LoggedIn, session: AsyncSession
) -> None:
    account = owner.account_id
    await create_buyer(session, account_id=account, name="Acme Health", company="Acme")
    await create_buyer(session, account_id=account, name="Blue Shield", company="ACME Group")
    await create_buyer(session, account_id=account, name="Zeta", status=PartyStatus.PAUSED)
    await create_buyer(session, account_id=account, name="100% Leads")
    assert await names(owner.client, q="acme") == ["Acme Health", "Blue Shield"]
    assert await names(owner.client, status="paused") == ["Zeta"]
    assert await names(owner.client, q="%") == ["100% Leads"]


async def test_buyers_sort_and_paginate(owner: LoggedIn, session: AsyncSession) -> None:
    for name in ("Charlie", "alpha", "Bravo"):
        await create_buyer(session, account_id=owner.account_id, name=name)
    assert await names(owner.client, sort="-name") == ["Charlie", "Bravo", "alpha"]
    assert await names(owner.client, sort="created_at") == ["Charlie", "alpha", "Bravo"]
    page = await owner.client.get("/api/buyers", params={"sort": "name", "limit": 1, "offset": 1})
    assert (page.json()["total"], [b["name"] for b in page.json()["items"]]) == (3, ["Bravo"])


async def test_unknown_sort_field_is_a_field_error(owner: LoggedIn) -> None:
    assert fields(await owner.client.get("/api/buyers", params={"sort": "email"})) == ["sort"]


async def test_deleting_a_buyer_archives_it_and_its_targets(owner: LoggedIn, session: AsyncSession) -> None:
    buyer = await create_buyer(session, account_id=owner.account_id, name="Acme")
    target = await create_target(session, buyer=buyer)
    paused = await create_campaign(session, account_id=owner.account_id, status=CampaignStatus.PAUSED)
    await assign(session, campaign=paused, target=target)
    assert (await owner.client.delete(f"/api/buyers/{buyer.id}")).status_code == 204
    read = await owner.client.get(f"/api/buyers/{buyer.id}")
    assert read.json()["status"] == "archived"
    assert (await owner.client.get(f"/api/targets/{target.id}")).json()["status"] == "archived"


async def test_archived_buyers_are_listed_only_when_asked_for(owner: LoggedIn, session: AsyncSession) -> None:
    await create_buyer(session, account_id=owner.account_id, name="Live")
    gone = await create_buyer(session, account_id=owner.account_id, name="Gone")
    await owner.client.delete(f"/api/buyers/{gone.id}")
    assert await names(owner.client) == ["Live"]
    assert await names(owner.client, status="archived") == ["Gone"]


async def test_deleting_a_buyer_in_an_active_campaign_is_refused_naming_it(
    owner: LoggedIn, session: AsyncSession
) -> None:
    buyer = await create_buyer(session, account_id=owner.account_id, name="Acme")
    idle = await create_target(session, buyer=buyer, name="Idle")
    busy = await create_target(session, buyer=buyer, name="Busy")
    campaign = await create_campaign(session, account_id=owner.account_id, name="Auto Insurance")
    await assign(session, campaign=campaign, target=busy)
    response = await owner.client.delete(f"/api/buyers/{buyer.id}")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "in_active_campaign"
    assert '"Auto Insurance"' in error["message"]
    assert error["details"] == [{"campaign_id": str(campaign.id), "name": "Auto Insurance"}]
    # Nothing was archived: neither the buyer nor its idle target.
    assert (await owner.client.get(f"/api/buyers/{buyer.id}")).json()["status"] == "active"
    assert (await owner.client.get(f"/api/targets/{idle.id}")).json()["status"] == "active"


async def test_archiving_a_buyer_by_patch_follows_the_delete_rules(
    owner: LoggedIn, session: AsyncSession
) -> None:
    buyer = await create_buyer(session, account_id=owner.account_id)
    target = await create_target(session, buyer=buyer)
    campaign = await create_campaign(session, account_id=owner.account_id)
    await assign(session, campaign=campaign, target=target)
    refused = await owner.client.patch(f"/api/buyers/{buyer.id}", json={"status": "archived"})
    assert refused.status_code == 409
    other = await create_buyer(session, account_id=owner.account_id)
    other_target = await create_target(session, buyer=other)
    archived = await owner.client.patch(f"/api/buyers/{other.id}", json={"status": "archived"})
    assert archived.json()["status"] == "archived"
    assert (await owner.client.get(f"/api/targets/{other_target.id}")).json()["status"] == "archived"


async def test_deleting_an_archived_buyer_again_succeeds(owner: LoggedIn, session: AsyncSession) -> None:
    buyer = await create_buyer(session, account_id=owner.account_id, status=PartyStatus.ARCHIVED)
    assert (await owner.client.delete(f"/api/buyers/{buyer.id}")).status_code == 204


async def test_buyer_targets_lists_only_that_buyers_live_targets(
    owner: LoggedIn, session: AsyncSession
) -> None:
    buyer = await create_buyer(session, account_id=owner.account_id)
    other = await create_buyer(session, account_id=owner.account_id)
    await create_target(session, buyer=buyer, name="Mine", priority=2)
    await create_target(session, buyer=buyer, name="Also mine", priority=1)
    await create_target(session, buyer=buyer, name="Old", status=PartyStatus.ARCHIVED)
    await create_target(session, buyer=other, name="Theirs")
    path = f"/api/buyers/{buyer.id}/targets"
    assert await names(owner.client, path, sort="priority") == ["Also mine", "Mine"]
    assert await names(owner.client, path, status="archived") == ["Old"]


async def test_reporting_user_reads_buyers_but_cannot_change_them(
    app: Any, owner: LoggedIn, session: AsyncSession
) -> None:
    reporter = await create_user(session, account_id=owner.account_id, role=Role.REPORTING)
    async with logged_in_client(app, reporter) as logged_in:
        assert (await logged_in.client.get("/api/buyers")).status_code == 200
        assert (await logged_in.client.post("/api/buyers", json={"name": "X"})).status_code == 403


async def test_input_the_database_cannot_store_is_a_field_error(owner: LoggedIn) -> None:
    assert fields(await owner.client.post("/api/buyers", json={"name": "A\x00B"})) == ["name"]
    assert fields(await owner.client.post("/api/buyers", json={"name": "A", "daily_cap": 2**31})) == [
        "daily_cap"
    ]
    assert fields(await owner.client.get("/api/buyers", params={"q": "a\x00"})) == ["q"]
