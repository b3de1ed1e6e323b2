"""Walking a published flow: from an event (the call arrives, keys pressed, silence, a transfer's
result, a recorded voicemail) to the instructions for the caller and the flow's next state.

The walk is pure apart from the round-robin cursor: it reads the compiled flow, the session's state and
the call's facts, and returns a ``StepResult`` (instructions, new state, journey notes, pixels to queue,
whether routing takes over). The runner applies that result in the call's transaction, so a fault in
the middle of a walk leaves nothing half-written: the call simply falls back to normal routing.

Rules:
- The walk goes on from node to node until a node needs the caller (menu, gather: a ``<Gather>`` whose
  action is this session's webhook, followed by a ``<Redirect>`` to it for silence), waits for a dial or
  a recording (transfer, voicemail), or ends the flow (router, hang-up, end).
- At most ``STEP_BUDGET`` nodes are walked per webhook. Validation refuses loops without caller input,
  so only a bug could exceed it; it is then a runtime fault like any other.
- Every node entered, every input, retry and branch taken is a journey note (``flow_node`` events).
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from callcenter.buyers.schedules import WEEKDAYS, Schedule
from callcenter.flows import expressions
from callcenter.flows.graph import CompiledFlow
from callcenter.flows.nodes import (
    CLOSED,
    DEFAULT,
    FAILURE,
    HOLIDAY,
    INVALID,
    NEXT,
    NO,
    OPEN,
    SUCCESS,
    TIMEOUT,
    YES,
    ActionNode,
    AnyNode,
    BusinessHoursNode,
    ConditionNode,
    EndNode,
    GatherNode,
    HangupAction,
    IvrMenuNode,
    PixelNode,
    PlayNode,
    RouterNode,
    SplitStrategy,
    SplitterNode,
    StartNode,
    TransferAction,
    VoicemailAction,
    speech,
)
from callcenter.kit import templating
from callcenter.routing import RejectionReason, is_open
from callcenter.telephony.instructions import Dial, Gather, Hangup, Instruction, Record, Redirect, Say

STEP_BUDGET = 50


class EventKind(StrEnum):
    """What a flow webhook reports; also the ``event`` query parameter of the webhook URL."""

    START = "start"
    INPUT = "input"  # <Gather> action: the keys pressed
    TIMEOUT = "timeout"  # <Redirect> after a <Gather> that got nothing
    DIALED = "dialed"  # <Dial> action of a transfer
    RECORDED = "recorded"  # <Record> action of a voicemail


@dataclass(frozen=True, slots=True)
class FlowEvent:
    kind: EventKind
    digits: str = ""
    dial_status: str = ""


class Exit(StrEnum):
    """How a flow ended; the session keeps it for the analytics."""

    ROUTED = "routed"
    TRANSFERRED = "transferred"
    VOICEMAIL = "voicemail"
    HUNG_UP = "hung_up"
    ENDED = "ended"


@dataclass(slots=True)
class FlowState:
    """What a session remembers between webhooks (stored as JSON on the session row)."""

    node: str | None = None  # the node waiting for the caller, a dial or a recording
    retries: int = 0
    digits: str = ""
    gathered: dict[str, str] = field(default_factory=dict)
    notes: int = 0  # journey notes written so far, for their keys
    prompted_at: float | None = None  # epoch seconds of the last prompt, for the caller's response time

    def to_json(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "retries": self.retries,
            "digits": self.digits,
            "gathered": dict(self.gathered),
            "notes": self.notes,
            "prompted_at": self.prompted_at,
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> FlowState:
        return cls(
            node=document.get("node"),
            retries=int(document.get("retries", 0)),
            digits=str(document.get("digits", "")),
            gathered={str(k): str(v) for k, v in dict(document.get("gathered", {})).items()},
            notes=int(document.get("notes", 0)),
            prompted_at=document.get("prompted_at"),
        )


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What the flow may know about the call: for conditions, and tokens of pixels."""

    call_id: str
    call_sid: str
    caller: str
    called: str
    state: str
    zip: str
    city: str
    campaign_id: str
    duplicate: bool = False
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Note:
    """One ``flow_node`` journey event."""

    detail: dict[str, Any]
    reason: str | None = None
    latency_ms: float | None = None


