"""Fixtures of the call flow tests: an account, a Twilio emulator that checks every TwiML document
against Twilio's schema, and a recording pixel sink plugged into the call engine."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.accounts import service as accounts
from callcenter.models.accounts import Account
from callcenter.settings import Settings
from tests.calls.conftest import CheckedEmulator
from tests.campaigns.conftest import Tenant, key_client
from tests.campaigns.factories import create_tenant
from tests.flows.factories import RecordedPixels


@pytest.fixture
async def account(session: AsyncSession) -> Account:
    return await accounts.create_account(session, name="Flows Inc")


@pytest.fixture
async def twilio(client: httpx.AsyncClient, settings: Settings) -> AsyncIterator[CheckedEmulator]:
    yield CheckedEmulator(client, public_url=settings.public_url, auth_token=settings.twilio_signing_token())


@pytest.fixture
def pixels(app: FastAPI) -> RecordedPixels:
    """The integrations' pixel sink stand-in: it keeps what the flow queued (the interface is ours)."""
    sink = RecordedPixels()
    app.state.call_engine = dataclasses.replace(app.state.call_engine, pixels=sink)
    return sink


@pytest.fixture
async def tenant(app: FastAPI, session: AsyncSession) -> AsyncIterator[Tenant]:
    """An account driving the API with an API key (no password hashing per test)."""
    auth = await create_tenant(session)
    async with await key_client(app, session, auth) as client:
        yield Tenant(auth, client)


@pytest.fixture
async def other_tenant(app: FastAPI, session: AsyncSession) -> AsyncIterator[Tenant]:
    auth = await create_tenant(session)
    async with await key_client(app, session, auth) as client:
        yield Tenant(auth, client)
