"""Routing rules as a caller experiences them: skipped targets carry their reason in the journey."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls.snapshot import campaign_key, target_key
from callcenter.live import CapScope
from callcenter.models.accounts import Account
from callcenter.models.calls import Call, CallEvent
from callcenter.routing import cap_periods
from tests.calls.factories import make_buyer, make_campaign, make_number, make_target

CALLER = "+12125550123"


async def _rejections(session: AsyncSession, call_sid: str) -> dict[str, str]:
    call = (await session.scalars(select(Call).where(Call.call_sid == call_sid))).one()
    events = await session.scalars(
        select(CallEvent).where(CallEvent.call_id == call.id, CallEvent.type == "target_rejected")
    )
    return {event.detail["target_id"]: event.reason for event in events if event.reason}


def _always_closed_schedule() -> dict[str, Any]:
    return {"timezone": "America/New_York", "weekly": {}, "holidays": []}


def _holiday_today_schedule() -> dict[str, Any]:
    today = dt.datetime.now(dt.UTC).astimezone(ZoneInfo("Pacific/Kiritimati")).date()
    return {
        "timezone": "Pacific/Kiritimati",
        "weekly": {
            d: [{"start": "00:00", "end": "00:00"}] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        },
        "holidays": [today.isoformat()],
    }


@pytest.mark.parametrize(
    ("target_fields", "buyer_fields", "expected"),
    [
        ({"status": "paused"}, {}, "target_inactive"),
        ({}, {"status": "paused"}, "buyer_inactive"),
        ({"schedule": _always_closed_schedule()}, {}, "outside_schedule"),
        ({"allowed_states": ["TX"]}, {}, "state_not_allowed"),
        ({"concurrency_cap": 0}, {}, "target_concurrency_cap"),
        ({"hourly_cap": 0}, {}, "target_hourly_cap"),
        ({"daily_cap": 0}, {}, "target_daily_cap"),
        ({"monthly_cap": 0}, {}, "target_monthly_cap"),
        ({}, {"concurrency_cap": 0}, "buyer_concurrency_cap"),
        ({}, {"daily_cap": 0}, "buyer_daily_cap"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
async def test_ineligible_target_is_skipped_with_its_reason(
    session,
    account: Account,
    twilio,
    target_fields: dict[str, Any],
    buyer_fields: dict[str, Any],
    expected: str,
) -> None:
    campaign = await make_campaign(session, account_id=account.id)
    buyer = await make_buyer(session, account_id=account.id, **buyer_fields)
    skipped = await make_target(session, campaign=campaign, buyer=buyer, priority=1, **target_fields)
    taker = await make_target(session, campaign=campaign, priority=2)
    number = await make_number(session, campaign=campaign)

    transcript = await twilio.call(to=number.number, from_=CALLER, caller_state="CA")

    assert f"<Number>{taker.destination}</Number>" in transcript.twiml[0]
    assert (await _rejections(session, transcript.call_sid))[str(skipped.id)] == expected


async def test_target_on_holiday_is_skipped_as_holiday(session, account: Account, twilio) -> None:
    campaign = await make_campaign(session, account_id=account.id)
    skipped = await make_target(session, campaign=campaign, priority=1, schedule=_holiday_today_schedule())
    await make_target(session, campaign=campaign, priority=2)
    number = await make_number(session, campaign=campaign)

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert (await _rejections(session, transcript.call_sid))[str(skipped.id)] == "holiday"


async def test_round_robin_rotates_exactly(session, account: Account, twilio) -> None:
    campaign = await make_campaign(session, account_id=account.id, routing_strategy="round_robin")
    targets = [await make_target(session, campaign=campaign) for _ in range(3)]
    number = await make_number(session, campaign=campaign)
    destinations = {t.destination for t in targets}

    dialed = []
    for _ in range(6):
        transcript = await twilio.call(to=number.number, from_=CALLER)
        dialed.append(next(d for d in destinations if f"<Number>{d}</Number>" in transcript.twiml[0]))

    assert dialed[:3] == dialed[3:]
    assert set(dialed[:3]) == destinations


async def test_capacity_strategy_prefers_the_target_with_free_slots(
    session, account: Account, twilio, live
) -> None:
    campaign = await make_campaign(session, account_id=account.id, routing_strategy="capacity")
    busy = await make_target(session, campaign=campaign, concurrency_cap=3, priority=1)
    free = await make_target(session, campaign=campaign, concurrency_cap=3, priority=2)
    number = await make_number(session, campaign=campaign)
    periods = cap_periods(campaign.timezone, dt.datetime.now(dt.UTC))
    for slot in ("elsewhere-1", "elsewhere-2"):
        await live.reserve(slot, [CapScope(target_key(busy.id), concurrency_cap=3)], periods, 60)

    transcript = await twilio.call(to=number.number, from_=CALLER, send_status=False, outcomes=[])

    assert f"<Number>{free.destination}</Number>" in transcript.twiml[0]


async def test_campaign_concurrency_cap_rejects_the_call_to_fallback(
    session, account: Account, twilio, live
) -> None:
    campaign = await make_campaign(
        session, account_id=account.id, concurrency_cap=1, fallback_number="+14155550999"
    )
    await make_target(session, campaign=campaign)
    number = await make_number(session, campaign=campaign)
    periods = cap_periods(campaign.timezone, dt.datetime.now(dt.UTC))
    await live.reserve("other-call", [CapScope(campaign_key(campaign.id), concurrency_cap=1)], periods, 60)

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert "<Number>+14155550999</Number>" in transcript.twiml[0]
    call = (await session.scalars(select(Call).where(Call.call_sid == transcript.call_sid))).one()
    reasons = (await session.scalars(select(CallEvent.reason).where(CallEvent.call_id == call.id))).all()
    assert "campaign_concurrency_cap" in reasons


async def test_slots_are_released_when_calls_end(session, account: Account, twilio, live) -> None:
    campaign = await make_campaign(session, account_id=account.id, max_attempts=2)
    first = await make_target(session, campaign=campaign, concurrency_cap=2, priority=1)
    second = await make_target(session, campaign=campaign, concurrency_cap=2, priority=2)
    number = await make_number(session, campaign=campaign)

    for outcomes in (["answered"], ["no-answer", "answered"], ["busy", "busy"]):
        await twilio.call(to=number.number, from_=CALLER, outcomes=outcomes)

    periods = cap_periods(campaign.timezone, dt.datetime.now(dt.UTC))
    usage = await live.usage(
        [target_key(first.id), target_key(second.id), campaign_key(campaign.id)], periods
    )
    assert {key: u.live for key, u in usage.items()} == dict.fromkeys(usage, 0)
    assert usage[target_key(first.id)].daily + usage[target_key(second.id)].daily == 2


async def test_duplicate_within_window_is_rejected_when_configured(session, account: Account, twilio) -> None:
    campaign = await make_campaign(
        session,
        account_id=account.id,
        dedupe_seconds=3600,
        duplicate_action="reject",
        closed_message="Already helped.",
    )
    await make_target(session, campaign=campaign)
    number = await make_number(session, campaign=campaign)

    await twilio.call(to=number.number, from_=CALLER)
    repeat = await twilio.call(to=number.number, from_=CALLER)

    assert "Already helped." in repeat.twiml[0]
    call = (await session.scalars(select(Call).where(Call.call_sid == repeat.call_sid))).one()
    await session.refresh(call)
    assert (call.duplicate, call.status) == (True, "rejected")


async def test_duplicate_routes_to_the_original_target_when_configured(
    session, account: Account, twilio
) -> None:
    campaign = await make_campaign(
        session,
        account_id=account.id,
        dedupe_seconds=3600,
        duplicate_action="route_to_original",
        routing_strategy="round_robin",
    )
    targets = [await make_target(session, campaign=campaign) for _ in range(3)]
    number = await make_number(session, campaign=campaign)

    first = await twilio.call(to=number.number, from_=CALLER)
    repeat = await twilio.call(to=number.number, from_=CALLER)

    original = next(t for t in targets if f"<Number>{t.destination}</Number>" in first.twiml[0])
    assert f"<Number>{original.destination}</Number>" in repeat.twiml[0]
    other_caller = await twilio.call(to=number.number, from_="+13105550100")
    assert f"<Number>{original.destination}</Number>" not in other_caller.twiml[0]
