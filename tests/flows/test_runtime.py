"""The flow at run time: faults fall back to routing, webhooks are idempotent, sessions resume on any
process, versions stay fixed for calls already inside them, and the caller is never stranded."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.app import create_app
from callcenter.flows import runner, service
from callcenter.flows.executor import (
    STEP_BUDGET,
    CallFacts,
    Environment,
    EventKind,
    FlowEvent,
    FlowFault,
    FlowState,
    advance,
)
from callcenter.flows.graph import CompiledFlow, FlowGraph
from callcenter.flows.schemas import FlowCreate, FlowUpdate
from callcenter.models.accounts import Account
from callcenter.models.base import utcnow
from callcenter.models.campaigns import CampaignStatus
from callcenter.telephony.emulator import ACCOUNT_SID, TwilioEmulator, new_call_sid
from tests.calls.factories import make_campaign, make_number, make_target
from tests.flows.factories import (
    CALLER,
    call_of,
    edge,
    flow_campaign,
    flow_notes,
    flow_session_of,
    graph,
    journey,
    node,
    owner_of,
)
from tests.twiml import assert_valid_twiml


def _menu(prompt: str = "Press 1 for sales.") -> dict[str, Any]:
    return graph(
        [
            node("start", "start"),
            node("menu", "ivr_menu", prompt=prompt, options=[{"key": "1"}, {"key": "2"}], max_retries=0),
            node("one", "end", message="You pressed one"),
            node("two", "end", message="You pressed two"),
            node("silence", "end", message="Nothing pressed"),
        ],
        [
            edge("start", "menu"),
            edge("menu", "one", "1"),
            edge("menu", "two", "2"),
            edge("menu", "silence", "timeout"),
        ],
    )


class Caller:
    """One call driven webhook by webhook, as Twilio would, checking every TwiML document."""

    def __init__(self, twilio: TwilioEmulator, to: str) -> None:
        self.twilio = twilio
        self.base = {
            "CallSid": new_call_sid(),
            "AccountSid": ACCOUNT_SID,
            "From": CALLER,
            "To": to,
            "CallStatus": "ringing",
            "Direction": "inbound",
        }

    async def post(self, url: str, **params: str) -> str:
        response = await self.twilio.post(url, {**self.base, **params})
        assert response.status_code == 200, response.text
        assert_valid_twiml(response.text)
        return response.text

    async def dial_in(self) -> str:
        return await self.post("/api/webhooks/voice")


def gather_action(twiml: str) -> str:
    gather = ET.fromstring(twiml).find("Gather")  # noqa: S314 - our own server's response
    assert gather is not None, twiml
    return str(gather.get("action"))


def redirect_url(twiml: str) -> str:
    redirect = ET.fromstring(twiml).find("Redirect")  # noqa: S314
    assert redirect is not None, twiml
    return (redirect.text or "").strip()


# --- runtime faults ----------------------------------------------------------------------------------


async def test_a_flow_failing_at_start_falls_back_to_routing_and_the_caller_is_connected(
    session: AsyncSession, account: Account, twilio
) -> None:
    # Division by zero only at run time: hour - hour is 0 whatever the hour.
    document = graph(
        [
            node("start", "start"),
            node("check", "condition", expression="100 / (hour - hour) > 1"),
            node("yes", "end", message="yes"),
            node("no", "end", message="no"),
        ],
        [edge("start", "check"), edge("check", "yes", "yes"), edge("check", "no", "no")],
    )
    campaign, number, flow = await flow_campaign(session, account_id=account.id, document=document)
    target = await make_target(session, campaign=campaign)

    transcript = await twilio.call(to=number.number, from_=CALLER, duration=80)

    assert f"<Number>{target.destination}</Number>" in transcript.twiml[0]
    call = await call_of(session, transcript.call_sid)
    assert (call.status, call.target_id, call.converted) == ("completed", target.id, True)
    events = await journey(session, call)
    [error] = [e for e in events if e.type == "error"]
    assert error.reason == "flow_fault"
    assert error.detail["node_id"] == "check" and "division by zero" in error.detail["message"]
    assert ("flow_node", "flow_fault") in [(e.type, e.reason) for e in events]
    assert (await flow_session_of(session, call)).status == "failed"
    assert flow.id == (await flow_session_of(session, call)).flow_id


async def test_a_fault_after_caller_input_also_falls_back_to_routing(
    session: AsyncSession, account: Account, twilio
) -> None:
    document = graph(
        [
            node("start", "start"),
            node("menu", "ivr_menu", prompt="Press 1", options=[{"key": "1"}], max_retries=0),
            node("check", "condition", expression="int(tags.missing) > 3"),
            node("yes", "end", message="yes"),
            node("no", "end", message="no"),
            node("silence", "end", message="silence"),
        ],
        [
            edge("start", "menu"),
            edge("menu", "check", "1"),
            edge("menu", "silence", "timeout"),
            edge("check", "yes", "yes"),
            edge("check", "no", "no"),
        ],
    )
    campaign, number, _ = await flow_campaign(session, account_id=account.id, document=document)
    target = await make_target(session, campaign=campaign)

    transcript = await twilio.call(to=number.number, from_=CALLER, digits=["1"])

    assert f"<Number>{target.destination}</Number>" in transcript.twiml[1]
    call = await call_of(session, transcript.call_sid)
    assert call.target_id == target.id
    assert (await flow_session_of(session, call)).status == "failed"


async def test_a_campaign_whose_flow_has_no_published_version_routes_normally(
    session: AsyncSession, account: Account, twilio
) -> None:
    auth = owner_of(account.id)
    draft = await service.create_flow(session, auth, FlowCreate(name="Draft only"))
    campaign = await make_campaign(session, account_id=account.id, flow_id=draft.id)
    target = await make_target(session, campaign=campaign)
    number = await make_number(session, campaign=campaign)

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert f"<Number>{target.destination}</Number>" in transcript.twiml[0]
    call = await call_of(session, transcript.call_sid)
    assert ("error", "flow_unavailable") in [(e.type, e.reason) for e in await journey(session, call)]


async def test_an_inactive_campaign_does_not_run_its_flow(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(
        session,
        account_id=account.id,
        document=_menu(),
        status=CampaignStatus.PAUSED,
        closed_message="Paused campaign",
    )

    transcript = await twilio.call(to=number.number, from_=CALLER)

    assert "Paused campaign" in transcript.twiml[0] and "<Gather" not in transcript.twiml[0]


async def test_the_step_budget_stops_a_runaway_walk() -> None:
    # A loop without caller input cannot be published; built directly, the budget still stops it.
    document = graph(
        [node("start", "start"), node("a", "play", text="a"), node("b", "play", text="b")],
        [edge("start", "a"), edge("a", "b"), edge("b", "a")],
    )
    flow = CompiledFlow.of(FlowGraph.model_validate(document))
    facts = CallFacts("c", "CA1", CALLER, "+14155550100", "", "", "", "")

    async def cursor(_: str) -> int:
        return 0

    env = Environment(utcnow(), "UTC", facts, "f", 1, url=lambda kind: f"https://x/{kind}", cursor=cursor)
    try:
        await advance(flow, FlowState(), FlowEvent(EventKind.START), env)
    except FlowFault as fault:
        assert f"more than {STEP_BUDGET} nodes" in str(fault)
    else:
        raise AssertionError("the walk did not stop")


# --- idempotency ------------------------------------------------------------------------------------


async def test_a_repeated_gather_webhook_changes_nothing_and_gets_the_same_answer(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_menu())
    caller = Caller(twilio, number.number)
    action = gather_action(await caller.dial_in())

    first = await caller.post(action, Digits="1", CallStatus="in-progress")
    call = await call_of(session, caller.base["CallSid"])
    events_before = len(await journey(session, call))
    again = await caller.post(action, Digits="2", CallStatus="in-progress")

    assert "You pressed one" in first
    assert again == '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup /></Response>'
    assert len(await journey(session, call)) == events_before


async def test_a_stale_timeout_redirect_after_a_key_does_not_move_the_flow(
    session: AsyncSession, account: Account, twilio
) -> None:
    document = graph(
        [
            node("start", "start"),
            node("menu", "ivr_menu", prompt="First menu", options=[{"key": "1"}], max_retries=0),
            node("second", "ivr_menu", prompt="Second menu", options=[{"key": "1"}], max_retries=0),
            node("done", "end", message="Done"),
            node("silence", "end", message="Silence"),
        ],
        [
            edge("start", "menu"),
            edge("menu", "second", "1"),
            edge("menu", "silence", "timeout"),
            edge("second", "done", "1"),
            edge("second", "silence", "timeout"),
        ],
    )
    _, number, _ = await flow_campaign(session, account_id=account.id, document=document)
    caller = Caller(twilio, number.number)
    first = await caller.dial_in()

    second = await caller.post(gather_action(first), Digits="1", CallStatus="in-progress")
    late = await caller.post(redirect_url(first), CallStatus="in-progress")

    assert "Second menu" in second
    assert late == second  # the current step again: the second menu, not the silence branch
    call = await call_of(session, caller.base["CallSid"])
    assert (await flow_session_of(session, call)).node_id == "second"


async def test_a_repeated_voice_webhook_inside_the_flow_repeats_the_prompt(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_menu("Menu prompt"))
    caller = Caller(twilio, number.number)
    first = await caller.dial_in()

    again = await caller.dial_in()

    assert again == first
    assert "Menu prompt" in again


# --- resuming anywhere ------------------------------------------------------------------------------


async def test_another_server_process_resumes_the_session(
    session: AsyncSession, account: Account, twilio, app: FastAPI, settings, database, live
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_menu())
    caller = Caller(twilio, number.number)
    action = gather_action(await caller.dial_in())
    runner._COMPILED.clear()  # the other process has parsed nothing yet

    other_app = create_app(settings, database=database, live=live)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=other_app), base_url="http://testserver"
    ) as other_client:
        other = TwilioEmulator(
            other_client, public_url=settings.public_url, auth_token=settings.twilio_signing_token()
        )
        caller.twilio = other
        answer = await caller.post(action, Digits="2", CallStatus="in-progress")

    assert "You pressed two" in answer


async def test_a_call_inside_the_flow_keeps_its_version_when_a_new_one_is_published(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, flow = await flow_campaign(session, account_id=account.id, document=_menu("Version one"))
    caller = Caller(twilio, number.number)
    action = gather_action(await caller.dial_in())
    changed = _menu("Version two")
    changed["nodes"][2]["data"]["message"] = "New branch one"
    auth = owner_of(account.id)
    await service.update_flow(session, auth, flow.id, FlowUpdate(graph=FlowGraph.model_validate(changed)))
    await service.publish_flow(session, auth, flow.id)

    answer = await caller.post(action, Digits="1", CallStatus="in-progress")
    new_call = await Caller(twilio, number.number).dial_in()

    assert "You pressed one" in answer
    assert "Version two" in new_call


# --- never stranded ---------------------------------------------------------------------------------


async def test_an_unknown_session_is_forwarded_from_the_fallback_cache(
    session: AsyncSession, account: Account, twilio
) -> None:
    fallback = "+14155550177"
    _, number, _ = await flow_campaign(
        session, account_id=account.id, document=_menu(), fallback_number=fallback
    )
    caller = Caller(twilio, number.number)
    await caller.dial_in()  # the number is now in the process's fallback cache

    answer = await caller.post(f"/api/webhooks/flow/{uuid.uuid4()}?step=1&event=input", Digits="1")

    assert f"<Number>{fallback}</Number>" in answer


async def test_a_flow_webhook_with_a_bad_signature_is_refused(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_menu())
    caller = Caller(twilio, number.number)
    action = gather_action(await caller.dial_in())

    response = await twilio.post(action, {**caller.base, "Digits": "1"}, signature="forged")

    assert response.status_code == 403
    call = await call_of(session, caller.base["CallSid"])
    assert (await flow_session_of(session, call)).step == 1


async def test_journey_notes_record_entries_inputs_branches_and_latency(
    session: AsyncSession, account: Account, twilio
) -> None:
    _, number, _ = await flow_campaign(session, account_id=account.id, document=_menu())

    transcript = await twilio.call(to=number.number, from_=CALLER, digits=["1"])

    call = await call_of(session, transcript.call_sid)
    notes = await flow_notes(session, call)
    assert [(n["event"], n.get("node_id")) for n in notes] == [
        ("started", None),
        ("entered", "start"),
        ("branch", "start"),
        ("entered", "menu"),
        ("input", "menu"),
        ("branch", "menu"),
        ("entered", "one"),
        ("exit", "one"),
    ]
    events = [e for e in await journey(session, call) if e.type == "flow_node"]
    assert all(e.latency_ms is not None for e in events if e.detail["event"] in ("input", "branch"))
