"""A Twilio emulator pointed at the app, for report tests that make real calls through the webhooks."""

from __future__ import annotations

import httpx
import pytest

from callcenter.settings import Settings
from callcenter.telephony.emulator import TwilioEmulator


@pytest.fixture
def twilio(client: httpx.AsyncClient, settings: Settings) -> TwilioEmulator:
    return TwilioEmulator(client, public_url=settings.public_url, auth_token=settings.twilio_signing_token())
