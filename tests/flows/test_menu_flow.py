"""The reference IVR: business hours, then "press 1 for sales"; silence twice leads to voicemail, a wrong
key repeats the prompt; closed hours and holidays have their own messages."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.accounts import Account
from callcenter.models.buyers import Target
from callcenter.models.campaigns import Campaign
from callcenter.models.numbers import PhoneNumber
from tests.calls.factories import make_target
from tests.flows.factories import (
    CALLER,
    branches,
    call_of,
    edge,
    flow_campaign,
    flow_session_of,
    graph,
    node,
    schedule,
)


def menu_flow(hours: dict[str, Any]) -> dict[str, Any]:
    return graph(
        [
            node("start", "start"),
            node("hours", "business_hours", schedule=hours),
            node(
                "menu",
                "ivr_menu",
                prompt="Press 1 for sales.",
                options=[{"key": "1", "label": "Sales"}],
                timeout_seconds=5,
                max_retries=1,
            ),
            node("sales", "router", message="Connecting you to sales."),
            node("voicemail", "action", action="voicemail", prompt="Leave a message after the tone."),
            node("closed", "end", message="Our office is closed. Please call back tomorrow."),
            node("holiday", "end", message="We are closed for the holiday."),
        ],
        [
            edge("start", "hours"),
            edge("hours", "menu", "open"),
            edge("hours", "closed", "closed"),
            edge("hours", "holiday", "holiday"),
            edge("menu", "sales", "1"),
            edge("menu", "voicemail", "timeout"),
        ],
    )


async def _setup(
    session: AsyncSession, account: Account, hours: dict[str, Any]
) -> tuple[Campaign, PhoneNumber, Target]:
    campaign, number, _ = await flow_campaign(session, account_id=account.id, document=menu_flow(hours))
    sales = await make_target(session, campaign=campaign, name="Sales desk")
    return campaign, number, sales


async def test_pressing_1_dials_the_sales_target(session: AsyncSession, account: Account, twilio) -> None:
    _, number, sales = await _setup(session, account, schedule(open_now=True))

    transcript = await twilio.call(to=number.number, from_=CALLER, digits=["1"], duration=75)

    assert "Press 1 for sales." in transcript.twiml[0]
    assert f"<Number>{sales.destination}</Number>" in transcript.twiml[1]
    call = await call_of(session, transcript.call_sid)
    assert (call.status, call.target_id, call.connected_seconds) == ("completed", sales.id, 75)
    assert await branches(session, call) == [("start", "next"), ("hours", "open"), ("menu", "1")]


async def test_no_input_twice_goes_to_voicemail(session: AsyncSession, account: Account, twilio) -> None:
    _, number, _ = await _setup(session, account, schedule(open_now=True))

    transcript = await twilio.call(to=number.number, from_=CALLER)

    gathers = [t for t in transcript.twiml if "<Gather" in t]
    assert len(gathers) == 2
    assert "Leave a message after the tone.</Say><Record" in transcript.twiml[2]
    call = await call_of(session, transcript.call_sid)
    assert call.recording_url is not None
    assert (await flow_session_of(session, call)).exit == "voicemail"


async def test_invalid_key_repeats_the_prompt(session: AsyncSession, account: Account, twilio) -> None:
    _, number, sales = await _setup(session, account, schedule(open_now=True))

    transcript = await twilio.call(to=number.number, from_=CALLER, digits=["5", "1"])

    retry = transcript.twiml[1]
    assert "Sorry, that is not a valid choice.</Say><Gather" in retry and "Press 1 for sales." in retry
    assert f"<Number>{sales.destination}</Number>" in transcript.twiml[2]


async def test_after_hours_the_caller_hears_the_closed_message(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await _setup(session, account, schedule(open_now=False))

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert "Our office is closed. Please call back tomorrow.</Say><Hangup" in transcript.twiml[0]
    assert len(transcript.twiml) == 1


async def test_on_a_holiday_the_holiday_branch_answers(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await _setup(session, account, schedule(open_now=True, holiday_today=True))

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert "We are closed for the holiday.</Say><Hangup" in transcript.twiml[0]
    call = await call_of(session, transcript.call_sid)
    assert ("hours", "holiday") in await branches(session, call)
