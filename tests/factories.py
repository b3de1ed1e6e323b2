"""Keyword-only factories for test data, and logging a user in through the real API."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.accounts import service as accounts
from callcenter.models.accounts import Role, User

DEFAULT_PASSWORD = "correct horse battery"
CSRF = {"X-Requested-With": "XMLHttpRequest"}


@dataclass
class LoggedIn:
    user: User
    password: str
    client: httpx.AsyncClient
    app: FastAPI
    """The app ``client`` talks to, for tests that need its state or a second client of their own."""

    @property
    def account_id(self) -> uuid.UUID:
        return self.user.account_id


async def create_account_with_user(
    session: AsyncSession,
    *,
    account_name: str = "Acme Calls",
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    role: Role = Role.OWNER,
) -> User:
    account = await accounts.create_account(session, name=account_name)
    return await create_user(session, account_id=account.id, email=email, password=password, role=role)


async def create_user(
    session: AsyncSession,
    *,
    account_id: uuid.UUID,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    role: Role = Role.MANAGER,
) -> User:
    email = email or f"user-{uuid.uuid4().hex[:10]}@example.com"
    return await accounts.add_user(session, account_id, email=email, password=password, role=role)


def api_client(app: FastAPI, **kwargs: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        **kwargs,  # type: ignore[arg-type]
    )


@asynccontextmanager
async def logged_in_client(
    app: FastAPI, user: User, *, password: str = DEFAULT_PASSWORD
) -> AsyncIterator[LoggedIn]:
    """A client whose cookie jar holds the user's session and which sends the CSRF header."""
    async with api_client(app, headers=CSRF) as client:
        response = await client.post("/api/auth/login", json={"email": user.email, "password": password})
        assert response.status_code == 200, response.text
        yield LoggedIn(user=user, password=password, client=client, app=app)
