"""Concurrent requests on separate connections: the database, not the code path, keeps pools exclusive."""

from __future__ import annotations

import asyncio

from tests.factories import LoggedIn

ROUNDS = 20


async def _created(owner: LoggedIn, path: str, body: dict[str, object]) -> str:
    response = await owner.client.post(path, json=body)
    assert response.status_code == 201, response.text
    row_id: str = response.json()["id"]
    return row_id


async def test_number_raced_into_two_pools_lands_in_exactly_one(committed_owner: LoggedIn) -> None:
    owner = committed_owner
    for round_ in range(ROUNDS):
        pools = [await _created(owner, "/api/pools", {"name": f"Race {round_} {side}"}) for side in "AB"]
        number_id = await _created(owner, "/api/numbers", {"number": f"+1212555{round_:04d}"})
        responses = await asyncio.gather(
            *(
                owner.client.post(f"/api/pools/{pool}/numbers", json={"number_ids": [number_id]})
                for pool in pools
            )
        )
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        winner = pools[[r.status_code for r in responses].index(200)]
        number = (await owner.client.get(f"/api/numbers/{number_id}")).json()
        assert number["pool_id"] == winner
        members = [(await owner.client.get(f"/api/pools/{pool}/numbers")).json()["total"] for pool in pools]
        assert sorted(members) == [0, 1]


async def test_pool_name_raced_twice_is_created_once(committed_owner: LoggedIn) -> None:
    owner = committed_owner
    for round_ in range(ROUNDS // 2):
        body = {"name": f"Twin {round_}"}
        responses = await asyncio.gather(*(owner.client.post("/api/pools", json=body) for _ in range(2)))
        assert sorted(r.status_code for r in responses) == [201, 422], [r.text for r in responses]
        refused = next(r for r in responses if r.status_code == 422)
        assert [d["field"] for d in refused.json()["error"]["details"]] == ["name"]
    listed = await owner.client.get("/api/pools", params={"q": "Twin"})
    assert listed.json()["total"] == ROUNDS // 2
