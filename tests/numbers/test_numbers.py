"""Tracking numbers: E.164, unique in the installation, on one campaign or in one pool."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.accounts import Role
from callcenter.models.buyers import PartyStatus
from tests.config_factories import create_campaign, create_number, create_pool, create_publisher, next_e164
from tests.factories import LoggedIn, create_user, logged_in_client


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [d["field"] for d in response.json()["error"]["details"]]


async def test_number_is_normalised_to_e164(owner: LoggedIn) -> None:
    response = await owner.client.post("/api/numbers", json={"number": "(415) 555-0100"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["number"] == "+14155550100"
    assert (body["campaign_id"], body["pool_id"], body["publisher_id"], body["friendly_name"]) == (
        None,
        None,
        None,
        "",
    )


@pytest.mark.parametrize("number", ["12", "not a number", "+1415555010"])
async def test_invalid_number_is_a_field_error(owner: LoggedIn, number: str) -> None:
    response = await owner.client.post("/api/numbers", json={"number": number})
    assert _fields(response) == ["number"]


async def test_number_is_unique_across_accounts(owner: LoggedIn, other_owner: LoggedIn) -> None:
    assert (await owner.client.post("/api/numbers", json={"number": "+14155550101"})).status_code == 201
    again = await owner.client.post("/api/numbers", json={"number": "415-555-0101"})
    elsewhere = await other_owner.client.post("/api/numbers", json={"number": "+14155550101"})
    for response in (again, elsewhere):
        assert response.status_code == 422
        assert response.json()["error"]["details"] == [
            {"field": "number", "message": "number already exists"}
        ]


async def test_renumbering_onto_an_existing_number_is_a_field_error(
    owner: LoggedIn, session: AsyncSession
) -> None:
    first = await create_number(session, account_id=owner.account_id)
    second = await create_number(session, account_id=owner.account_id)
    response = await owner.client.patch(f"/api/numbers/{second.id}", json={"number": first.number})
    assert _fields(response) == ["number"]
    unchanged = await owner.client.patch(f"/api/numbers/{second.id}", json={"number": second.number})
    assert unchanged.status_code == 200


async def test_number_cannot_ring_a_campaign_and_sit_in_a_pool(
    owner: LoggedIn, session: AsyncSession
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id)
    response = await owner.client.post(
        "/api/numbers",
        json={"number": next_e164(), "campaign_id": str(campaign.id), "pool_id": str(pool.id)},
    )
    assert _fields(response) == ["campaign_id"]


async def test_patch_cannot_add_a_campaign_to_a_pool_number(owner: LoggedIn, session: AsyncSession) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id)
    number = await create_number(session, account_id=owner.account_id, pool_id=pool.id)
    refused = await owner.client.patch(f"/api/numbers/{number.id}", json={"campaign_id": str(campaign.id)})
    assert _fields(refused) == ["campaign_id"]
    moved = await owner.client.patch(
        f"/api/numbers/{number.id}", json={"campaign_id": str(campaign.id), "pool_id": None}
    )
    assert moved.status_code == 200
    assert (moved.json()["campaign_id"], moved.json()["pool_id"]) == (str(campaign.id), None)


async def test_patch_moves_a_number_between_pools(owner: LoggedIn, session: AsyncSession) -> None:
    first = await create_pool(session, account_id=owner.account_id)
    second = await create_pool(session, account_id=owner.account_id)
    number = await create_number(session, account_id=owner.account_id, pool_id=first.id)
    response = await owner.client.patch(f"/api/numbers/{number.id}", json={"pool_id": str(second.id)})
    assert response.status_code == 200
    assert response.json()["pool_id"] == str(second.id)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("campaign_id", "campaign not found"),
        ("pool_id", "pool not found"),
        ("publisher_id", "publisher not found"),
    ],
)
async def test_missing_reference_is_a_field_error(owner: LoggedIn, field: str, message: str) -> None:
    response = await owner.client.post("/api/numbers", json={"number": next_e164(), field: str(uuid.uuid4())})
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [{"field": field, "message": message}]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("campaign_id", "campaign not found"),
        ("pool_id", "pool not found"),
        ("publisher_id", "publisher not found"),
    ],
)
async def test_other_accounts_row_is_a_missing_reference(
    owner: LoggedIn, other_owner: LoggedIn, session: AsyncSession, field: str, message: str
) -> None:
    theirs = {
        "campaign_id": (await create_campaign(session, account_id=owner.account_id)).id,
        "pool_id": (await create_pool(session, account_id=owner.account_id)).id,
        "publisher_id": (await create_publisher(session, account_id=owner.account_id)).id,
    }[field]
    mine = await create_number(session, account_id=other_owner.account_id)
    response = await other_owner.client.patch(f"/api/numbers/{mine.id}", json={field: str(theirs)})
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [{"field": field, "message": message}]
    assert str(theirs) not in response.text
    after = await other_owner.client.get(f"/api/numbers/{mine.id}")
    assert after.json()[field] is None


async def test_archived_publisher_cannot_be_given_new_numbers(owner: LoggedIn, session: AsyncSession) -> None:
    publisher = await create_publisher(session, account_id=owner.account_id, status=PartyStatus.ARCHIVED)
    response = await owner.client.post(
        "/api/numbers", json={"number": next_e164(), "publisher_id": str(publisher.id)}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "publisher_id", "message": "publisher is archived"}
    ]


async def test_number_keeps_its_archived_publisher_on_other_edits(
    owner: LoggedIn, session: AsyncSession
) -> None:
    publisher = await create_publisher(session, account_id=owner.account_id)
    number = await create_number(session, account_id=owner.account_id, publisher_id=publisher.id)
    publisher.status = PartyStatus.ARCHIVED
    await session.flush()
    response = await owner.client.patch(
        f"/api/numbers/{number.id}", json={"friendly_name": "Spring promo", "publisher_id": str(publisher.id)}
    )
    assert response.status_code == 200
    assert response.json()["publisher_id"] == str(publisher.id)


async def test_patch_changes_only_the_given_fields(owner: LoggedIn, session: AsyncSession) -> None:
    publisher = await create_publisher(session, account_id=owner.account_id)
    number = await create_number(
        session, account_id=owner.account_id, publisher_id=publisher.id, provider_sid="PN123"
    )
    response = await owner.client.patch(f"/api/numbers/{number.id}", json={"friendly_name": "Billboard"})
    body = response.json()
    assert (body["friendly_name"], body["publisher_id"], body["provider_sid"]) == (
        "Billboard",
        str(publisher.id),
        "PN123",
    )
    cleared = await owner.client.patch(f"/api/numbers/{number.id}", json={"publisher_id": None})
    assert cleared.json()["publisher_id"] is None


@pytest.mark.parametrize("field", ["number", "friendly_name"])
async def test_null_cannot_clear_a_required_number_field(
    owner: LoggedIn, session: AsyncSession, field: str
) -> None:
    number = await create_number(session, account_id=owner.account_id)
    response = await owner.client.patch(f"/api/numbers/{number.id}", json={field: None})
    assert _fields(response) == [field]


async def test_deleting_a_number_removes_it(owner: LoggedIn, session: AsyncSession) -> None:
    number = await create_number(session, account_id=owner.account_id)
    assert (await owner.client.delete(f"/api/numbers/{number.id}")).status_code == 204
    assert (await owner.client.get(f"/api/numbers/{number.id}")).status_code == 404
    assert (await owner.client.delete(f"/api/numbers/{number.id}")).status_code == 404


async def _listed(owner: LoggedIn, **params: Any) -> list[str]:
    response = await owner.client.get("/api/numbers", params=params)
    assert response.status_code == 200, response.text
    return [item["number"] for item in response.json()["items"]]


async def test_numbers_are_filtered_by_assignment(owner: LoggedIn, session: AsyncSession) -> None:
    account_id = owner.account_id
    campaign = await create_campaign(session, account_id=account_id)
    pool = await create_pool(session, account_id=account_id)
    publisher = await create_publisher(session, account_id=account_id)
    direct = await create_number(
        session, account_id=account_id, number="+14155550110", campaign_id=campaign.id
    )
    pooled = await create_number(session, account_id=account_id, number="+14155550111", pool_id=pool.id)
    free = await create_number(
        session, account_id=account_id, number="+14155550112", publisher_id=publisher.id
    )
    assert await _listed(owner, campaign_id=str(campaign.id)) == [direct.number]
    assert await _listed(owner, pool_id=str(pool.id)) == [pooled.number]
    assert await _listed(owner, publisher_id=str(publisher.id)) == [free.number]
    assert await _listed(owner, unassigned="true") == [free.number]
    assert await _listed(owner, unassigned="false") == [direct.number, pooled.number]


async def test_campaign_filter_includes_numbers_of_the_campaigns_pools(
    owner: LoggedIn, session: AsyncSession
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id, campaign_id=campaign.id)
    await create_pool(session, account_id=owner.account_id)
    pooled = await create_number(session, account_id=owner.account_id, pool_id=pool.id)
    await create_number(session, account_id=owner.account_id)
    assert await _listed(owner, campaign_id=str(campaign.id)) == [pooled.number]


async def test_search_matches_digits_and_friendly_name(owner: LoggedIn, session: AsyncSession) -> None:
    account_id = owner.account_id
    await create_number(session, account_id=account_id, number="+14155550120", friendly_name="Radio 100%")
    await create_number(session, account_id=account_id, number="+12125550121", friendly_name="Billboard")
    assert await _listed(owner, q="(415) 555") == ["+14155550120"]
    assert await _listed(owner, q="billb") == ["+12125550121"]
    assert await _listed(owner, q="100%") == ["+14155550120"]
    assert await _listed(owner, q="o%") == []  # % is literal, not a wildcard


async def test_numbers_are_sorted_and_paginated(owner: LoggedIn, session: AsyncSession) -> None:
    created = [
        await create_number(session, account_id=owner.account_id, number=n)
        for n in ("+14155550133", "+14155550131", "+14155550132")
    ]
    response = await owner.client.get("/api/numbers", params={"limit": 2, "offset": 1})
    assert response.json()["total"] == 3
    assert [i["number"] for i in response.json()["items"]] == ["+14155550132", "+14155550133"]
    assert await _listed(owner, sort="-number") == ["+14155550133", "+14155550132", "+14155550131"]
    assert len(await _listed(owner, sort="created_at")) == len(created)


async def test_unknown_sort_field_is_a_field_error(owner: LoggedIn) -> None:
    response = await owner.client.get("/api/numbers", params={"sort": "provider_sid"})
    assert _fields(response) == ["sort"]


async def test_nul_in_search_is_a_field_error(owner: LoggedIn) -> None:
    response = await owner.client.get("/api/numbers", params={"q": "a\x00b"})
    assert _fields(response) == ["q"]


async def test_reporting_user_reads_numbers_but_cannot_change_them(
    app, owner: LoggedIn, session: AsyncSession
) -> None:
    reporter = await create_user(session, account_id=owner.account_id, role=Role.REPORTING)
    number = await create_number(session, account_id=owner.account_id)
    async with logged_in_client(app, reporter) as logged_in:
        assert (await logged_in.client.get(f"/api/numbers/{number.id}")).status_code == 200
        response = await logged_in.client.post("/api/numbers", json={"number": next_e164()})
    assert response.status_code == 403
