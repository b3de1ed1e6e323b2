"""Running flows for live calls: the call engine's ``FlowRunner`` and the flow webhook's work.

- ``FlowEngine.start``: a call to a campaign with a published flow gets a session (stored, so any
  server process can resume it) and the first step of the walk.
- ``handle_flow_step``: each later webhook (keys, silence, a transfer's result, a voicemail) loads the
  session and its call with row locks, checks the webhook is the one the session expects (its ``step``
  and event), walks on and saves the session, in the call's transaction.
- A repeated or stale webhook (Twilio retries, a late ``<Redirect>``) changes nothing and gets the
  instructions of the call's current step again.
- A runtime fault (a failing expression, a missing output, a bug) never strands the caller: it is
  recorded in the journey (``flow_node`` and ``error`` events, reason ``flow_fault``), the session is
  marked failed, and the call continues with the campaign's normal routing.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls import repository as calls
from callcenter.calls.dialing import DialContext, dial_next
from callcenter.calls.extensions import PixelSink
from callcenter.calls.inbound import Engine, current_reply
from callcenter.calls.journey import EventType, Journey
from callcenter.calls.snapshot import load_routing_config
from callcenter.calls.urls import flow_url, recording_url
from callcenter.flows import repository
from callcenter.flows.executor import (
    CallFacts,
    Environment,
    EventKind,
    FlowEvent,
    FlowFault,
    FlowState,
    Note,
    StepResult,
    accepts,
    advance,
    current_prompt,
)
from callcenter.flows.graph import CompiledFlow, FlowGraph
from callcenter.live import LiveState
from callcenter.models.calls import Call
from callcenter.models.campaigns import CampaignStatus, DuplicateAction
from callcenter.models.flows import FlowSession, FlowSessionStatus
from callcenter.telephony.instructions import VoiceReply

logger = logging.getLogger(__name__)

_COMPILED: dict[uuid.UUID, CompiledFlow] = {}
_COMPILED_LIMIT = 1024


async def compiled_version(session: AsyncSession, version_id: uuid.UUID) -> CompiledFlow | None:
    """A published version, parsed once per process: versions never change, so the cache never goes
    stale (it is only bounded)."""
    compiled = _COMPILED.get(version_id)
    if compiled is None:
        graph = await repository.version_graph(session, version_id)
        if graph is None:
            return None
        if len(_COMPILED) >= _COMPILED_LIMIT:
            _COMPILED.clear()
        compiled = _COMPILED[version_id] = CompiledFlow.of(FlowGraph.model_validate(graph))
    return compiled


def step_url(public_url: str, session_id: uuid.UUID, step: int, kind: EventKind) -> str:
    return f"{flow_url(public_url, session_id)}?{urlencode({'step': step, 'event': kind.value})}"


def call_facts(call: Call) -> CallFacts:
    tags = {key: str(value) for key, value in (call.attribution or {}).items() if isinstance(value, str)}
    for key in ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "gclid"):
        value = getattr(call, key)
        if value:
            tags[key] = value
    return CallFacts(
        call_id=str(call.id),
        call_sid=call.call_sid,
        caller=call.caller,
        called=call.called,
        state=call.caller_state or "",
        zip=call.caller_zip or "",
        city=call.caller_city or "",
        campaign_id=str(call.campaign_id) if call.campaign_id else "",
        duplicate=call.duplicate,
        tags=tags,
    )


def _environment(
    *,
    public_url: str,
    live: LiveState,
    flow_session: FlowSession,
    call: Call,
    timezone: str,
    now: datetime,
) -> Environment:
    next_step = flow_session.step + 1
    return Environment(
        now=now,
        timezone=timezone,
        facts=call_facts(call),
        flow_id=str(flow_session.flow_id),
        version=flow_session.version,
        url=lambda kind: step_url(public_url, flow_session.id, next_step, kind),
        cursor=live.next_cursor,
        recording_callback_url=recording_url(public_url),
    )


def _add_notes(journey: Journey, flow_session: FlowSession, notes: list[Note], *, now: datetime) -> None:
    first = flow_session.state.get("notes", 0) if flow_session.state else 0
    for offset, note in enumerate(notes):
        journey.add(
            EventType.FLOW_NODE,
            key=f"flow:{first + offset}",
            reason=note.reason,
            detail=note.detail,
            latency_ms=note.latency_ms,
            at=now,
        )


async def _apply(
    session: AsyncSession,
    journey: Journey,
    flow_session: FlowSession,
    result: StepResult,
    *,
    pixels: PixelSink,
    now: datetime,
) -> None:
    """Writes one step's outcome: journey notes, queued pixels, the session's new state."""
    _add_notes(journey, flow_session, result.notes, now=now)
    for pixel in result.pixels:
        await pixels.enqueue(
            session, journey.call, url=pixel.url, method=pixel.method, headers=pixel.headers, body=pixel.body
        )
    flow_session.state = result.state.to_json()
    flow_session.node_id = result.state.node
    if result.waiting:
        flow_session.step += 1
    if result.exit is not None:
        flow_session.status = FlowSessionStatus.COMPLETED
        flow_session.exit = result.exit
        flow_session.ended_at = now


def _record_fault(journey: Journey, flow_session: FlowSession, fault: FlowFault, *, now: datetime) -> None:
    """The walk up to the fault (its notes), the fault itself, and the session marked failed."""
    _add_notes(journey, flow_session, fault.notes, now=now)
    detail = {
        "event": "fault",
        "node_id": fault.node_id,
        "message": str(fault),
        "flow_id": str(flow_session.flow_id),
    }
    journey.add(EventType.FLOW_NODE, key="flow:fault", reason="flow_fault", detail=detail, at=now)
    journey.add(EventType.ERROR, key="flow_error", reason="flow_fault", detail=detail, at=now)
    flow_session.status = FlowSessionStatus.FAILED
    flow_session.node_id = fault.node_id or flow_session.node_id
    flow_session.ended_at = now


async def _walk(
    flow: CompiledFlow, flow_session: FlowSession, event: FlowEvent, env: Environment, journey: Journey
) -> StepResult | None:
    """The step's result, or None after recording a runtime fault (the caller then goes to routing)."""
    try:
        return await advance(flow, FlowState.from_json(flow_session.state or {}), event, env)
    except FlowFault as fault:
        logger.warning(
            "call flow fault; falling back to routing",
            extra={"flow_id": str(flow_session.flow_id), "node_id": fault.node_id, "error": str(fault)},
        )
        _record_fault(journey, flow_session, fault, now=env.now)
        return None


