"""Fixtures for integration tests: a loopback receiver, the outbox worker on the test's database with a
clock the test moves, and the Twilio emulator driving calls through the app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from callcenter.app import close_outbound_clients
from callcenter.kit.db import Database
from callcenter.kit.http import OutboundHttp
from callcenter.models.base import utcnow
from callcenter.settings import Settings
from callcenter.worker.outbox import OutboxWorker
from tests.calls.conftest import CheckedEmulator
from tests.integrations.receiver import Receiver, serve


class Clock:
    """The real time plus an offset the test moves forward (retries come due without waiting)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def http() -> AsyncIterator[OutboundHttp]:
    client = OutboundHttp(allow_private=True)
    yield client
    await client.close()


@pytest.fixture
def worker(database: Database, http: OutboundHttp, clock: Clock) -> OutboxWorker:
    return OutboxWorker(database, http, clock=clock)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with serve(Receiver()) as running:
        yield running


@pytest.fixture
async def twilio(client: httpx.AsyncClient, settings: Settings) -> CheckedEmulator:
    return CheckedEmulator(client, public_url=settings.public_url, auth_token=settings.twilio_signing_token())


@pytest.fixture
async def app(app: FastAPI) -> AsyncIterator[FastAPI]:
    """The shared app fixture; its outbound client (opened on first use) is closed after the test, since
    tests run no lifespan."""
    yield app
    await close_outbound_clients(app)
