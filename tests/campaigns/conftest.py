"""Fixtures of the campaign tests: accounts that drive the API with an API key.

Logging in hashes and verifies a password (argon2) for every test; an API key costs a SHA-256, so the
many API tests of this folder stay fast. Cookie sessions and the CSRF guard are covered by the auth tests
and the cross-tenant suite, which still use the logged-in ``owner``.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth import service as auth_service
from callcenter.auth.context import AuthContext
from callcenter.auth.schemas import ApiKeyCreate
from callcenter.models.accounts import Role
from tests.campaigns.factories import create_tenant
from tests.factories import api_client


@dataclass
class Tenant:
    """An account, its owner's auth context (for calling services) and an API client acting for it."""

    auth: AuthContext
    client: httpx.AsyncClient

    @property
    def account_id(self) -> uuid.UUID:
        return self.auth.account_id


async def key_client(
    app: FastAPI, session: AsyncSession, auth: AuthContext, *, role: Role = Role.OWNER
) -> httpx.AsyncClient:
    _, key = await auth_service.create_api_key(session, auth, ApiKeyCreate(name="tests", role=role))
    return api_client(app, headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
async def tenant(app: FastAPI, session: AsyncSession) -> AsyncIterator[Tenant]:
    auth = await create_tenant(session)
    async with await key_client(app, session, auth) as client:
        yield Tenant(auth, client)


@pytest.fixture
async def other_tenant(app: FastAPI, session: AsyncSession) -> AsyncIterator[Tenant]:
    auth = await create_tenant(session)
    async with await key_client(app, session, auth) as client:
        yield Tenant(auth, client)
