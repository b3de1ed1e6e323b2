"""Each node kind and each of its outputs, driven through signed webhooks (every TwiML document is
checked against Twilio's schema by the emulator)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.buyers.schedules import WEEKDAYS
from callcenter.models.accounts import Account
from tests.calls.factories import make_target, next_e164
from tests.flows.factories import (
    CALLER,
    RecordedPixels,
    branches,
    call_of,
    chain,
    edge,
    flow_campaign,
    flow_notes,
    flow_session_of,
    graph,
    node,
    schedule,
)

SALES = node("sales", "end", message="Sales branch")
OTHER = node("other", "end", message="Other branch")


# --- start, play, router, end -----------------------------------------------------------------------


async def test_start_and_play_speak_then_the_router_dials_the_campaigns_target(
    session: AsyncSession, account: Account, twilio
) -> None:
    document = chain(
        node("hello", "play", text="Welcome to Acme", voice="Polly.Matthew"),
        node("music", "play", audio_url="https://cdn.example.com/hold.mp3", loop=2),
        node("route", "router", message="Connecting you now"),
    )
    campaign, number, _ = await flow_campaign(session, account_id=account.id, document=document)
    target = await make_target(session, campaign=campaign, revenue=Decimal("20"))

    transcript = await twilio.call(to=number.number, from_=CALLER, duration=120)

    first = transcript.twiml[0]
    assert '<Say voice="Polly.Matthew">Welcome to Acme</Say>' in first
    assert '<Play loop="2">https://cdn.example.com/hold.mp3</Play>' in first
    assert first.index("Connecting you now") < first.index(f"<Number>{target.destination}</Number>")
    call = await call_of(session, transcript.call_sid)
    assert (call.status, call.target_id, call.converted) == ("completed", target.id, True)
    assert await branches(session, call) == [("start", "next"), ("hello", "next"), ("music", "next")]
    flow_session = await flow_session_of(session, call)
    assert (flow_session.status, flow_session.exit, flow_session.node_id) == ("completed", "routed", "route")


async def test_after_the_router_a_target_that_does_not_answer_falls_through_to_the_next(
    session: AsyncSession, account: Account, twilio
) -> None:
    campaign, number, _ = await flow_campaign(
        session, account_id=account.id, document=chain(node("route", "router"))
    )
    first = await make_target(session, campaign=campaign, priority=1)
    second = await make_target(session, campaign=campaign, priority=2)

    transcript = await twilio.call(to=number.number, from_=CALLER, outcomes=["no-answer", "answered"])

    assert f"<Number>{first.destination}</Number>" in transcript.twiml[0]
    assert f"<Number>{second.destination}</Number>" in transcript.twiml[1]
    assert (await call_of(session, transcript.call_sid)).target_id == second.id


async def test_end_says_its_message_and_hangs_up(session: AsyncSession, account: Account, twilio) -> None:
    _, number, _ = await flow_campaign(
        session, account_id=account.id, document=chain(node("bye", "end", message="Thanks, goodbye"))
    )

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert "Thanks, goodbye</Say><Hangup" in transcript.twiml[0]
    call = await call_of(session, transcript.call_sid)
    assert (await flow_session_of(session, call)).exit == "ended"
    assert call.status == "completed"


# --- ivr menu -------------------------------------------------------------------------------------------


def _menu(*, invalid: bool = False, max_retries: int = 1) -> dict[str, object]:
    nodes = [
        node("start", "start"),
        node(
            "menu",
            "ivr_menu",
            prompt="Press 1 for sales, 2 for other",
            options=[{"key": "1"}, {"key": "2"}],
            timeout_seconds=4,
            max_retries=max_retries,
            no_input_message="We did not hear you.",
        ),
        SALES,
        OTHER,
        node("silence", "end", message="No input branch"),
    ]
    edges = [
        edge("start", "menu"),
        edge("menu", "sales", "1"),
        edge("menu", "other", "2"),
        edge("menu", "silence", "timeout"),
    ]
    if invalid:
        nodes.append(node("wrong", "end", message="Invalid branch"))
        edges.append(edge("menu", "wrong", "invalid"))
    return graph(nodes, edges)


async def test_menu_prompt_gathers_one_key_with_a_redirect_for_silence(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_menu())

    transcript = await twilio.call(to=number.number, from_=CALLER, digits=["2"])

    prompt = transcript.twiml[0]
    assert 'numDigits="1"' in prompt and 'timeout="4"' in prompt and 'input="dtmf"' in prompt
    assert "Press 1 for sales, 2 for other</Say></Gather><Redirect" in prompt
    assert "/api/webhooks/flow/" in prompt and "event=input" in prompt and "event=timeout" in prompt
    assert "Other branch" in transcript.twiml[1]
    call = await call_of(session, transcript.call_sid)
    assert ("menu", "2") in await branches(session, call)
    inputs = [n for n in await flow_notes(session, call) if n["event"] == "input"]
    assert [n["digits"] for n in inputs] == ["2"]


async def test_menu_key_outside_the_menu_repeats_the_prompt_then_takes_the_invalid_output(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_menu(invalid=True))

    transcript = await twilio.call(to=number.number, from_=CALLER, digits=["7", "9"])

    assert "Sorry, that is not a valid choice.</Say><Gather" in transcript.twiml[1]
    assert "Invalid branch" in transcript.twiml[2]
    call = await call_of(session, transcript.call_sid)
    assert ("menu", "invalid") in await branches(session, call)


async def test_menu_without_an_invalid_output_sends_wrong_keys_down_the_timeout_output(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_menu(max_retries=0))

    transcript = await twilio.call(to=number.number, from_=CALLER, digits=["5"])

    assert "No input branch" in transcript.twiml[1]


async def test_menu_silence_repeats_the_prompt_then_takes_the_timeout_output(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_menu())

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert "We did not hear you.</Say><Gather" in transcript.twiml[1]
    assert "No input branch" in transcript.twiml[2]
    call = await call_of(session, transcript.call_sid)
    retries = [n for n in await flow_notes(session, call) if n["event"] == "retry"]
    assert len(retries) == 1


async def test_menu_key_after_a_silent_prompt_still_counts(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_menu())

    transcript = await twilio.call(to=number.number, from_=CALLER, digits=["", "1"])

    assert "Sales branch" in transcript.twiml[-1]


# --- gather ---------------------------------------------------------------------------------------------


def _gather_flow(*, invalid: bool) -> dict[str, object]:
    nodes = [
        node("start", "start"),
        node(
            "zip",
            "gather",
            prompt="Enter your ZIP code",
            variable="zip",
            num_digits=5,
            pattern="9[0-9]{4}",
            max_retries=1,
        ),
        node("west", "condition", expression='gathered.zip >= 94000 and digits == gathered["zip"]'),
        node("yes", "end", message="West coast"),
        node("no", "end", message="Elsewhere"),
        node("silence", "end", message="No ZIP given"),
    ]
    edges = [
        edge("start", "zip"),
        edge("zip", "west", "success"),
        edge("zip", "silence", "timeout"),
        edge("west", "yes", "yes"),
        edge("west", "no", "no"),
    ]
    if invalid:
        nodes.append(node("bad", "end", message="Not a ZIP we serve"))
        edges.append(edge("zip", "bad", "invalid"))
    return graph(nodes, edges)


async def test_gather_keeps_a_matching_entry_for_the_conditions(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_gather_flow(invalid=True))

    transcript = await twilio.call(to=number.number, from_=CALLER, digits=["94105"])

    assert 'numDigits="5"' in transcript.twiml[0] and 'finishOnKey="#"' in transcript.twiml[0]
    assert "West coast" in transcript.twiml[1]
    call = await call_of(session, transcript.call_sid)
    assert (await flow_session_of(session, call)).state["gathered"] == {"zip": "94105"}
    assert ("zip", "success") in await branches(session, call)


async def test_gather_entry_not_matching_the_pattern_is_retried_then_takes_invalid(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_gather_flow(invalid=True))

    transcript = await twilio.call(to=number.number, from_=CALLER, digits=["10001", "123"])

    assert "Sorry, that entry is not valid.</Say><Gather" in transcript.twiml[1]
    assert "Not a ZIP we serve" in transcript.twiml[2]


async def test_gather_silence_takes_the_timeout_output(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_gather_flow(invalid=False))

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert "No ZIP given" in transcript.twiml[-1]
    assert len(transcript.twiml) == 3  # prompt, prompt again, the timeout branch


# --- business hours -------------------------------------------------------------------------------------


def _hours_flow(hours: dict[str, object], *, holiday_output: bool) -> dict[str, object]:
    nodes = [
        node("start", "start"),
        node("hours", "business_hours", schedule=hours),
        node("open", "end", message="We are open"),
        node("closed", "end", message="We are closed"),
    ]
    edges = [edge("start", "hours"), edge("hours", "open", "open"), edge("hours", "closed", "closed")]
    if holiday_output:
        nodes.append(node("holiday", "end", message="Happy holidays"))
        edges.append(edge("hours", "holiday", "holiday"))
    return graph(nodes, edges)


async def test_business_hours_open_closed_and_holiday_outputs(
    session: AsyncSession, account: Account, twilio
) -> None:
    cases = [
        (schedule(open_now=True), True, "We are open"),
        (schedule(open_now=False), True, "We are closed"),
        (schedule(open_now=True, holiday_today=True), True, "Happy holidays"),
        (schedule(open_now=True, holiday_today=True), False, "We are closed"),
    ]
    for hours, holiday_output, heard in cases:
        document = _hours_flow(hours, holiday_output=holiday_output)
        _, number, _ = await flow_campaign(session, account_id=account.id, document=document)

        transcript = await twilio.call(to=number.number, from_=CALLER)

        assert heard in transcript.twiml[0], (hours, holiday_output)


async def test_business_hours_follow_the_schedules_own_time_zone(
    session: AsyncSession, account: Account, twilio
) -> None:
    # Open 24 hours on exactly one weekday: today's in Tokyo. The flow must read Tokyo's wall clock.
    tokyo_day = WEEKDAYS[dt.datetime.now(ZoneInfo("Asia/Tokyo")).weekday()]
    hours = {"timezone": "Asia/Tokyo", "weekly": {tokyo_day: [{"start": "00:00", "end": "00:00"}]}}
    _, number, _ = await flow_campaign(
        session, account_id=account.id, document=_hours_flow(hours, holiday_output=False)
    )

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert "We are open" in transcript.twiml[0]


# --- splitter -------------------------------------------------------------------------------------------


def _split_flow(data: dict[str, object], *, default: bool = False) -> dict[str, object]:
    nodes = [
        node("start", "start"),
        node("split", "splitter", **data),
        node("a", "end", message="Branch A"),
        node("b", "end", message="Branch B"),
    ]
    edges = [edge("start", "split"), edge("split", "a", "a"), edge("split", "b", "b")]
    if default:
        nodes.append(node("d", "end", message="Default branch"))
        edges.append(edge("split", "d", "default"))
    return graph(nodes, edges)


async def _heard(twilio, number: str) -> str:  # type: ignore[no-untyped-def]
    transcript = await twilio.call(to=number, from_=next_e164())
    return str(transcript.twiml[0])


async def test_percentage_splitter_sends_calls_by_share(
    session: AsyncSession, account: Account, twilio
) -> None:
    for shares, heard in (((100, 0), "Branch A"), ((0, 100), "Branch B")):
        data = {
            "strategy": "percentage",
            "branches": [{"key": "a", "percentage": shares[0]}, {"key": "b", "percentage": shares[1]}],
        }
        _, number, _ = await flow_campaign(session, account_id=account.id, document=_split_flow(data))

        assert heard in await _heard(twilio, number.number)


async def test_weighted_splitter_never_picks_a_branch_of_weight_zero(
    session: AsyncSession, account: Account, twilio
) -> None:
    for weights, heard in (((7, 0), "Branch A"), ((0, 3), "Branch B")):
        data = {
            "strategy": "weighted",
            "branches": [{"key": "a", "weight": weights[0]}, {"key": "b", "weight": weights[1]}],
        }
        _, number, _ = await flow_campaign(session, account_id=account.id, document=_split_flow(data))

        for _ in range(3):
            assert heard in await _heard(twilio, number.number)


async def test_round_robin_splitter_takes_the_branches_in_turn(
    session: AsyncSession, account: Account, twilio
) -> None:
    data = {"strategy": "round_robin", "branches": [{"key": "a"}, {"key": "b"}]}
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_split_flow(data))

    heard = [await _heard(twilio, number.number) for _ in range(4)]

    picks = ["A" if "Branch A" in h else "B" for h in heard]
    assert picks in (["A", "B", "A", "B"], ["B", "A", "B", "A"])


async def test_time_based_splitter_takes_the_branch_open_now_else_default(
    session: AsyncSession, account: Account, twilio
) -> None:
    yesterday = WEEKDAYS[(dt.datetime.now(dt.UTC).weekday() - 1) % 7]
    closed: dict[str, object] = {yesterday: [{"start": "03:00", "end": "03:01"}]}  # not open today
    for hours_a, hours_b, heard in (
        (schedule()["weekly"], schedule()["weekly"], "Branch A"),  # the first open branch wins
        (closed, schedule()["weekly"], "Branch B"),
        (closed, closed, "Default branch"),
    ):
        data = {
            "strategy": "time_based",
            "timezone": "UTC",
            "branches": [{"key": "a", "hours": hours_a}, {"key": "b", "hours": hours_b}],
        }
        _, number, _ = await flow_campaign(
            session, account_id=account.id, document=_split_flow(data, default=True)
        )

        assert heard in await _heard(twilio, number.number)


# --- condition -------------------------------------------------------------------------------------------


async def test_condition_yes_and_no_on_caller_facts(session: AsyncSession, account: Account, twilio) -> None:
    document = graph(
        [
            node("start", "start"),
            node(
                "west",
                "condition",
                expression='state in ["CA", "NV"] and weekday != "someday" and hour >= 0',
            ),
            node("yes", "end", message="Yes branch"),
            node("no", "end", message="No branch"),
        ],
        [edge("start", "west"), edge("west", "yes", "yes"), edge("west", "no", "no")],
    )
    _, number, _ = await flow_campaign(session, account_id=account.id, document=document)

    from_california = await twilio.call(to=number.number, from_=CALLER, caller_state="CA")
    from_texas = await twilio.call(to=number.number, from_=next_e164(), caller_state="TX")

    assert "Yes branch" in from_california.twiml[0]
    assert "No branch" in from_texas.twiml[0]


# --- pixel ---------------------------------------------------------------------------------------------


async def test_pixel_is_queued_with_its_tokens_and_the_flow_goes_on(
    session: AsyncSession, account: Account, twilio, pixels: RecordedPixels
) -> None:
    document = chain(
        node(
            "pixel",
            "pixel",
            url="https://tracker.example.com/p?caller={caller}&state={caller_state}&call={call_id}",
            method="POST",
            headers={"Content-Type": "application/json", "X-Node": "{node_id}"},
            body='{"caller": "{caller}", "campaign": "{campaign_id}"}',
        ),
        node("bye", "end", message="Tracked"),
    )
    campaign, number, _ = await flow_campaign(session, account_id=account.id, document=document)

    transcript = await twilio.call(to=number.number, from_=CALLER, caller_state="CA")

    assert "Tracked" in transcript.twiml[0]
    call = await call_of(session, transcript.call_sid)
    [pixel] = pixels.queued
    assert pixel.url == f"https://tracker.example.com/p?caller=%2B12125550123&state=CA&call={call.id}"
    assert (pixel.method, pixel.headers, pixel.call_id) == (
        "POST",
        {"Content-Type": "application/json", "X-Node": "pixel"},
        call.id,
    )
    assert pixel.body == f'{{"caller": "+12125550123", "campaign": "{campaign.id}"}}'
    assert ("pixel", "next") in await branches(session, call)


# --- action: transfer, voicemail, hang-up --------------------------------------------------------------


def _transfer_flow(*, success: bool, failure: bool) -> dict[str, object]:
    nodes = [
        node("start", "start"),
        node(
            "transfer",
            "action",
            action="transfer",
            number="+14155550188",
            timeout_seconds=20,
            message="Transferring",
        ),
    ]
    edges = [edge("start", "transfer")]
    if success:
        nodes.append(node("done", "end", message="Transfer answered"))
        edges.append(edge("transfer", "done", "success"))
    if failure:
        nodes.append(node("missed", "end", message="Transfer failed"))
        edges.append(edge("transfer", "missed", "failure"))
    return graph(nodes, edges)


async def test_transfer_dials_the_number_and_follows_success_or_failure(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(
        session, account_id=account.id, document=_transfer_flow(success=True, failure=True)
    )

    answered = await twilio.call(to=number.number, from_=CALLER, outcomes=["answered"])
    missed = await twilio.call(to=number.number, from_=next_e164(), outcomes=["busy"])

    dial = answered.twiml[0]
    assert (
        "Transferring</Say><Dial" in dial
        and 'timeout="20"' in dial
        and "<Number>+14155550188</Number>" in dial
    )
    assert "event=dialed" in dial
    assert "Transfer answered" in answered.twiml[1]
    assert "Transfer failed" in missed.twiml[1]


async def test_answered_transfer_without_success_output_hangs_up(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(
        session, account_id=account.id, document=_transfer_flow(success=False, failure=False)
    )

    transcript = await twilio.call(to=number.number, from_=CALLER, outcomes=["answered"])

    assert transcript.twiml[1].endswith("<Response><Hangup /></Response>")
    call = await call_of(session, transcript.call_sid)
    assert (await flow_session_of(session, call)).exit == "transferred"


async def test_failed_transfer_without_failure_output_continues_with_normal_routing(
    session: AsyncSession, account: Account, twilio
) -> None:
    campaign, number, _ = await flow_campaign(
        session, account_id=account.id, document=_transfer_flow(success=False, failure=False)
    )
    target = await make_target(session, campaign=campaign)

    transcript = await twilio.call(to=number.number, from_=CALLER, outcomes=["no-answer", "answered"])

    assert f"<Number>{target.destination}</Number>" in transcript.twiml[1]
    assert (await call_of(session, transcript.call_sid)).target_id == target.id


async def test_voicemail_records_the_message_and_keeps_it_on_the_call(
    session: AsyncSession, account: Account, twilio
) -> None:
    document = chain(node("vm", "action", action="voicemail", max_length_seconds=60, message_after="Bye now"))
    _, number, _ = await flow_campaign(session, account_id=account.id, document=document)

    transcript = await twilio.call(to=number.number, from_=CALLER)

    record = transcript.twiml[0]
    assert "Please leave a message after the tone.</Say><Record" in record
    assert 'maxLength="60"' in record and "event=recorded" in record
    assert "Bye now</Say><Hangup" in transcript.twiml[1]
    call = await call_of(session, transcript.call_sid)
    recording = transcript.steps[1].params["RecordingUrl"]
    assert call.recording_url == recording
    assert (await flow_session_of(session, call)).exit == "voicemail"


async def test_hangup_action_says_its_message_and_hangs_up(
    session: AsyncSession, account: Account, twilio
) -> None:
    document = chain(node("hang", "action", action="hangup", message="We cannot take your call"))
    _, number, _ = await flow_campaign(session, account_id=account.id, document=document)

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert "We cannot take your call</Say><Hangup" in transcript.twiml[0]
    call = await call_of(session, transcript.call_sid)
    assert (await flow_session_of(session, call)).exit == "hung_up"
    assert [n["event"] for n in await flow_notes(session, call)][-1] == "exit"
