"""API keys: created once-visible, stored hashed, usable as Bearer, dead once revoked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.tokens import digest
from callcenter.models.accounts import ApiKey
from tests.factories import LoggedIn, api_client


async def test_created_key_authenticates_as_bearer_and_is_stored_hashed(
    app, owner: LoggedIn, session: AsyncSession
) -> None:
    created = await owner.client.post("/api/api-keys", json={"name": "reporting script"})
    assert created.status_code == 201
    key = created.json()["key"]
    stored = (await session.scalars(select(ApiKey))).one()
    assert stored.key_hash == digest(key)
    assert key not in {stored.key_hash, stored.prefix}
    async with api_client(app, headers={"Authorization": f"Bearer {key}"}) as client:
        response = await client.get("/api/api-keys")
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["items"]] == ["reporting script"]
    assert "key" not in response.json()["items"][0]


async def test_bearer_requests_need_no_csrf_header(app, owner: LoggedIn) -> None:
    key = (await owner.client.post("/api/api-keys", json={"name": "automation"})).json()["key"]
    async with api_client(app, headers={"Authorization": f"Bearer {key}"}) as client:
        response = await client.post("/api/api-keys", json={"name": "second"})
    assert response.status_code == 201


async def test_revoked_key_gets_401(app, owner: LoggedIn) -> None:
    created = (await owner.client.post("/api/api-keys", json={"name": "temporary"})).json()
    revoked = await owner.client.delete(f"/api/api-keys/{created['id']}")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    async with api_client(app, headers={"Authorization": f"Bearer {created['key']}"}) as client:
        response = await client.get("/api/api-keys")
    assert response.status_code == 401


async def test_unknown_key_gets_401(app) -> None:
    async with api_client(app, headers={"Authorization": "Bearer ccp_made_up"}) as client:
        assert (await client.get("/api/api-keys")).status_code == 401


async def test_key_role_cannot_exceed_creator_role(app, owner: LoggedIn) -> None:
    key = (await owner.client.post("/api/api-keys", json={"name": "ro", "role": "admin"})).json()["key"]
    async with api_client(app, headers={"Authorization": f"Bearer {key}"}) as client:
        response = await client.post("/api/api-keys", json={"name": "escalate", "role": "owner"})
    assert response.status_code == 403


async def test_reporting_key_cannot_manage_keys(app, owner: LoggedIn) -> None:
    key = (await owner.client.post("/api/api-keys", json={"name": "ro", "role": "reporting"})).json()["key"]
    async with api_client(app, headers={"Authorization": f"Bearer {key}"}) as client:
        assert (await client.get("/api/api-keys")).status_code == 403
