"""The pool voice webhook and Twilio's fallback URL."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.accounts import Account
from callcenter.models.calls import Call
from callcenter.models.numbers import NumberPool, PhoneNumber
from tests.calls.factories import make_campaign, make_number, make_target, next_e164

CALLER = "+12125550123"


async def _pool_number(
    session: AsyncSession, account: Account, campaign_id
) -> tuple[NumberPool, PhoneNumber]:  # type: ignore[no-untyped-def]
    pool = NumberPool(account_id=account.id, name="Landing pages", campaign_id=campaign_id)
    session.add(pool)
    await session.flush()
    number = PhoneNumber(account_id=account.id, number=next_e164(), pool_id=pool.id)
    session.add(number)
    await session.flush()
    return pool, number


async def test_call_to_a_pool_number_routes_through_the_pools_campaign(
    session, account: Account, twilio
) -> None:
    campaign = await make_campaign(session, account_id=account.id)
    target = await make_target(session, campaign=campaign)
    pool, number = await _pool_number(session, account, campaign.id)

    transcript = await twilio.call(
        to=number.number, from_=CALLER, voice_path=f"/api/webhooks/pool/{pool.id}/voice"
    )

    assert f"<Number>{target.destination}</Number>" in transcript.twiml[0]
    call = (await session.scalars(select(Call).where(Call.call_sid == transcript.call_sid))).one()
    assert (call.campaign_id, call.pool_id, call.number_id) == (campaign.id, pool.id, number.id)


async def test_pool_webhook_refuses_a_number_of_another_pool(session, account: Account, twilio) -> None:
    campaign = await make_campaign(session, account_id=account.id)
    await make_target(session, campaign=campaign)
    pool, _ = await _pool_number(session, account, campaign.id)
    direct = await make_number(session, campaign=campaign)

    transcript = await twilio.call(
        to=direct.number, from_=CALLER, voice_path=f"/api/webhooks/pool/{pool.id}/voice", send_status=False
    )

    assert "not in service" in transcript.twiml[0]


async def test_twilio_fallback_url_forwards_to_the_cached_fallback_number(
    session, account: Account, twilio, app
) -> None:
    fallback = next_e164()
    campaign = await make_campaign(session, account_id=account.id, fallback_number=fallback)
    await make_target(session, campaign=campaign)
    to = (await make_number(session, campaign=campaign)).number
    await twilio.call(to=to, from_=CALLER)

    response = await twilio.post(
        "/api/webhooks/fallback",
        {"CallSid": "CA" + "f" * 32, "From": CALLER, "To": to, "ErrorCode": "11200"},
    )

    assert response.status_code == 200
    assert f"<Number>{fallback}</Number>" in response.text
    assert len(app.state.deferred_calls) == 1  # the call will be written once the writer runs