@dataclass(frozen=True, slots=True)
class PixelRequest:
    node_id: str
    url: str
    method: str
    headers: dict[str, str]
    body: str | None


@dataclass(frozen=True, slots=True)
class Environment:
    """What the walk reads besides the flow and the state."""

    now: datetime
    timezone: str  # the campaign's: the clock of conditions
    facts: CallFacts
    flow_id: str
    version: int
    url: Callable[[EventKind], str]  # this session's webhook URL for the next step
    cursor: Callable[[str], Awaitable[int]]  # shared round-robin counter
    recording_callback_url: str | None = None
    rng: random.Random = field(default_factory=random.Random)


@dataclass(slots=True)
class StepResult:
    reply: list[Instruction]
    state: FlowState
    notes: list[Note]
    pixels: list[PixelRequest]
    waiting: bool = False  # the reply ends with a prompt, a transfer or a recording: a webhook follows
    exit: Exit | None = None
    route: bool = False  # after ``reply``, the campaign's dial plan takes the call


class FlowFault(Exception):
    """A flow that cannot go on (a missing output, a failing expression, a bug): the caller falls back
    to the campaign's normal routing."""

    def __init__(self, node_id: str | None, message: str) -> None:
        super().__init__(message)
        self.node_id = node_id
        self.notes: list[Note] = []  # what the walk did before the fault, for the journey


def accepts(node: AnyNode, kind: EventKind) -> bool:
    """Whether a webhook of ``kind`` belongs to the node the session waits at."""
    if isinstance(node, IvrMenuNode | GatherNode):
        return kind in (EventKind.INPUT, EventKind.TIMEOUT)
    if isinstance(node, ActionNode) and isinstance(node.data, TransferAction):
        return kind is EventKind.DIALED
    if isinstance(node, ActionNode) and isinstance(node.data, VoicemailAction):
        return kind is EventKind.RECORDED
    return False


def expression_names(env: Environment, state: FlowState) -> dict[str, Any]:
    facts = env.facts
    local = env.now.astimezone(ZoneInfo(env.timezone))
    return {
        "caller": facts.caller,
        "called": facts.called,
        "state": facts.state,
        "zip": facts.zip,
        "city": facts.city,
        "digits": state.digits,
        "gathered": dict(state.gathered),
        "tags": dict(facts.tags),
        "hour": local.hour,
        "minute": local.minute,
        "time": local.strftime("%H:%M"),
        "weekday": WEEKDAYS[local.weekday()],
        "date": local.date().isoformat(),
        "duplicate": facts.duplicate,
    }


def _pixel_values(env: Environment, state: FlowState, node_id: str) -> dict[str, object]:
    facts = env.facts
    values: dict[str, object] = {
        "call_id": facts.call_id,
        "call_sid": facts.call_sid,
        "caller": facts.caller,
        "called": facts.called,
        "caller_state": facts.state,
        "caller_zip": facts.zip,
        "caller_city": facts.city,
        "campaign_id": facts.campaign_id,
        "flow_id": env.flow_id,
        "node_id": node_id,
        "digits": state.digits,
        "timestamp": env.now.isoformat(),
        **{key: facts.tags.get(key, "") for key in ("utm_source", "utm_medium", "utm_campaign")},
        **{key: facts.tags.get(key, "") for key in ("utm_term", "utm_content", "gclid")},
    }
    values.update({f"gathered.{name}": value for name, value in state.gathered.items()})
    return values


