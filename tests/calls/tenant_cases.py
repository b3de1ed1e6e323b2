"""Cross-tenant cases for the call log."""

from __future__ import annotations

from typing import Any

import httpx

from callcenter.telephony.emulator import TwilioEmulator
from tests.factories import LoggedIn
from tests.tenancy.cases import Check, Probe, TenantCase


async def _create_call(owner: LoggedIn) -> dict[str, Any]:
    """A real call through the webhooks into account A (its configuration made through the API)."""
    client = owner.client
    campaign = (await client.post("/api/campaigns", json={"name": "Tenant calls"})).json()
    await client.patch(f"/api/campaigns/{campaign['id']}", json={"status": "active"})
    buyer = (await client.post("/api/buyers", json={"name": "Tenant buyer"})).json()
    target = (
        await client.post(
            "/api/targets", json={"buyer_id": buyer["id"], "name": "T", "destination": "+14155550142"}
        )
    ).json()
    await client.post(f"/api/campaigns/{campaign['id']}/targets", json={"target_id": target["id"]})
    number = (
        await client.post("/api/numbers", json={"number": "+14155550143", "campaign_id": campaign["id"]})
    ).json()
    transport = client._transport  # the same in-process app
    settings = transport.app.state.settings  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url=settings.public_url) as twilio_client:
        emulator = TwilioEmulator(twilio_client, public_url=settings.public_url, auth_token=settings.twilio_signing_token())
        await emulator.call(to=number["number"], from_="+12125550100")
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
