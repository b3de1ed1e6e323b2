"""Twilio numbers from inside the product, against a loopback Twilio built from its REST contract: search,
buy with both webhook URLs set (pool numbers on the pool webhook), configure, import, release."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.calls import Call
from callcenter.settings import Settings
from tests.calls.conftest import CheckedEmulator
from tests.config_factories import create_campaign, create_pool
from tests.factories import LoggedIn
from tests.integrations.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio, available, serve
from tests.twiml import assert_valid_twiml

SF = ("+14155550151", "+14155550152", "+14155550153")
NY = "+12125550161"
TOLL_FREE = "+18885550171"


@pytest.fixture
async def twilio_api() -> AsyncIterator[FakeTwilio]:
    fake = FakeTwilio(
        local=[*(available(n) for n in SF), available(NY, region="NY", locality="New York")],
        toll_free=[available(TOLL_FREE, toll_free=True)],
    )
    async with serve(fake):
        yield fake


@pytest.fixture
def settings(settings: Settings, twilio_api: FakeTwilio) -> Settings:
    return settings.model_copy(
        update={
            "twilio_account_sid": ACCOUNT_SID,
            "twilio_auth_token": SecretStr(AUTH_TOKEN),
            "twilio_api_url": twilio_api.url,
        }
    )


async def _buy(owner: LoggedIn, number: str, **fields: Any) -> dict[str, Any]:
    response = await owner.client.post("/api/telephony/numbers", json={"phone_number": number, **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_search_filters_by_area_code_digits_region_and_toll_free(
    owner: LoggedIn, twilio_api: FakeTwilio
) -> None:
    response = await owner.client.get(
        "/api/telephony/available-numbers",
        params={"area_code": 415, "contains": "55501", "region": "ca", "limit": 2},
    )
    assert response.status_code == 200, response.text
    found = response.json()
    assert [n["phone_number"] for n in found["items"]] == list(SF[:2])
    assert found["items"][0] | {"phone_number": None} == {
        "id": None,
        "sid": None,
        "phone_number": None,
        "friendly_name": "(415) 555-0151",
        "region": "CA",
        "locality": "San Francisco",
        "postal_code": "94103",
        "iso_country": "US",
        "capabilities": {"voice": True, "SMS": True, "MMS": False},
        "voice_url": None,
    }
    assert twilio_api.searches[-1] == {
        "kind": "Local",
        "AreaCode": "415",
        "Contains": "55501",
        "InRegion": "CA",
        "VoiceEnabled": "true",
        "PageSize": "2",
    }
    toll_free = await owner.client.get("/api/telephony/available-numbers", params={"toll_free": True})
    assert [n["phone_number"] for n in toll_free.json()["items"]] == [TOLL_FREE]
    assert twilio_api.searches[-1]["kind"] == "TollFree"
    assert (
        await owner.client.get("/api/telephony/available-numbers", params={"area_code": 12})
    ).status_code == 422


async def test_buying_a_number_sets_its_voice_status_and_fallback_urls_and_it_takes_calls(
    session: AsyncSession, owner: LoggedIn, twilio_api: FakeTwilio, twilio: CheckedEmulator
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    bought = await _buy(owner, SF[0], campaign_id=str(campaign.id), friendly_name="Billboard")
    record = twilio_api.by_number(SF[0])
    assert record is not None
    assert bought["provider_sid"] == record["sid"]
    assert (bought["campaign_id"], bought["friendly_name"]) == (str(campaign.id), "Billboard")
    assert {key: record[key] for key in ("voice_url", "status_callback", "voice_fallback_url")} == {
        "voice_url": "http://testserver/api/webhooks/voice",
        "status_callback": "http://testserver/api/webhooks/status",
        "voice_fallback_url": "http://testserver/api/webhooks/fallback",
    }
    assert {record[k] for k in ("voice_method", "status_callback_method", "voice_fallback_method")} == {
        "POST"
    }

    transcript = await twilio.call(to=SF[0], from_="+12125550123", voice_path=record["voice_url"])
    call = (await session.scalars(select(Call).where(Call.call_sid == transcript.call_sid))).one()
    assert call.campaign_id == campaign.id


async def test_a_pool_number_points_at_its_pool_webhook(
    session: AsyncSession, owner: LoggedIn, twilio_api: FakeTwilio, twilio: CheckedEmulator
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id, campaign_id=campaign.id)
    bought = await _buy(owner, SF[1], pool_id=str(pool.id))
    record = twilio_api.by_number(SF[1])
    assert record is not None
    assert bought["pool_id"] == str(pool.id)
    assert record["voice_url"] == f"http://testserver/api/webhooks/pool/{pool.id}/voice"
    assert record["status_callback"] == "http://testserver/api/webhooks/status"

    transcript = await twilio.call(to=SF[1], from_="+12125550123", voice_path=record["voice_url"])
    assert transcript.steps[0].status_code == 200
    call = (await session.scalars(select(Call).where(Call.call_sid == transcript.call_sid))).one()
    assert (call.campaign_id, call.pool_id) == (campaign.id, pool.id)


async def test_an_assignment_that_would_be_refused_buys_nothing(
    session: AsyncSession, owner: LoggedIn, other_owner: LoggedIn, twilio_api: FakeTwilio
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id)
    foreign = await create_campaign(session, account_id=other_owner.account_id)
    for fields, field in (
        ({"campaign_id": str(campaign.id), "pool_id": str(pool.id)}, "campaign_id"),
        ({"campaign_id": str(foreign.id)}, "campaign_id"),
    ):
        response = await owner.client.post("/api/telephony/numbers", json={"phone_number": SF[2], **fields})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"][0]["field"] == field
    await _buy(owner, SF[2])
    again = await other_owner.client.post("/api/telephony/numbers", json={"phone_number": SF[2]})
    assert again.status_code == 422  # the number is in the platform already
    assert len(twilio_api.owned) == 1


async def test_a_number_that_is_no_longer_for_sale_is_a_conflict(
    owner: LoggedIn, twilio_api: FakeTwilio
) -> None:
    response = await owner.client.post("/api/telephony/numbers", json={"phone_number": "+14155550199"})
    assert response.status_code == 409, response.text
    assert response.json()["error"]["details"]["twilio_code"] == 21422
    assert (await owner.client.get("/api/numbers")).json()["total"] == 0


async def test_releasing_a_number_gives_it_back_and_unassigns_it_everywhere(
    session: AsyncSession, owner: LoggedIn, twilio_api: FakeTwilio, twilio: CheckedEmulator
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id, campaign_id=campaign.id)
    publisher = (await owner.client.post("/api/publishers", json={"name": "Affiliate"})).json()
    with_calls = await _buy(owner, SF[0], pool_id=str(pool.id), publisher_id=publisher["id"])
    never_called = await _buy(owner, NY, campaign_id=str(campaign.id))
    await twilio.call(to=SF[0], from_="+12125550123", voice_path=twilio_api.by_number(SF[0])["voice_url"])  # type: ignore[index]

    for number in (with_calls, never_called):
        response = await owner.client.post(f"/api/telephony/numbers/{number['id']}/release")
        assert response.status_code == 204, response.text
    assert twilio_api.owned == {}
    kept = (await owner.client.get(f"/api/numbers/{with_calls['id']}")).json()
    assert {k: kept[k] for k in ("campaign_id", "pool_id", "publisher_id", "provider_sid")} == dict.fromkeys(
        ("campaign_id", "pool_id", "publisher_id", "provider_sid")
    )
    assert (await owner.client.get(f"/api/pools/{pool.id}/numbers")).json()["total"] == 0
    assert (await owner.client.get(f"/api/numbers/{never_called['id']}")).status_code == 404

    after = await twilio.call(to=SF[0], from_="+13125550100")
    assert "<Dial" not in after.steps[0].body  # it rings nothing any more
    assert_valid_twiml(after.steps[0].body)
    again = await owner.client.post(f"/api/telephony/numbers/{with_calls['id']}/release")
    assert again.status_code == 409  # no longer a provider number


async def test_configure_points_a_number_moved_into_a_pool_at_the_pool_webhook(
    session: AsyncSession, owner: LoggedIn, twilio_api: FakeTwilio
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    pool = await create_pool(session, account_id=owner.account_id, campaign_id=campaign.id)
    bought = await _buy(owner, SF[0], campaign_id=str(campaign.id))
    moved = await owner.client.patch(
        f"/api/numbers/{bought['id']}", json={"campaign_id": None, "pool_id": str(pool.id)}
    )
    assert moved.status_code == 200, moved.text

    response = await owner.client.post(f"/api/telephony/numbers/{bought['id']}/configure")
    assert response.status_code == 200, response.text
    assert twilio_api.by_number(SF[0])["voice_url"] == f"http://testserver/api/webhooks/pool/{pool.id}/voice"  # type: ignore[index]


async def test_numbers_already_in_the_twilio_account_are_listed_and_imported_but_never_another_accounts(
    owner: LoggedIn, other_owner: LoggedIn, twilio_api: FakeTwilio
) -> None:
    first = twilio_api.add_owned("+14155550181", friendly_name="Old line")
    second = twilio_api.add_owned("+14155550182", voice_url="https://old-platform.example/voice")
    listed = (await owner.client.get("/api/telephony/numbers")).json()["items"]
    assert [(n["phone_number"], n["id"]) for n in listed] == [("+14155550181", None), ("+14155550182", None)]

    imported = await owner.client.post("/api/telephony/numbers/import", json={"sids": [first["sid"]]})
    assert imported.status_code == 200, imported.text
    [number] = imported.json()["items"]
    assert (number["number"], number["friendly_name"], number["provider_sid"]) == (
        "+14155550181",
        "Old line",
        first["sid"],
    )
    assert (number["campaign_id"], number["pool_id"]) == (None, None)
    assert first["voice_url"] == "http://testserver/api/webhooks/voice"
    assert second["voice_url"] == "https://old-platform.example/voice"  # not imported, not touched

    # The other account sees only the number nobody holds, and cannot take the first one.
    theirs = (await other_owner.client.get("/api/telephony/numbers")).json()["items"]
    assert [n["phone_number"] for n in theirs] == ["+14155550182"]
    taken = await other_owner.client.post("/api/telephony/numbers/import", json={"sids": [first["sid"]]})
    assert taken.status_code == 422
    everything = await other_owner.client.post(
        "/api/telephony/numbers/import", json={"all": True, "configure": False}
    )
    assert [n["number"] for n in everything.json()["items"]] == ["+14155550182"]
    assert second["voice_url"] == "https://old-platform.example/voice"
    ours = (await owner.client.get("/api/telephony/numbers")).json()["items"]
    assert [(n["phone_number"], n["id"]) for n in ours] == [("+14155550181", number["id"])]


async def test_without_twilio_credentials_provisioning_is_refused(owner: LoggedIn) -> None:
    settings = owner.app.state.settings
    owner.app.state.settings = settings.model_copy(
        update={"twilio_account_sid": None, "twilio_auth_token": None}
    )
    try:
        response = await owner.client.get("/api/telephony/available-numbers")
    finally:
        owner.app.state.settings = settings
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "telephony_not_configured"
