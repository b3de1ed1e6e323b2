"""Number pools: lease settings, unique names, campaign reference, deletion releasing numbers."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.kit.errors import FieldError
from callcenter.kit.unique import flush_unique
from callcenter.models.numbers import NumberPool
from tests.config_factories import create_campaign, create_number, create_pool
from tests.factories import LoggedIn


def _details(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 422, response.text
    details: list[dict[str, str]] = response.json()["error"]["details"]
    return details


async def test_pool_is_created_with_lease_defaults(owner: LoggedIn) -> None:
    response = await owner.client.post(
        "/api/pools", json={"name": "Landing pages", "default_number": "(415) 555-0140"}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["lease_seconds"], body["max_lease_seconds"], body["overflow_policy"]) == (
        300,
        1800,
        "default_number",
    )
    assert body["default_number"] == "+14155550140"
    assert body["campaign_id"] is None


@pytest.mark.parametrize(
    ("field", "value"), [("lease_seconds", 29), ("lease_seconds", 86401), ("max_lease_seconds", 86401)]
)
async def test_lease_outside_bounds_is_a_field_error(owner: LoggedIn, field: str, value: int) -> None:
    response = await owner.client.post("/api/pools", json={"name": "P", field: value})
    assert [d["field"] for d in _details(response)] == [field]


async def test_max_lease_shorter_than_lease_is_a_field_error(owner: LoggedIn) -> None:
    response = await owner.client.post(
        "/api/pools", json={"name": "P", "lease_seconds": 600, "max_lease_seconds": 300}
    )
    assert _details(response) == [
        {"field": "max_lease_seconds", "message": "must be at least lease_seconds (600)"}
    ]


async def test_patched_lease_is_checked_against_the_stored_maximum(
    owner: LoggedIn, session: AsyncSession
) -> None:
    pool = await create_pool(session, account_id=owner.account_id, lease_seconds=300, max_lease_seconds=900)
    refused = await owner.client.patch(f"/api/pools/{pool.id}", json={"lease_seconds": 1200})
    assert [d["field"] for d in _details(refused)] == ["max_lease_seconds"]
    both = await owner.client.patch(
        f"/api/pools/{pool.id}", json={"lease_seconds": 1200, "max_lease_seconds": 3600}
    )
    assert (both.json()["lease_seconds"], both.json()["max_lease_seconds"]) == (1200, 3600)


async def test_unknown_overflow_policy_is_a_field_error(owner: LoggedIn) -> None:
    response = await owner.client.post("/api/pools", json={"name": "P", "overflow_policy": "ring_all"})
    assert [d["field"] for d in _details(response)] == ["overflow_policy"]


async def test_pool_name_is_unique_per_account(owner: LoggedIn, other_owner: LoggedIn) -> None:
    assert (await owner.client.post("/api/pools", json={"name": "Search"})).status_code == 201
    again = await owner.client.post("/api/pools", json={"name": " Search "})
    assert _details(again) == [{"field": "name", "message": "a pool with this name already exists"}]
    assert (await other_owner.client.post("/api/pools", json={"name": "Search"})).status_code == 201


async def test_renaming_onto_another_pools_name_is_a_field_error(
    owner: LoggedIn, session: AsyncSession
) -> None:
    await create_pool(session, account_id=owner.account_id, name="Search")
    social = await create_pool(session, account_id=owner.account_id, name="Social")
    response = await owner.client.patch(f"/api/pools/{social.id}", json={"name": "Search"})
    assert [d["field"] for d in _details(response)] == ["name"]
    assert (await owner.client.patch(f"/api/pools/{social.id}", json={"name": "Social"})).status_code == 200


async def test_database_unique_constraint_on_pool_names_becomes_a_field_error(
    owner: LoggedIn, session: AsyncSession
) -> None:
    # What a request that raced past the service's own check meets: the constraint, reported on "name".
    await create_pool(session, account_id=owner.account_id, name="Search")
    session.add(NumberPool(account_id=owner.account_id, name="Search"))
    with pytest.raises(FieldError) as caught:
        await flush_unique(
            session, table="number_pools", columns=("account_id", "name"), error=FieldError("name", "taken")
        )
    assert caught.value.details == [{"field": "name", "message": "taken"}]
    await session.rollback()


async def test_other_integrity_errors_are_not_reported_as_a_taken_name(
    owner: LoggedIn, session: AsyncSession
) -> None:
    session.add(NumberPool(account_id=owner.account_id, name="Search", lease_seconds=0))
    with pytest.raises(IntegrityError):
        await flush_unique(
            session, table="number_pools", columns=("account_id", "name"), error=FieldError("name", "taken")
        )
    await session.rollback()


async def test_pool_campaign_must_be_the_accounts(
    owner: LoggedIn, other_owner: LoggedIn, session: AsyncSession
) -> None:
    theirs = await create_campaign(session, account_id=other_owner.account_id)
    for campaign_id in (theirs.id, uuid.uuid4()):
        response = await owner.client.post("/api/pools", json={"name": "P", "campaign_id": str(campaign_id)})
        assert _details(response) == [{"field": "campaign_id", "message": "campaign not found"}]
    mine = await create_campaign(session, account_id=owner.account_id)
    ok = await owner.client.post("/api/pools", json={"name": "P", "campaign_id": str(mine.id)})
    assert ok.json()["campaign_id"] == str(mine.id)


async def test_null_cannot_clear_a_pool_name(owner: LoggedIn, session: AsyncSession) -> None:
    pool = await create_pool(session, account_id=owner.account_id)
    response = await owner.client.patch(f"/api/pools/{pool.id}", json={"name": None})
    assert [d["field"] for d in _details(response)] == ["name"]


async def test_deleting_a_pool_releases_its_numbers(owner: LoggedIn, session: AsyncSession) -> None:
    pool = await create_pool(session, account_id=owner.account_id)
    numbers = [await create_number(session, account_id=owner.account_id, pool_id=pool.id) for _ in range(2)]
    assert (await owner.client.delete(f"/api/pools/{pool.id}")).status_code == 204
    assert (await owner.client.get(f"/api/pools/{pool.id}")).status_code == 404
    for number in numbers:
        response = await owner.client.get(f"/api/numbers/{number.id}")
        assert response.status_code == 200
        assert response.json()["pool_id"] is None


async def test_pools_are_filtered_sorted_and_paginated(owner: LoggedIn, session: AsyncSession) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    for name in ("Search B", "Search A", "Social"):
        await create_pool(
            session,
            account_id=owner.account_id,
            name=name,
            campaign_id=campaign.id if name != "Social" else None,
        )

    async def names(**params: Any) -> list[str]:
        response = await owner.client.get("/api/pools", params=params)
        assert response.status_code == 200, response.text
        return [item["name"] for item in response.json()["items"]]

    assert await names() == ["Search A", "Search B", "Social"]
    assert await names(sort="-name", limit=2) == ["Social", "Search B"]
    assert await names(offset=2) == ["Social"]
    assert await names(campaign_id=str(campaign.id)) == ["Search A", "Search B"]
    assert await names(q="soc") == ["Social"]
    total = (await owner.client.get("/api/pools", params={"limit": 1})).json()["total"]
    assert total == 3
