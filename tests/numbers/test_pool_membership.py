"""Adding numbers to a pool: all or nothing, never taking a number from another pool or a campaign."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from tests.config_factories import create_campaign, create_number, create_pool
from tests.factories import LoggedIn


async def _pool_of(owner: LoggedIn, number_id: uuid.UUID) -> str | None:
    response = await owner.client.get(f"/api/numbers/{number_id}")
    assert response.status_code == 200, response.text
    pool_id: str | None = response.json()["pool_id"]
    return pool_id


async def test_added_numbers_join_the_pool(owner: LoggedIn, session: AsyncSession) -> None:
    pool = await create_pool(session, account_id=owner.account_id)
    numbers = [
        await create_number(session, account_id=owner.account_id, number=n)
        for n in ("+14155550151", "+14155550150")
    ]
    response = await owner.client.post(
        f"/api/pools/{pool.id}/numbers", json={"number_ids": [str(n.id) for n in numbers]}
    )
    assert response.status_code == 200, response.text
    assert [i["number"] for i in response.json()["items"]] == ["+14155550150", "+14155550151"]
    assert {i["pool_id"] for i in response.json()["items"]} == {str(pool.id)}
    members = await owner.client.get(f"/api/pools/{pool.id}/numbers")
    assert members.json()["total"] == 2
    assert [i["number"] for i in members.json()["items"]] == ["+14155550150", "+14155550151"]


async def test_adding_a_number_already_in_the_pool_changes_nothing(
    owner: LoggedIn, session: AsyncSession
) -> None:
    pool = await create_pool(session, account_id=owner.account_id)
    inside = await create_number(session, account_id=owner.account_id, pool_id=pool.id)
    new = await create_number(session, account_id=owner.account_id)
    body = {"number_ids": [str(inside.id), str(new.id), str(new.id)]}
    first = await owner.client.post(f"/api/pools/{pool.id}/numbers", json=body)
    again = await owner.client.post(f"/api/pools/{pool.id}/numbers", json=body)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["total"] == 2
    assert (await owner.client.get(f"/api/pools/{pool.id}/numbers")).json()["total"] == 2


async def test_unknown_number_fails_the_whole_add(owner: LoggedIn, session: AsyncSession) -> None:
    pool = await create_pool(session, account_id=owner.account_id)
    mine = await create_number(session, account_id=owner.account_id)
    unknown = uuid.uuid4()
    response = await owner.client.post(
        f"/api/pools/{pool.id}/numbers", json={"number_ids": [str(mine.id), str(unknown)]}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "number_ids", "message": "numbers not found: 1 of 2"}
    ]
    assert await _pool_of(owner, mine.id) is None


async def test_number_of_another_account_cannot_join_a_pool(
    owner: LoggedIn, other_owner: LoggedIn, session: AsyncSession
) -> None:
    theirs = await create_number(session, account_id=owner.account_id)
    my_pool = await create_pool(session, account_id=other_owner.account_id)
    response = await other_owner.client.post(
        f"/api/pools/{my_pool.id}/numbers", json={"number_ids": [str(theirs.id)]}
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["number_ids"]
    assert str(theirs.id) not in response.text and theirs.number not in response.text
    assert await _pool_of(owner, theirs.id) is None


async def test_number_in_another_pool_is_a_conflict_and_nothing_changes(
    owner: LoggedIn, session: AsyncSession
) -> None:
    other_pool = await create_pool(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id)
    taken = await create_number(
        session, account_id=owner.account_id, number="+14155550160", pool_id=other_pool.id
    )
    free = await create_number(session, account_id=owner.account_id)
    response = await owner.client.post(
        f"/api/pools/{pool.id}/numbers", json={"number_ids": [str(free.id), str(taken.id)]}
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert error["details"] == {"numbers": ["+14155550160"]}
    assert "+14155550160" in error["message"]
    assert await _pool_of(owner, free.id) is None
    assert await _pool_of(owner, taken.id) == str(other_pool.id)


async def test_number_on_a_campaign_cannot_join_a_pool(owner: LoggedIn, session: AsyncSession) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id)
    direct = await create_number(
        session, account_id=owner.account_id, number="+14155550161", campaign_id=campaign.id
    )
    response = await owner.client.post(f"/api/pools/{pool.id}/numbers", json={"number_ids": [str(direct.id)]})
    assert response.status_code == 409
    assert response.json()["error"]["details"] == {"numbers": ["+14155550161"]}


async def test_empty_number_list_is_a_field_error(owner: LoggedIn, session: AsyncSession) -> None:
    pool = await create_pool(session, account_id=owner.account_id)
    response = await owner.client.post(f"/api/pools/{pool.id}/numbers", json={"number_ids": []})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["number_ids"]


async def test_removed_number_leaves_the_pool(owner: LoggedIn, session: AsyncSession) -> None:
    pool = await create_pool(session, account_id=owner.account_id)
    number = await create_number(session, account_id=owner.account_id, pool_id=pool.id)
    assert (await owner.client.delete(f"/api/pools/{pool.id}/numbers/{number.id}")).status_code == 204
    assert await _pool_of(owner, number.id) is None
    assert (await owner.client.delete(f"/api/pools/{pool.id}/numbers/{number.id}")).status_code == 404


async def test_removing_a_number_of_another_pool_is_not_found(owner: LoggedIn, session: AsyncSession) -> None:
    pool = await create_pool(session, account_id=owner.account_id)
    other_pool = await create_pool(session, account_id=owner.account_id)
    number = await create_number(session, account_id=owner.account_id, pool_id=other_pool.id)
    assert (await owner.client.delete(f"/api/pools/{pool.id}/numbers/{number.id}")).status_code == 404
    assert await _pool_of(owner, number.id) == str(other_pool.id)


async def test_members_of_a_missing_pool_are_not_found(owner: LoggedIn) -> None:
    assert (await owner.client.get(f"/api/pools/{uuid.uuid4()}/numbers")).status_code == 404
