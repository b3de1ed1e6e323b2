"""Whole calls through signed webhooks: routing, fall-through, fallback, settlement, journey."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.accounts import Account
from callcenter.models.calls import Call, CallEvent
from tests.calls.factories import make_campaign, make_number, make_target, next_e164

CALLER = "+12125550123"


async def _call_record(session: AsyncSession, call_sid: str) -> Call:
    return (await session.scalars(select(Call).where(Call.call_sid == call_sid))).one()


async def _journey(session: AsyncSession, call: Call) -> list[CallEvent]:
    return list(
        await session.scalars(select(CallEvent).where(CallEvent.call_id == call.id).order_by(CallEvent.seq))
    )


async def test_answered_call_is_connected_converted_and_paid(session, account: Account, twilio) -> None:
    campaign = await make_campaign(
        session, account_id=account.id, payout=Decimal("7.50"), conversion_seconds=60
    )
    target = await make_target(session, campaign=campaign, revenue=Decimal("30.25"))
    number = await make_number(session, campaign=campaign)

    transcript = await twilio.call(to=number.number, from_=CALLER, outcomes=["answered"], duration=95)

    assert f"<Number>{target.destination}</Number>" in transcript.twiml[0]
    assert "<Hangup" in transcript.twiml[1]
    call = await _call_record(session, transcript.call_sid)
    await session.refresh(call)
    assert (call.status, call.target_id, call.buyer_id) == ("completed", target.id, target.buyer_id)
    assert call.connected_seconds == 95
    assert call.duration_seconds == 100
    assert call.converted is True
    assert (call.revenue, call.payout) == (Decimal("30.2500"), Decimal("7.5000"))
    types = [event.type for event in await _journey(session, call)]
    assert types == ["number_lookup", "routing", "dial", "dial_result", "conversion", "call_ended"]


async def test_short_call_is_not_converted_and_earns_nothing(session, account: Account, twilio) -> None:
    campaign = await make_campaign(session, account_id=account.id, payout=Decimal("5"), conversion_seconds=60)
    await make_target(session, campaign=campaign, revenue=Decimal("20"), conversion_seconds=120)
    number = await make_number(session, campaign=campaign)

    transcript = await twilio.call(to=number.number, from_=CALLER, duration=90)

    call = await _call_record(session, transcript.call_sid)
    await session.refresh(call)
    assert (call.status, call.converted, call.revenue, call.payout) == (
        "completed",
        False,
        Decimal(0),
        Decimal(0),
    )


async def test_no_answer_busy_and_failed_fall_through_to_the_next_target(
    session, account: Account, twilio
) -> None:
    campaign = await make_campaign(session, account_id=account.id, max_attempts=4)
    first = await make_target(session, campaign=campaign, priority=1)
    second = await make_target(session, campaign=campaign, priority=2)
    third = await make_target(session, campaign=campaign, priority=3)
    fourth = await make_target(session, campaign=campaign, priority=4)
    number = await make_number(session, campaign=campaign)

    transcript = await twilio.call(
        to=number.number, from_=CALLER, outcomes=["no-answer", "busy", "failed", "answered"]
    )

    dialed = [t for t in transcript.twiml if "<Dial" in t]
    for document, target in zip(dialed, [first, second, third, fourth], strict=True):
        assert f"<Number>{target.destination}</Number>" in document
    call = await _call_record(session, transcript.call_sid)
    await session.refresh(call)
    assert call.target_id == fourth.id
    results = [
        (e.detail["attempt"], e.reason) for e in await _journey(session, call) if e.type == "dial_result"
    ]
    assert results == [(1, "no_answer"), (2, "busy"), (3, "failed"), (4, None)]


async def test_after_max_attempts_the_caller_reaches_the_fallback_number(
    session, account: Account, twilio
) -> None:
    fallback = next_e164()
    campaign = await make_campaign(session, account_id=account.id, max_attempts=2, fallback_number=fallback)
    for priority in (1, 2, 3):
        await make_target(session, campaign=campaign, priority=priority)
    number = await make_number(session, campaign=campaign)

    transcript = await twilio.call(to=number.number, from_=CALLER, outcomes=["no-answer"])

    assert sum("action=" in t for t in transcript.twiml) == 2
    assert f"<Number>{fallback}</Number>" in transcript.twiml[-1]
    call = await _call_record(session, transcript.call_sid)
    await session.refresh(call)
    assert call.disposition == "fallback"
    assert call.status == "no_answer"
    assert [e.reason for e in await _journey(session, call) if e.type == "fallback"] == ["max_attempts"]


async def test_without_fallback_number_the_caller_hears_the_closed_message(
    session, account: Account, twilio
) -> None:
    campaign = await make_campaign(
        session, account_id=account.id, max_attempts=1, closed_message="We are closed, call tomorrow."
    )
    await make_target(session, campaign=campaign)
    number = await make_number(session, campaign=campaign)

    transcript = await twilio.call(to=number.number, from_=CALLER, outcomes=["busy"])

    assert "We are closed, call tomorrow." in transcript.twiml[-1]
    assert "<Hangup" in transcript.twiml[-1]


async def test_inactive_campaign_forwards_to_fallback_and_is_rejected(
    session, account: Account, twilio
) -> None:
    fallback = next_e164()
    campaign = await make_campaign(session, account_id=account.id, status="paused", fallback_number=fallback)
    await make_target(session, campaign=campaign)
    number = await make_number(session, campaign=campaign)

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert f"<Number>{fallback}</Number>" in transcript.twiml[0]
    call = await _call_record(session, transcript.call_sid)
    await session.refresh(call)
    assert call.status == "rejected"
    events = await _journey(session, call)
    assert ("rejected", "campaign_inactive") in [(e.type, e.reason) for e in events]


async def test_unknown_number_hears_a_polite_message_and_is_logged(twilio, caplog) -> None:
    transcript = await twilio.call(to="+14155559999", from_=CALLER, send_status=False)

    assert "not in service" in transcript.twiml[0]
    assert "<Hangup" in transcript.twiml[0]
    assert any("unknown number" in r.getMessage() for r in caplog.records)


async def test_bad_signature_is_403(twilio) -> None:
    response = await twilio.post(
        "/api/webhooks/voice", {"CallSid": "CA1", "From": CALLER, "To": "+14155550100"}, signature="forged"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"


async def test_signature_over_another_url_is_403(twilio) -> None:
    params = {"CallSid": "CA1", "From": CALLER, "To": "+14155550100"}
    from callcenter.telephony.twilio import sign

    signature = sign(twilio.auth_token, "http://attacker.example/api/webhooks/voice", params)
    response = await twilio.post("/api/webhooks/voice", params, signature=signature)
    assert response.status_code == 403


async def test_recording_url_is_stored(session, account: Account, twilio) -> None:
    campaign = await make_campaign(session, account_id=account.id, record_calls=True)
    await make_target(session, campaign=campaign)
    number = await make_number(session, campaign=campaign)

    transcript = await twilio.call(to=number.number, from_=CALLER)
    assert 'record="record-from-answer-dual"' in transcript.twiml[0]
    await twilio.post(
        "/api/webhooks/recording",
        {
            "CallSid": transcript.call_sid,
            "RecordingSid": "RE123",
            "RecordingUrl": "https://api.twilio.com/recordings/RE123",
            "RecordingStatus": "completed",
        },
    )
    call = await _call_record(session, transcript.call_sid)
    await session.refresh(call)
    assert call.recording_url is not None
    assert call.recording_url.startswith("https://api.twilio.com/recordings/RE")


async def test_repeated_voice_webhook_answers_the_same_step_without_a_second_record(
    session, account: Account, twilio
) -> None:
    campaign = await make_campaign(session, account_id=account.id)
    await make_target(session, campaign=campaign)
    number = await make_number(session, campaign=campaign)
    transcript = await twilio.call(to=number.number, from_=CALLER, send_status=False, outcomes=[])
    first = transcript.steps[0]

    again = await twilio.post(first.url, first.params)

    calls = (await session.scalars(select(Call).where(Call.call_sid == transcript.call_sid))).all()
    assert len(calls) == 1
    assert "<Hangup" in again.text or "<Dial" in again.text
