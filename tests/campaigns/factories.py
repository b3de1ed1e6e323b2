"""Factories of the campaign tests, on top of the shared ``tests.config_factories``."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.accounts import service as accounts
from callcenter.auth.context import AuthContext, AuthMethod
from callcenter.models.accounts import Role
from callcenter.models.buyers import Target
from tests.config_factories import create_buyer, create_target, unique_name

# Open Monday to Friday 09:00-17:00 in New York.
OFFICE_HOURS: dict[str, Any] = {
    "timezone": "America/New_York",
    "weekly": {day: [{"start": "09:00", "end": "17:00"}] for day in ("mon", "tue", "wed", "thu", "fri")},
}


async def create_tenant(session: AsyncSession) -> AuthContext:
    """An account and an owner's auth context, for calling services directly (no login, no hashing)."""
    account = await accounts.create_account(session, name=unique_name("Account"))
    return AuthContext(account_id=account.id, role=Role.OWNER, method=AuthMethod.SESSION)


async def create_active_target(
    session: AsyncSession, *, account_id: uuid.UUID, schedule: dict[str, Any] | None = None, **fields: Any
) -> Target:
    """A target of a fresh active buyer."""
    buyer = await create_buyer(session, account_id=account_id)
    return await create_target(session, buyer=buyer, schedule=schedule, **fields)


async def post_campaign(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    """Creates a campaign through the API and returns its JSON."""
    response = await client.post("/api/campaigns", json={"name": unique_name("Campaign"), **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