class _Walk:
    def __init__(self, flow: CompiledFlow, state: FlowState, env: Environment) -> None:
        self.flow = flow
        self.state = state
        self.env = env
        self.reply: list[Instruction] = []
        self.notes: list[Note] = []
        self.pixels: list[PixelRequest] = []
        self.budget = STEP_BUDGET
        self.waiting = False
        self.exit: Exit | None = None
        self.route = False
        self.at: str | None = state.node  # the node being walked, for faults

    def result(self) -> StepResult:
        self.state.notes += len(self.notes)
        return StepResult(
            reply=self.reply,
            state=self.state,
            notes=self.notes,
            pixels=self.pixels,
            waiting=self.waiting,
            exit=self.exit,
            route=self.route,
        )

    def note(
        self,
        node: AnyNode,
        event: str,
        *,
        reason: str | None = None,
        latency_ms: float | None = None,
        **detail: Any,
    ) -> None:
        self.notes.append(
            Note({"node_id": node.id, "kind": node.type, "event": event, **detail}, reason, latency_ms)
        )

    # -- walking ---------------------------------------------------------------------------------------

    async def walk_from(self, node_id: str) -> None:
        """Enters ``node_id`` and goes on until the walk stops."""
        current: str | None = node_id
        while current is not None:
            self.at = current
            self.budget -= 1
            if self.budget < 0:
                raise FlowFault(current, f"more than {STEP_BUDGET} nodes in one step")
            node = self.flow.nodes.get(current)
            if node is None:
                raise FlowFault(current, f"node {current!r} does not exist")
            self.note(node, "entered")
            started = time.perf_counter()
            handle = await self.visit(node)
            current = self.follow(node, handle, started) if handle is not None else None

    def follow(self, node: AnyNode, handle: str, started: float) -> str:
        """Leaves ``node`` through ``handle``; the branch note carries the time spent in the node."""
        target = self.flow.target(node.id, handle)
        if target is None:
            raise FlowFault(node.id, f"output {handle!r} of node {node.id!r} is not connected")
        latency = (time.perf_counter() - started) * 1000
        self.note(node, "branch", handle=handle, target=target, latency_ms=latency)
        return target

    def connected(self, node: AnyNode, handle: str) -> bool:
        return self.flow.target(node.id, handle) is not None

    async def visit(self, node: AnyNode) -> str | None:
        """Does what the node does; returns the output to follow, or None when the walk stops here."""
        match node:
            case StartNode():
                return NEXT
            case PlayNode(data=data):
                self.reply.append(speech(data.text, data.audio_url, data.voice, loop=data.loop))
                return NEXT
            case BusinessHoursNode():
                return self.business_hours(node)
            case SplitterNode():
                return await self.split(node)
            case ConditionNode(data=data):
                try:
                    verdict = expressions.parse(data.expression).test(expression_names(self.env, self.state))
                except expressions.ExpressionError as exc:
                    raise FlowFault(node.id, f"condition failed: {exc}") from exc
                return YES if verdict else NO
            case PixelNode():
                self.pixel(node)
                return NEXT
            case IvrMenuNode() | GatherNode():
                self.state.retries = 0
                self.prompt(node)
                return None
            case RouterNode(data=data):
                if data.message:
                    self.reply.append(Say(data.message, voice=data.voice))
                self.finish(node, Exit.ROUTED)
                self.route = True
                return None
            case ActionNode():
                self.action(node)
                return None
            case EndNode(data=data):
                if data.message:
                    self.reply.append(Say(data.message, voice=data.voice))
                self.reply.append(Hangup())
                self.finish(node, Exit.ENDED)
                return None
        raise FlowFault(node.id, f"unknown node kind {node.type!r}")

    def finish(self, node: AnyNode, exit: Exit, *, reason: str | None = None) -> None:
        self.exit = exit
        self.state.node = node.id
        self.note(node, "exit", outcome=exit, reason=reason)

    def wait(self, node: AnyNode) -> None:
        self.waiting = True
        self.state.node = node.id
        self.state.prompted_at = self.env.now.timestamp()

    # -- node kinds ------------------------------------------------------------------------------------

    def business_hours(self, node: BusinessHoursNode) -> str:
        check = is_open(node.data.schedule.to_routing(), self.env.now)
        if check.open:
            return OPEN
        if check.reason is RejectionReason.HOLIDAY and self.connected(node, HOLIDAY):
            return HOLIDAY
        return CLOSED

    async def split(self, node: SplitterNode) -> str:
        data = node.data
        branches = data.branches
        match data.strategy:
            case SplitStrategy.ROUND_ROBIN:
                turn = await self.env.cursor(f"flow:{self.env.flow_id}:{node.id}")
                return branches[turn % len(branches)].key
            case SplitStrategy.TIME_BASED:
                for branch in branches:
                    assert branch.hours is not None and data.timezone is not None  # checked on save
                    schedule = Schedule(timezone=data.timezone, weekly=branch.hours).to_routing()
                    if is_open(schedule, self.env.now).open:
                        return branch.key
                return DEFAULT
            case SplitStrategy.PERCENTAGE:
                shares = [(branch.key, branch.percentage or 0) for branch in branches]
            case SplitStrategy.WEIGHTED:
                shares = [(branch.key, branch.weight or 0) for branch in branches]
        return pick_share(shares, self.env.rng)

    def pixel(self, node: PixelNode) -> None:
        data = node.data
        values = _pixel_values(self.env, self.state, node.id)
        content_type = next((v for k, v in data.headers.items() if k.lower() == "content-type"), "")
        json_body = data.body is not None and (
            "json" in content_type.lower() or data.body.lstrip().startswith(("{", "["))
        )
        request = PixelRequest(
            node_id=node.id,
            url=templating.render(data.url, values, encode=templating.url_encoder),
            method=data.method,
            headers={name: templating.render(value, values) for name, value in data.headers.items()},
            body=None
            if data.body is None
            else templating.render(
                data.body, values, encode=templating.json_encoder if json_body else templating.raw_encoder
            ),
        )
        self.pixels.append(request)
        self.note(node, "pixel", url=request.url, method=request.method)

    def prompt(self, node: IvrMenuNode | GatherNode, *, preface: str | None = None) -> None:
        data = node.data
        if preface:
            self.reply.append(Say(preface, voice=data.voice))
        if isinstance(node, IvrMenuNode):
            keys = {option.key for option in node.data.options}
            num_digits: int | None = 1
            finish_on_key = "" if "#" in keys else "#"
        else:
            num_digits, finish_on_key = node.data.num_digits, node.data.finish_on_key
        self.reply.append(
            Gather(
                action_url=self.env.url(EventKind.INPUT),
                prompt=data.speech(),
                num_digits=num_digits,
                timeout_seconds=data.timeout_seconds,
                finish_on_key=finish_on_key,
            )
        )
        self.reply.append(Redirect(self.env.url(EventKind.TIMEOUT)))
        self.wait(node)

    def action(self, node: ActionNode) -> None:
        data = node.data
        if isinstance(data, TransferAction):
            if data.message:
                self.reply.append(Say(data.message, voice=data.voice))
            self.reply.append(
                Dial(
                    destination=data.number,
                    timeout_seconds=data.timeout_seconds,
                    action_url=self.env.url(EventKind.DIALED),
                    record=data.record,
                    recording_callback_url=self.env.recording_callback_url if data.record else None,
                    caller_id=data.caller_id,
                )
            )
            self.wait(node)
        elif isinstance(data, VoicemailAction):
            self.reply.append(Say(data.prompt, voice=data.voice))
            self.reply.append(
                Record(
                    action_url=self.env.url(EventKind.RECORDED),
                    max_length_seconds=data.max_length_seconds,
                    play_beep=data.play_beep,
                    recording_callback_url=self.env.recording_callback_url,
                )
            )
            self.wait(node)
        else:
            assert isinstance(data, HangupAction)
            if data.message:
                self.reply.append(Say(data.message, voice=data.voice))
            self.reply.append(Hangup())
            self.finish(node, Exit.HUNG_UP)

    # -- resuming at a waiting node --------------------------------------------------------------------

    async def resume(self, node: AnyNode, event: FlowEvent) -> None:
        started = time.perf_counter()
        waited_ms = None
        if self.state.prompted_at is not None:
            waited_ms = max(0.0, (self.env.now.timestamp() - self.state.prompted_at) * 1000)
        if isinstance(node, IvrMenuNode | GatherNode):
            digits = event.digits.strip() if event.kind is EventKind.INPUT else ""
            if digits:
                self.state.digits = digits
                self.note(node, "input", digits=digits, latency_ms=waited_ms)
                handle = self.choice(node, digits)
                if handle is None:
                    await self.retry(node, INVALID, started)
                    return
            else:
                self.note(node, "input", reason="no_input", latency_ms=waited_ms)
                await self.retry(node, TIMEOUT, started)
                return
        elif isinstance(node, ActionNode) and isinstance(node.data, TransferAction):
            answered = event.dial_status in ("completed", "answered")
            self.note(node, "dial_result", status=event.dial_status or "failed", latency_ms=waited_ms)
            handle = SUCCESS if answered else FAILURE
            if not self.connected(node, handle):
                if answered:
                    self.reply.append(Hangup())
                    self.finish(node, Exit.TRANSFERRED)
                else:
                    self.finish(node, Exit.ROUTED, reason="transfer_failed")
                    self.route = True
                return
        elif isinstance(node, ActionNode) and isinstance(node.data, VoicemailAction):
            self.note(node, "recorded", latency_ms=waited_ms)
            if node.data.message_after:
                self.reply.append(Say(node.data.message_after, voice=node.data.voice))
            self.reply.append(Hangup())
            self.finish(node, Exit.VOICEMAIL)
            return
        else:
            raise FlowFault(node.id, f"a {node.type} node does not wait for the caller")
        await self.walk_from(self.follow(node, handle, started))

    def choice(self, node: IvrMenuNode | GatherNode, digits: str) -> str | None:
        """The output the entry leads to, or None when it is not valid here."""
        if isinstance(node, IvrMenuNode):
            return digits if digits in {option.key for option in node.data.options} else None
        data = node.data
        if data.num_digits is not None and len(digits) != data.num_digits:
            return None
        if data.pattern is not None and not re.fullmatch(data.pattern, digits):
            return None
        self.state.gathered[data.variable] = digits
        return SUCCESS

    async def retry(self, node: IvrMenuNode | GatherNode, reason: str, started: float) -> None:
        """Repeats the prompt while retries are left; then follows ``invalid`` (or ``timeout``)."""
        data = node.data
        if self.state.retries < data.max_retries:
            self.state.retries += 1
            self.note(
                node,
                "retry",
                reason="invalid_input" if reason == INVALID else "no_input",
                retry=self.state.retries,
            )
            preface = data.invalid_message if reason == INVALID else data.no_input_message
            self.prompt(node, preface=preface)
            return
        handle = INVALID if reason == INVALID and self.connected(node, INVALID) else TIMEOUT
        await self.walk_from(self.follow(node, handle, started))


