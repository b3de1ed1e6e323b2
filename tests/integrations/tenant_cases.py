"""Cross-tenant cases for integrations, deliveries, campaign URL parameters, postback tokens and the
telephony provider's numbers.

Account A owns the rows; account B tries to read, list, change and delete them, to point rows of its own
at A's (campaigns, pools, provider numbers), and to see A's numbers in the shared provider account.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from callcenter.integrations.endpoints import number_provider
from callcenter.integrations.provider import NumberProvider, open_provider
from callcenter.settings import Settings
from callcenter.telephony.emulator import TwilioEmulator
from tests.factories import LoggedIn, api_client
from tests.integrations.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio, available
from tests.tenancy.cases import Check, Probe, Row, TenantCase, created
from tests.tenancy.rows import campaign_row, pool_row, target_row

URL = "http://127.0.0.1:9/px"
INTEGRATION = "/api/integrations/{integration_id}"
DELIVERY = "/api/deliveries/{delivery_id}"
PARAMETERS = "/api/campaigns/{campaign_id}/url-parameters"
PARAMETER = PARAMETERS + "/{parameter_id}"
TOKEN = "/api/postback-tokens/{token_id}"
NUMBER = "/api/telephony/numbers/{number_id}"


async def _integration(owner: LoggedIn) -> Row:
    campaign = await campaign_row(owner)
    integration_id = await created(
        owner,
        "/api/integrations",
        {"name": "Hook", "kind": "webhook", "event": "completed", "campaign_id": campaign["id"], "url": URL},
    )
    return {**campaign, "id": integration_id, "integration_id": integration_id}


async def _other_integration(other: LoggedIn) -> Row:
    integration_id = await created(
        other, "/api/integrations", {"name": "B pixel", "event": "completed", "url": URL}
    )
    return {"integration_id": integration_id}


async def _delivery(owner: LoggedIn) -> Row:
    """A delivery of A's: a real call through the webhooks fires A's pixel."""
    campaign_id = (await campaign_row(owner))["campaign_id"]
    await owner.client.patch(f"/api/campaigns/{campaign_id}", json={"status": "active"})
    target = await target_row(owner)
    await created(owner, f"/api/campaigns/{campaign_id}/targets", {"target_id": target["target_id"]})
    await created(owner, "/api/numbers", {"number": "+14155550144", "campaign_id": campaign_id})
    await created(owner, "/api/integrations", {"name": "Pixel", "event": "incoming", "url": URL})
    settings: Settings = owner.app.state.settings
    async with api_client(owner.app) as client:
        emulator = TwilioEmulator(
            client, public_url=settings.public_url, auth_token=settings.twilio_signing_token()
        )
        await emulator.call(to="+14155550144", from_="+12125550100")
    [delivery] = (await owner.client.get("/api/deliveries")).json()["items"]
    return {"id": delivery["id"], "delivery_id": delivery["id"]}


async def _parameter(owner: LoggedIn) -> Row:
    campaign = await campaign_row(owner)
    parameter_id = await created(owner, PARAMETERS.format(**campaign), {"name": "keyword"})
    return {**campaign, "id": parameter_id, "parameter_id": parameter_id}


async def _token(owner: LoggedIn) -> Row:
    campaign = await campaign_row(owner)
    token_id = await created(owner, "/api/postback-tokens", {"name": "Buyer", "campaign_id": campaign["id"]})
    return {**campaign, "id": token_id, "token_id": token_id}


async def _other_token(other: LoggedIn) -> Row:
    return {"token_id": await created(other, "/api/postback-tokens", {"name": "B buyer"})}


def _use_fake_twilio(owner: LoggedIn) -> None:
    """Points the app's provider at an in-process fake of Twilio (the same one for A and B)."""
    fake = FakeTwilio(local=[available("+14155550191"), available("+14155550192")])
    settings: Settings = owner.app.state.settings.model_copy(
        update={"twilio_account_sid": ACCOUNT_SID, "twilio_auth_token": SecretStr(AUTH_TOKEN)}
    )

    async def provider() -> Any:
        provided: NumberProvider
        async for provided in open_provider(settings, transport=fake.transport()):
            yield provided

    owner.app.dependency_overrides[number_provider] = provider


async def _provider_number(owner: LoggedIn) -> Row:
    _use_fake_twilio(owner)
    pool = await pool_row(owner)
    number = await owner.client.post(
        "/api/telephony/numbers", json={"phone_number": "+14155550191", "pool_id": pool["pool_id"]}
    )
    assert number.status_code == 201, number.text
    body = number.json()
    return {**pool, "id": body["id"], "number_id": body["id"], "sid": body["provider_sid"]}


