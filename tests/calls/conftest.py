"""Fixtures for call tests: an account with a Twilio emulator pointed at the app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.accounts import service as accounts
from callcenter.models.accounts import Account
from callcenter.telephony.emulator import Transcript, TwilioEmulator
from tests.twiml import assert_valid_twiml


class CheckedEmulator(TwilioEmulator):
    """The emulator, checking every TwiML document it receives against Twilio's schema."""

    async def call(self, **kwargs):  # type: ignore[no-untyped-def, override]
        transcript: Transcript = await super().call(**kwargs)
        for document in transcript.twiml:
            assert_valid_twiml(document)
        return transcript


@pytest.fixture
async def account(session: AsyncSession) -> Account:
    return await accounts.create_account(session, name="Calls Inc")


@pytest.fixture
async def twilio(client: httpx.AsyncClient, settings) -> AsyncIterator[CheckedEmulator]:  # type: ignore[no-untyped-def]
    yield CheckedEmulator(client, public_url=settings.public_url, auth_token=settings.twilio_signing_token())