def pick_share(shares: list[tuple[str, int]], rng: random.Random) -> str:
    """A key at random, each in proportion to its share (shares of 0 are never picked)."""
    total = sum(share for _, share in shares)
    if total <= 0:
        raise FlowFault(None, "no branch has a share above 0")
    point = rng.uniform(0, total)
    running = 0
    for key, share in shares:
        running += share
        if share > 0 and point < running:
            return key
    return next(key for key, share in reversed(shares) if share > 0)


async def advance(flow: CompiledFlow, state: FlowState, event: FlowEvent, env: Environment) -> StepResult:
    """One step of the flow for ``event``; raises FlowFault (with the notes of the walk so far) when
    the flow cannot go on, whatever the cause."""
    walk = _Walk(flow, replace(state, gathered=dict(state.gathered)), env)
    try:
        if event.kind is EventKind.START:
            walk.notes.append(Note({"event": "started", "flow_id": env.flow_id, "version": env.version}))
            await walk.walk_from(flow.start_id)
        else:
            node = flow.nodes.get(state.node or "")
            if node is None:
                raise FlowFault(state.node, "the session waits at a node the flow does not have")
            await walk.resume(node, event)
    except Exception as exc:
        fault = exc if isinstance(exc, FlowFault) else FlowFault(walk.at, f"{type(exc).__name__}: {exc}")
        fault.notes = walk.notes
        raise fault from exc
    return walk.result()


def current_prompt(flow: CompiledFlow, state: FlowState, env: Environment) -> list[Instruction] | None:
    """What the waiting node said last time, again, without side effects (for repeated webhooks)."""
    node = flow.nodes.get(state.node or "")
    if node is None:
        return None
    walk = _Walk(flow, replace(state, gathered=dict(state.gathered)), env)
    if isinstance(node, IvrMenuNode | GatherNode):
        walk.prompt(node)
    elif isinstance(node, ActionNode) and not isinstance(node.data, HangupAction):
        walk.action(node)
    else:
        return None
    return walk.reply
