"""Tracking tags API: the snippet, one number source, references, codes, filters."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.buyers import PartyStatus
from tests.config_factories import create_campaign, create_number, create_pool, create_publisher
from tests.factories import LoggedIn


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [d["field"] for d in response.json()["error"]["details"]]


async def test_tag_on_a_pool_gets_a_code_a_snippet_and_the_pools_campaign(
    session: AsyncSession, owner: LoggedIn
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id, campaign_id=campaign.id)

    response = await owner.client.post(
        "/api/tracking-tags",
        json={"name": "Spring landing page", "pool_id": str(pool.id), "selectors": [".phone", "#call"]},
    )

    assert response.status_code == 201, response.text
    tag = response.json()
    assert len(tag["code"]) == 10
    assert (
        tag["script"] == f'<script async src="http://testserver/js/t.js" data-tag="{tag["code"]}"></script>'
    )
    assert tag["campaign_id"] == str(campaign.id)
    assert (tag["number_format"], tag["publisher_param"], tag["custom_params"]) == ("page", "publisher", [])
    assert tag["selectors"] == [".phone", "#call"]
    assert (await owner.client.get(f"/api/tracking-tags/{tag['id']}")).json() == tag


async def test_tag_shows_a_pool_or_a_static_number_never_both_nor_neither(
    session: AsyncSession, owner: LoggedIn
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id)
    number = await create_number(session, account_id=owner.account_id, campaign_id=campaign.id)

    both = {"name": "Both", "pool_id": str(pool.id), "number_id": str(number.id)}
    assert _fields(await owner.client.post("/api/tracking-tags", json=both)) == ["pool_id"]
    assert _fields(await owner.client.post("/api/tracking-tags", json={"name": "None"})) == ["pool_id"]

    static = await owner.client.post(
        "/api/tracking-tags", json={"name": "Static", "number_id": str(number.id)}
    )
    assert static.status_code == 201, static.text
    assert static.json()["campaign_id"] == str(campaign.id)


async def test_a_pool_number_cannot_be_a_static_tag_number(session: AsyncSession, owner: LoggedIn) -> None:
    pool = await create_pool(session, account_id=owner.account_id)
    number = await create_number(session, account_id=owner.account_id, pool_id=pool.id)

    response = await owner.client.post("/api/tracking-tags", json={"name": "x", "number_id": str(number.id)})

    assert _fields(response) == ["number_id"]


async def test_campaign_must_be_the_one_the_numbers_ring(session: AsyncSession, owner: LoggedIn) -> None:
    ringing = await create_campaign(session, account_id=owner.account_id)
    other = await create_campaign(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id, campaign_id=ringing.id)
    body = {"name": "Mismatch", "pool_id": str(pool.id), "campaign_id": str(other.id)}

    assert _fields(await owner.client.post("/api/tracking-tags", json=body)) == ["campaign_id"]

    body["campaign_id"] = str(ringing.id)
    assert (await owner.client.post("/api/tracking-tags", json=body)).status_code == 201


async def test_codes_are_unique_across_accounts_and_names_within_one(
    session: AsyncSession, owner: LoggedIn, other_owner: LoggedIn
) -> None:
    pool = await create_pool(session, account_id=owner.account_id)
    other_pool = await create_pool(session, account_id=other_owner.account_id)
    first = await owner.client.post(
        "/api/tracking-tags", json={"name": "A", "code": "lp-one", "pool_id": str(pool.id)}
    )
    assert first.status_code == 201, first.text

    same_code = {"name": "B", "code": "lp-one", "pool_id": str(other_pool.id)}
    assert _fields(await other_owner.client.post("/api/tracking-tags", json=same_code)) == ["code"]
    same_name = {"name": "A", "pool_id": str(pool.id)}
    assert _fields(await owner.client.post("/api/tracking-tags", json=same_name)) == ["name"]
    same_name_elsewhere = {"name": "A", "pool_id": str(other_pool.id)}
    assert (await other_owner.client.post("/api/tracking-tags", json=same_name_elsewhere)).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "a b"}, "code"),
        ({"code": "abc"}, "code"),
        ({"selectors": [".a", ".a"]}, "selectors"),
        ({"selectors": ["x" * 201]}, "selectors.0"),
        ({"custom_params": ["ok", "not ok"]}, "custom_params.1"),
        ({"number_format": "roman"}, "number_format"),
        ({"publisher_param": ""}, "publisher_param"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_tag_fields_are_422_naming_the_field(
    session: AsyncSession, owner: LoggedIn, body: dict[str, Any], field: str
) -> None:
    pool = await create_pool(session, account_id=owner.account_id)
    response = await owner.client.post(
        "/api/tracking-tags", json={"name": "x", "pool_id": str(pool.id), **body}
    )
    assert _fields(response) == [field]


async def test_archived_publisher_cannot_be_given_to_a_tag(session: AsyncSession, owner: LoggedIn) -> None:
    pool = await create_pool(session, account_id=owner.account_id)
    publisher = await create_publisher(session, account_id=owner.account_id, status=PartyStatus.ARCHIVED)
    body = {"name": "x", "pool_id": str(pool.id), "publisher_id": str(publisher.id)}
    assert _fields(await owner.client.post("/api/tracking-tags", json=body)) == ["publisher_id"]


async def test_tag_update_moves_it_to_a_static_number_and_delete_removes_it(
    session: AsyncSession, owner: LoggedIn
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id)
    number = await create_number(session, account_id=owner.account_id, campaign_id=campaign.id)
    tag = (await owner.client.post("/api/tracking-tags", json={"name": "x", "pool_id": str(pool.id)})).json()

    moved = await owner.client.patch(
        f"/api/tracking-tags/{tag['id']}",
        json={
            "pool_id": None,
            "number_id": str(number.id),
            "number_format": "dashes",
            "publisher_param": None,
        },
    )

    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["pool_id"], body["number_id"], body["campaign_id"]) == (
        None,
        str(number.id),
        str(campaign.id),
    )
    assert (body["number_format"], body["publisher_param"], body["code"]) == ("dashes", None, tag["code"])
    assert _fields(await owner.client.patch(f"/api/tracking-tags/{tag['id']}", json={"name": None})) == [
        "name"
    ]
    assert (await owner.client.delete(f"/api/tracking-tags/{tag['id']}")).status_code == 204
    assert (await owner.client.get(f"/api/tracking-tags/{tag['id']}")).status_code == 404


async def test_tags_list_filters_by_pool_and_text_and_sorts(session: AsyncSession, owner: LoggedIn) -> None:
    first = await create_pool(session, account_id=owner.account_id)
    second = await create_pool(session, account_id=owner.account_id)
    for name, pool in (("Beta", first), ("Alpha", first), ("Gamma", second)):
        created = await owner.client.post("/api/tracking-tags", json={"name": name, "pool_id": str(pool.id)})
        assert created.status_code == 201

    by_pool = (await owner.client.get("/api/tracking-tags", params={"pool_id": str(first.id)})).json()
    assert [t["name"] for t in by_pool["items"]] == ["Alpha", "Beta"]
    by_text = (await owner.client.get("/api/tracking-tags", params={"q": "amm"})).json()
    assert [t["name"] for t in by_text["items"]] == ["Gamma"]
    newest = (await owner.client.get("/api/tracking-tags", params={"sort": "-name"})).json()
    assert [t["name"] for t in newest["items"]] == ["Gamma", "Beta", "Alpha"]