async def _route(ctx: DialContext, reply: VoiceReply) -> VoiceReply:
    """``reply`` (a "connecting you" message, say), then the campaign's dial plan."""
    campaign = ctx.config.campaign
    attempts = await calls.attempts_of(ctx.session, ctx.call.id)
    prefer = None
    if (
        ctx.call.duplicate_of_id is not None
        and DuplicateAction(campaign.duplicate_action) is DuplicateAction.ROUTE_TO_ORIGINAL
    ):
        prefer = await repository.original_target(ctx.session, ctx.call.duplicate_of_id)
    dialed = await dial_next(
        ctx,
        attempt=len(attempts) + 1,
        tried_target_ids=frozenset(a.target_id for a in attempts if a.target_id is not None),
        tried_bid_ids=frozenset(a.bid_id for a in attempts if a.bid_id is not None),
        prefer_target_id=prefer,
    )
    return (*reply, *dialed)


class FlowEngine:
    """The call engine's ``FlowRunner`` (calls/extensions.py)."""

    def __init__(self, public_url: str) -> None:
        self.public_url = public_url

    async def start(self, session: AsyncSession, ctx: DialContext) -> VoiceReply | None:
        """The first step of the campaign's published flow; None routes the call normally (no flow to
        run, an inactive campaign, or a fault)."""
        campaign, call = ctx.config.campaign, ctx.call
        if campaign.flow_id is None or campaign.status != CampaignStatus.ACTIVE:
            return None
        published = await repository.published_version(session, campaign.flow_id)
        flow = await compiled_version(session, published[0]) if published else None
        if published is None or flow is None:
            ctx.journey.add(
                EventType.ERROR,
                key="flow_error",
                reason="flow_unavailable",
                detail={"flow_id": str(campaign.flow_id)},
            )
            return None
        flow_session = FlowSession(
            id=uuid.uuid4(),
            account_id=call.account_id,
            call_id=call.id,
            flow_id=campaign.flow_id,
            version_id=published[0],
            version=published[1],
            status=FlowSessionStatus.ACTIVE,
            step=0,
            state={},
        )
        session.add(flow_session)
        env = _environment(
            public_url=ctx.public_url,
            live=ctx.live,
            flow_session=flow_session,
            call=call,
            timezone=campaign.timezone,
            now=ctx.now,
        )
        result = await _walk(flow, flow_session, FlowEvent(EventKind.START), env, ctx.journey)
        if result is None:
            return None
        await _apply(session, ctx.journey, flow_session, result, pixels=ctx.pixels, now=ctx.now)
        if result.route:
            return await _route(ctx, tuple(result.reply))
        return tuple(result.reply)

    async def current(self, session: AsyncSession, call: Call) -> VoiceReply | None:
        """The prompt the call's flow waits at (repeated without side effects), if it waits at one."""
        flow_session = await repository.session_of_call(session, call.id)
        if flow_session is None or flow_session.status is not FlowSessionStatus.ACTIVE:
            return None
        return await _current_prompt(session, flow_session, call, public_url=self.public_url)


