"""Twilio callbacks arrive late, twice and out of order: replaying them changes nothing."""

from __future__ import annotations

import random
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.accounts import Account
from callcenter.models.calls import Call, CallAttempt, CallEvent
from tests.calls.factories import make_campaign, make_number, make_target

CALLER = "+12125550123"


async def _snapshot(session: AsyncSession, call_sid: str) -> dict[str, object]:
    session.expire_all()
    call = (await session.scalars(select(Call).where(Call.call_sid == call_sid))).one()
    attempts = (await session.scalars(select(CallAttempt).where(CallAttempt.call_id == call.id))).all()
    events = (await session.scalars(select(CallEvent).where(CallEvent.call_id == call.id))).all()
    return {
        "call": {
            k: getattr(call, k)
            for k in (
                "status",
                "target_id",
                "buyer_id",
                "connected_seconds",
                "duration_seconds",
                "converted",
                "revenue",
                "payout",
                "ended_at",
                "answered_at",
                "recording_url",
                "disposition",
            )
        },
        "attempts": sorted((a.attempt, a.status, a.duration_seconds, a.ended_at) for a in attempts),
        "events": sorted((e.seq, e.key, e.type, e.reason, e.at) for e in events),
    }


async def test_replaying_every_callback_three_times_shuffled_changes_nothing(
    session, account: Account, twilio, live
) -> None:
    campaign = await make_campaign(session, account_id=account.id, payout=Decimal("4"), max_attempts=3)
    for priority in (1, 2, 3):
        await make_target(session, campaign=campaign, priority=priority, revenue=Decimal("18"))
    number = await make_number(session, campaign=campaign)
    transcript = await twilio.call(to=number.number, from_=CALLER, outcomes=["no-answer", "busy", "answered"])
    before = await _snapshot(session, transcript.call_sid)
    assert before["call"]["converted"] is True  # type: ignore[index]

    replays = transcript.callbacks() * 3
    random.Random(7).shuffle(replays)
    for step in replays:
        response = await twilio.post(step.url, step.params)
        assert response.status_code in (200, 204)

    assert await _snapshot(session, transcript.call_sid) == before


async def test_status_before_dial_result_gives_the_same_record(session, account: Account, twilio) -> None:
    campaign = await make_campaign(session, account_id=account.id, payout=Decimal("3"))
    await make_target(session, campaign=campaign, revenue=Decimal("11"))
    to = (await make_number(session, campaign=campaign)).number
    in_order = await twilio.call(to=to, from_=CALLER, duration=80)
    expected = await _snapshot(session, in_order.call_sid)

    # The same call again, with Twilio's final status delivered before the dial result.
    reordered = await twilio.call(to=to, from_="+13125550100", duration=80, send_status=False)
    dial_step = reordered.steps[1]
    status = dict(reordered.steps[0].params, CallStatus="completed", CallDuration="85")
    await twilio.post("/api/webhooks/status", status)
    await twilio.post(dial_step.url, dial_step.params)

    result = await _snapshot(session, reordered.call_sid)
    compared = ("status", "connected_seconds", "duration_seconds", "converted", "revenue", "payout")
    assert [result["call"][k] for k in compared] == [expected["call"][k] for k in compared]  # type: ignore[index]