CASES = [
    TenantCase(
        name="integration",
        create=_integration,
        read_path=INTEGRATION,
        list_path="/api/integrations",
        probes=[
            Probe("GET", INTEGRATION, Check.READ),
            Probe("PATCH", INTEGRATION, Check.CHANGE, body={"name": "hijacked", "url": URL + "?x=1"}),
            Probe("DELETE", INTEGRATION, Check.DELETE),
            Probe("GET", "/api/integrations", Check.LIST),
            Probe(
                "POST",
                "/api/integrations",
                Check.CREATE_OWN,
                body={"name": "B hook", "event": "completed", "url": URL},
            ),
            Probe(
                "POST",
                "/api/integrations",
                Check.REFERENCE,
                body=lambda row, _: {
                    "name": "B",
                    "event": "completed",
                    "url": URL,
                    "campaign_id": row["campaign_id"],
                },
            ),
            Probe(
                "PATCH",
                "/api/integrations/{other_integration_id}",
                Check.REFERENCE,
                body=lambda row, _: {"campaign_id": row["campaign_id"]},
            ),
            Probe("POST", INTEGRATION + "/test", Check.CHANGE, body={}),
            Probe("POST", INTEGRATION + "/rotate-secret", Check.CHANGE),
            Probe("POST", INTEGRATION + "/replay-failed", Check.CHANGE),
            Probe("GET", "/api/integration-tokens?campaign_id={campaign_id}", Check.READ),
        ],
        create_other=_other_integration,
        other_read_path="/api/integrations/{other_integration_id}",
    ),
    TenantCase(
        name="delivery",
        create=_delivery,
        read_path=DELIVERY,
        list_path="/api/deliveries",
        probes=[
            Probe("GET", DELIVERY, Check.READ),
            Probe("GET", "/api/deliveries", Check.LIST),
            Probe("POST", DELIVERY + "/replay", Check.CHANGE),
        ],
    ),
    TenantCase(
        name="campaign_url_parameter",
        create=_parameter,
        read_path=PARAMETERS,
        list_path=PARAMETERS,
        probes=[
            Probe("GET", PARAMETERS, Check.READ),
            Probe("POST", PARAMETERS, Check.CHANGE, body={"name": "hijacked"}),
            Probe("PATCH", PARAMETER, Check.CHANGE, body={"label": "hijacked"}),
            Probe("DELETE", PARAMETER, Check.DELETE),
            # A's parameter through a campaign of B's own.
            Probe(
                "PATCH",
                "/api/campaigns/{other_campaign_id}/url-parameters/{parameter_id}",
                Check.REFERENCE,
                body={"label": "hijacked"},
            ),
        ],
        create_other=campaign_row,
        other_read_path="/api/campaigns/{other_campaign_id}/url-parameters",
    ),
    TenantCase(
        name="postback_token",
        create=_token,
        read_path=TOKEN,
        list_path="/api/postback-tokens",
        probes=[
            Probe("GET", TOKEN, Check.READ),
            Probe("PATCH", TOKEN, Check.CHANGE, body={"name": "hijacked", "active": False}),
            Probe("DELETE", TOKEN, Check.DELETE),
            Probe("GET", TOKEN + "/logs", Check.READ),
            Probe("GET", "/api/postback-tokens", Check.LIST),
            Probe("POST", "/api/postback-tokens", Check.CREATE_OWN, body={"name": "B token"}),
            Probe(
                "POST",
                "/api/postback-tokens",
                Check.REFERENCE,
                body=lambda row, _: {"name": "B", "campaign_id": row["campaign_id"]},
            ),
            Probe(
                "PATCH",
                "/api/postback-tokens/{other_token_id}",
                Check.REFERENCE,
                body=lambda row, _: {"campaign_id": row["campaign_id"]},
            ),
        ],
        create_other=_other_token,
        other_read_path="/api/postback-tokens/{other_token_id}",
    ),
    TenantCase(
        name="provider_number",
        create=_provider_number,
        read_path="/api/numbers/{number_id}",
        list_path="/api/numbers",
        probes=[
            Probe("GET", "/api/telephony/numbers", Check.LIST),
            Probe("GET", "/api/telephony/available-numbers", Check.LIST),
            Probe("POST", NUMBER + "/configure", Check.CHANGE),
            Probe("POST", NUMBER + "/release", Check.DELETE),
            Probe(
                "POST",
                "/api/telephony/numbers",
                Check.REFERENCE,
                body=lambda row, _: {"phone_number": "+14155550192", "pool_id": row["pool_id"]},
            ),
            Probe(
                "POST",
                "/api/telephony/numbers/import",
                Check.REFERENCE,
                body=lambda row, _: {"sids": [row["sid"]]},
            ),
        ],
    ),
]