async def _current_prompt(
    session: AsyncSession, flow_session: FlowSession, call: Call, *, public_url: str
) -> VoiceReply | None:
    flow = await compiled_version(session, flow_session.version_id)
    campaign = await calls.find_campaign(session, call.campaign_id)
    if flow is None or campaign is None:
        return None
    step = flow_session.step

    async def no_cursor(_: str) -> int:
        return 0

    env = Environment(
        now=flow_session.updated_at,
        timezone=campaign.timezone,
        facts=call_facts(call),
        flow_id=str(flow_session.flow_id),
        version=flow_session.version,
        url=lambda kind: step_url(public_url, flow_session.id, step, kind),
        cursor=no_cursor,
        recording_callback_url=recording_url(public_url),
    )
    prompt = current_prompt(flow, FlowState.from_json(flow_session.state or {}), env)
    return None if prompt is None else tuple(prompt)


async def handle_flow_step(
    session: AsyncSession,
    engine: Engine,
    *,
    session_id: uuid.UUID,
    step: int,
    event: FlowEvent,
    params: dict[str, str],
    now: datetime,
) -> VoiceReply | None:
    """One flow webhook. None: no such session for this call (the caller is then served from the
    fallback cache)."""
    found = await repository.session_with_call(session, session_id, for_update=True)
    if found is None or found[1].call_sid != params.get("CallSid"):
        return None
    flow_session, call, timezone, last_seq = found
    flow = await compiled_version(session, flow_session.version_id)
    if flow is None:
        return None
    waiting_at = flow.nodes.get(flow_session.node_id or "")
    current = (
        flow_session.status is FlowSessionStatus.ACTIVE
        and step == flow_session.step
        and waiting_at is not None
        and accepts(waiting_at, event.kind)
        and call.provider_status is None
    )
    if not current:
        return await current_reply(session, engine, call)
    # The call is locked and flow notes have keys of their own: the walk needs no journey keys.
    journey = Journey.after(session, call, last_seq)
    if event.kind is EventKind.RECORDED and params.get("RecordingUrl") and call.recording_url is None:
        call.recording_url = params["RecordingUrl"]
    env = _environment(
        public_url=engine.public_url,
        live=engine.live,
        flow_session=flow_session,
        call=call,
        timezone=timezone,
        now=now,
    )
    result = await _walk(flow, flow_session, event, env, journey)
    if result is not None:
        await _apply(session, journey, flow_session, result, pixels=engine.pixels, now=now)
        if not result.route:
            return tuple(result.reply)
    # Routing writes keys other writers use too (routing:1, dial:1...): from here, the full journey.
    journey = await Journey.load(session, call)
    campaign = await calls.find_campaign(session, call.campaign_id)
    assert campaign is not None  # the session was found through it
    config = await load_routing_config(session, campaign)
    ctx = engine.dial_context(session, config, call, journey, now)
    return await _route(ctx, tuple(result.reply) if result is not None else ())
