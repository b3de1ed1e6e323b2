"""Publishers: unique names, sub ids, archiving instead of deleting, listing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.buyers import PartyStatus
from tests.config_factories import create_publisher
from tests.factories import LoggedIn


def _details(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 422, response.text
    details: list[dict[str, str]] = response.json()["error"]["details"]
    return details


async def test_publisher_is_created_active_with_empty_extras(owner: LoggedIn) -> None:
    response = await owner.client.post("/api/publishers", json={"name": "  Acme Media  "})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["status"], body["sub_ids"], body["email"], body["notes"]) == (
        "Acme Media",
        "active",
        [],
        None,
        "",
    )


async def test_publisher_name_is_unique_per_account(owner: LoggedIn, other_owner: LoggedIn) -> None:
    assert (await owner.client.post("/api/publishers", json={"name": "Acme Media"})).status_code == 201
    again = await owner.client.post("/api/publishers", json={"name": "Acme Media"})
    assert _details(again) == [{"field": "name", "message": "a publisher with this name already exists"}]
    assert (await other_owner.client.post("/api/publishers", json={"name": "Acme Media"})).status_code == 201


async def test_renaming_onto_another_publishers_name_is_a_field_error(
    owner: LoggedIn, session: AsyncSession
) -> None:
    await create_publisher(session, account_id=owner.account_id, name="Acme Media")
    other = await create_publisher(session, account_id=owner.account_id, name="Beta Leads")
    response = await owner.client.patch(f"/api/publishers/{other.id}", json={"name": "Acme Media"})
    assert [d["field"] for d in _details(response)] == ["name"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "bad\x00name"}, "name"),
        ({"name": "P", "email": "not-an-email"}, "email"),
        ({"name": "P", "status": "deleted"}, "status"),
        ({"name": "P", "sub_ids": ["sub1", "sub1"]}, "sub_ids"),
        ({"name": "P", "sub_ids": ["x" * 65]}, "sub_ids.0"),
        ({"name": "P", "sub_ids": [" "]}, "sub_ids.0"),
        ({"name": "P", "notes": "n" * 5001}, "notes"),
    ],
)
async def test_invalid_publisher_fields_are_field_errors(
    owner: LoggedIn, body: dict[str, Any], field: str
) -> None:
    response = await owner.client.post("/api/publishers", json=body)
    assert [d["field"] for d in _details(response)] == [field]


async def test_sub_ids_are_kept_in_order(owner: LoggedIn) -> None:
    response = await owner.client.post("/api/publishers", json={"name": "P", "sub_ids": ["sub2", " sub1 "]})
    assert response.json()["sub_ids"] == ["sub2", "sub1"]


async def test_patch_changes_only_the_given_fields(owner: LoggedIn, session: AsyncSession) -> None:
    publisher = await create_publisher(
        session, account_id=owner.account_id, email="ops@acme.example", sub_ids=["s1"], notes="net 30"
    )
    response = await owner.client.patch(f"/api/publishers/{publisher.id}", json={"status": "paused"})
    body = response.json()
    assert (body["status"], body["email"], body["sub_ids"], body["notes"]) == (
        "paused",
        "ops@acme.example",
        ["s1"],
        "net 30",
    )
    cleared = await owner.client.patch(f"/api/publishers/{publisher.id}", json={"email": None})
    assert cleared.json()["email"] is None


@pytest.mark.parametrize("field", ["name", "status", "sub_ids", "notes"])
async def test_null_cannot_clear_a_required_publisher_field(
    owner: LoggedIn, session: AsyncSession, field: str
) -> None:
    publisher = await create_publisher(session, account_id=owner.account_id)
    response = await owner.client.patch(f"/api/publishers/{publisher.id}", json={field: None})
    assert [d["field"] for d in _details(response)] == [field]


async def test_deleting_a_publisher_archives_it(owner: LoggedIn, session: AsyncSession) -> None:
    publisher = await create_publisher(session, account_id=owner.account_id, name="Gone Media")
    assert (await owner.client.delete(f"/api/publishers/{publisher.id}")).status_code == 204
    kept = await owner.client.get(f"/api/publishers/{publisher.id}")
    assert kept.status_code == 200
    assert kept.json()["status"] == "archived"
    default_list = await owner.client.get("/api/publishers")
    assert str(publisher.id) not in {i["id"] for i in default_list.json()["items"]}
    archived = await owner.client.get("/api/publishers", params={"status": "archived"})
    assert [i["id"] for i in archived.json()["items"]] == [str(publisher.id)]


async def test_archived_publisher_is_restored_by_patching_its_status(
    owner: LoggedIn, session: AsyncSession
) -> None:
    publisher = await create_publisher(session, account_id=owner.account_id, status=PartyStatus.ARCHIVED)
    response = await owner.client.patch(f"/api/publishers/{publisher.id}", json={"status": "active"})
    assert response.json()["status"] == "active"
    listed = await owner.client.get("/api/publishers")
    assert [i["id"] for i in listed.json()["items"]] == [str(publisher.id)]


async def test_archived_publisher_still_holds_its_name(owner: LoggedIn, session: AsyncSession) -> None:
    await create_publisher(
        session, account_id=owner.account_id, name="Old Media", status=PartyStatus.ARCHIVED
    )
    response = await owner.client.post("/api/publishers", json={"name": "Old Media"})
    assert [d["field"] for d in _details(response)] == ["name"]


async def test_publishers_are_filtered_sorted_and_paginated(owner: LoggedIn, session: AsyncSession) -> None:
    account_id = owner.account_id
    await create_publisher(session, account_id=account_id, name="Beta Leads", email="team@beta.example")
    await create_publisher(session, account_id=account_id, name="Acme Media", status=PartyStatus.PAUSED)
    await create_publisher(session, account_id=account_id, name="Cobalt_Calls")

    async def names(**params: Any) -> list[str]:
        response = await owner.client.get("/api/publishers", params=params)
        assert response.status_code == 200, response.text
        return [item["name"] for item in response.json()["items"]]

    assert await names() == ["Acme Media", "Beta Leads", "Cobalt_Calls"]
    assert await names(sort="-name", limit=2) == ["Cobalt_Calls", "Beta Leads"]
    assert await names(offset=1, limit=1) == ["Beta Leads"]
    assert await names(status="paused") == ["Acme Media"]
    assert await names(q="BETA.EX") == ["Beta Leads"]
    assert await names(q="t_c") == ["Cobalt_Calls"]
    assert (await owner.client.get("/api/publishers", params={"limit": 1})).json()["total"] == 3


async def test_unknown_publisher_sort_is_a_field_error(owner: LoggedIn) -> None:
    response = await owner.client.get("/api/publishers", params={"sort": "email"})
    assert [d["field"] for d in _details(response)] == ["sort"]
