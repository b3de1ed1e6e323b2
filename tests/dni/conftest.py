"""Fixtures for DNI tests: the Twilio emulator of the call tests, for calls to leased numbers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from callcenter.settings import Settings
from tests.calls.conftest import CheckedEmulator


@pytest.fixture
async def twilio(client: httpx.AsyncClient, settings: Settings) -> AsyncIterator[CheckedEmulator]:
    yield CheckedEmulator(client, public_url=settings.public_url, auth_token=settings.twilio_signing_token())
