"""Cross-tenant cases for the call log."""

from __future__ import annotations

from callcenter.settings import Settings
from callcenter.telephony.emulator import TwilioEmulator
from tests.factories import LoggedIn, api_client
from tests.tenancy.cases import Check, Probe, Row, TenantCase, created
from tests.tenancy.rows import campaign_row, target_row


async def _create_call(owner: LoggedIn) -> Row:
    """A real call through the webhooks into account A (its configuration made through the API)."""
    client = owner.client
    campaign_id = (await campaign_row(owner))["campaign_id"]
    await client.patch(f"/api/campaigns/{campaign_id}", json={"status": "active"})
    target = await target_row(owner)
    await created(owner, f"/api/campaigns/{campaign_id}/targets", {"target_id": target["target_id"]})
    number = "+14155550143"
    await created(owner, "/api/numbers", {"number": number, "campaign_id": campaign_id})
    settings: Settings = owner.app.state.settings
    async with api_client(owner.app) as twilio_client:
        emulator = TwilioEmulator(
            twilio_client, public_url=settings.public_url, auth_token=settings.twilio_signing_token()
        )
        await emulator.call(to=number, from_="+12125550100")
    calls = (await client.get("/api/calls")).json()["items"]
    assert len(calls) == 1, calls
    return {"id": calls[0]["id"], "call_id": calls[0]["id"]}


CASES = [
    TenantCase(
        name="call",
        create=_create_call,
        read_path="/api/calls/{call_id}",
        list_path="/api/calls",
        probes=[
            Probe("GET", "/api/calls/{call_id}", Check.READ),
            Probe("GET", "/api/calls", Check.LIST),
        ],
    )
]
