"""Inbound conversion postbacks: a buyer's secret URL marks a call converted with an amount, idempotently,
logged, and the conversion survives Twilio's later callbacks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.calls.conftest import CheckedEmulator
from tests.factories import LoggedIn
from tests.integrations.helpers import call_by_sid, deliveries, integration, routed_campaign

CALLER = "+12125550123"


async def _token(owner: LoggedIn, **fields: Any) -> dict[str, Any]:
    response = await owner.client.post("/api/postback-tokens", json={"name": "Buyer A", **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_token_url_is_shown_and_a_get_postback_converts_the_call_with_its_amount(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    _, number = await routed_campaign(session, owner, conversion_seconds=120, payout=Decimal("7"))
    token = await _token(owner)
    assert token["url"] == f"http://testserver/api/postback/{token['token']}"
    transcript = await twilio.call(to=number, from_=CALLER, duration=40)
    call = await call_by_sid(session, transcript.call_sid)
    assert call.converted is False

    response = await client.get(
        f"/api/postback/{token['token']}", params={"call_id": str(call.id), "amount": "42.5"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "outcome": "converted",
        "call_id": str(call.id),
        "revenue": "42.5000",
        "message": "converted",
    }
    call = await call_by_sid(session, transcript.call_sid)
    assert (call.converted, call.revenue, call.payout) == (True, Decimal("42.5"), Decimal("7"))
    detail = (await owner.client.get(f"/api/calls/{call.id}")).json()
    assert "postback" in [event["reason"] for event in detail["journey"]]


async def test_post_by_caller_and_time_window_with_form_or_json(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    _, number = await routed_campaign(session, owner, conversion_seconds=120)
    token = await _token(owner)
    first = await twilio.call(to=number, from_=CALLER, duration=10)
    url = f"/api/postback/{token['token']}"

    by_form = await client.post(url, data={"caller": "212-555-0123", "within_minutes": "30", "amount": "12"})
    assert by_form.status_code == 200, by_form.text
    assert by_form.json()["call_id"] == str((await call_by_sid(session, first.call_sid)).id)

    second = await twilio.call(to=number, from_="+13125550100", duration=10)
    by_json = await client.post(url, json={"call_id": second.call_sid, "amount": 9})
    assert by_json.json()["outcome"] == "converted"
    assert (await call_by_sid(session, second.call_sid)).revenue == Decimal("9")


async def test_repeating_a_postback_changes_nothing_and_fires_converted_integrations_once(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    _, number = await routed_campaign(session, owner, conversion_seconds=120)
    await integration(owner, event="converted", url="http://127.0.0.1:9/px?rev={revenue}")
    token = await _token(owner)
    transcript = await twilio.call(to=number, from_=CALLER, duration=30)
    url = f"/api/postback/{token['token']}"
    params = {"call_id": transcript.call_sid, "amount": "15"}

    assert (await client.get(url, params=params)).json()["outcome"] == "converted"
    again = await client.get(url, params=params)
    assert again.json()["outcome"] == "unchanged"
    assert (await client.get(url, params={"call_id": transcript.call_sid})).json()["outcome"] == "unchanged"

    [fired] = await deliveries(session, event="converted")
    assert fired.url == "http://127.0.0.1:9/px?rev=15.00"
    updated = await client.get(url, params={"call_id": transcript.call_sid, "amount": "18"})
    assert updated.json()["revenue"] == "18.0000"
    assert len(await deliveries(session, event="converted")) == 1


async def test_conversion_by_postback_survives_later_twilio_callbacks(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    _, number = await routed_campaign(session, owner, conversion_seconds=120, payout=Decimal("3"))
    token = await _token(owner)
    transcript = await twilio.call(to=number, from_=CALLER, duration=20, send_status=False)
    await client.get(
        f"/api/postback/{token['token']}", params={"call_id": transcript.call_sid, "amount": "30"}
    )

    status = dict(transcript.steps[0].params, CallStatus="completed", CallDuration="25")
    for _ in range(2):
        await twilio.post("/api/webhooks/status", status)
        for step in transcript.callbacks():
            await twilio.post(step.url, step.params)

    call = await call_by_sid(session, transcript.call_sid)
    assert (call.status, call.converted, call.revenue, call.payout) == (
        "completed",
        True,
        Decimal("30"),
        Decimal("3"),
    )


async def test_unknown_calls_bad_input_and_other_campaigns_are_refused_and_logged(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    campaign, number = await routed_campaign(session, owner)
    _, other_number = await routed_campaign(session, owner)
    token = await _token(owner, campaign_id=str(campaign.id))
    url = f"/api/postback/{token['token']}"
    elsewhere = await twilio.call(to=other_number, from_=CALLER, duration=10)

    assert (await client.get(url, params={"call_id": elsewhere.call_sid})).status_code == 404
    assert (await client.get(url, params={"caller": "+13125550100"})).status_code == 404
    invalid = await client.get(url, params={"call_id": elsewhere.call_sid, "amount": "-3"})
    assert invalid.status_code == 422
    assert "amount" in invalid.json()["error"]["message"]
    assert (await client.get(url)).status_code == 422
    assert (
        await client.get("/api/postback/not-a-token", params={"call_id": elsewhere.call_sid})
    ).status_code == 404
    await twilio.call(to=number, from_=CALLER, duration=10)
    assert (await client.get(url, params={"caller": CALLER, "within_minutes": "5"})).status_code == 200

    logs = (await owner.client.get(f"/api/postback-tokens/{token['id']}/logs")).json()
    assert [log["outcome"] for log in reversed(logs["items"])] == [
        "not_found",
        "not_found",
        "invalid",
        "invalid",
        "converted",
    ]
    assert logs["items"][-1]["params"] == {"call_id": elsewhere.call_sid}


async def test_a_switched_off_token_converts_nothing(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    _, number = await routed_campaign(session, owner)
    token = await _token(owner)
    patched = await owner.client.patch(f"/api/postback-tokens/{token['id']}", json={"active": False})
    assert patched.json()["active"] is False
    transcript = await twilio.call(to=number, from_=CALLER, duration=10)
    response = await client.get(f"/api/postback/{token['token']}", params={"call_id": transcript.call_sid})
    assert response.status_code == 404
    assert (await call_by_sid(session, transcript.call_sid)).converted is False
