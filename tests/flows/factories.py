"""Flow documents and configuration for the call flow tests."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext, AuthMethod
from callcenter.flows import service
from callcenter.flows.graph import FlowGraph
from callcenter.flows.schemas import FlowCreate
from callcenter.models.accounts import Role
from callcenter.models.calls import Call, CallEvent
from callcenter.models.campaigns import Campaign
from callcenter.models.flows import CallFlow, FlowSession
from callcenter.models.numbers import PhoneNumber
from tests.calls.factories import make_campaign, make_number
from tests.config_factories import unique_name

CALLER = "+12125550123"
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS_OPEN = {day: [{"start": "00:00", "end": "00:00"}] for day in ALL_DAYS}
TIMEZONE = "America/New_York"


def node(node_id: str, kind: str, **data: Any) -> dict[str, Any]:
    document: dict[str, Any] = {"id": node_id, "type": kind}
    if data:
        document["data"] = data
    return document


def edge(source: str, target: str, handle: str | None = None) -> dict[str, Any]:
    document = {"source": source, "target": target}
    if handle is not None:
        document["source_handle"] = handle
    return document


def graph(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, Any]:
    return {"nodes": nodes, "edges": edges}


def chain(*nodes: dict[str, Any]) -> dict[str, Any]:
    """start -> nodes[0] -> nodes[1] ...: each node's single output to the next."""
    ids = ["start", *(n["id"] for n in nodes)]
    return graph([node("start", "start"), *nodes], [edge(a, b) for a, b in itertools.pairwise(ids)])


def schedule(*, open_now: bool = True, holiday_today: bool = False) -> dict[str, Any]:
    """A business-hours schedule that is open (24 hours every day) or closed (no hours) right now."""
    today = dt.datetime.now(ZoneInfo(TIMEZONE)).date()
    holidays = [today.isoformat()] if holiday_today else []
    return {"timezone": TIMEZONE, "weekly": ALWAYS_OPEN if open_now else {}, "holidays": holidays}


def owner_of(account_id: uuid.UUID) -> AuthContext:
    return AuthContext(account_id=account_id, role=Role.OWNER, method=AuthMethod.SESSION)


async def published_flow(
    session: AsyncSession, *, account_id: uuid.UUID, document: dict[str, Any]
) -> CallFlow:
    """A flow created and published through the service (so it is checked exactly as the API would)."""
    auth = owner_of(account_id)
    flow = await service.create_flow(
        session, auth, FlowCreate(name=unique_name("Flow"), graph=FlowGraph.model_validate(document))
    )
    return await service.publish_flow(session, auth, flow.id)


async def flow_campaign(
    session: AsyncSession, *, account_id: uuid.UUID, document: dict[str, Any], **fields: Any
) -> tuple[Campaign, PhoneNumber, CallFlow]:
    """An active campaign answered by ``document`` (published), with a tracking number."""
    flow = await published_flow(session, account_id=account_id, document=document)
    campaign = await make_campaign(session, account_id=account_id, flow_id=flow.id, **fields)
    number = await make_number(session, campaign=campaign)
    return campaign, number, flow


async def call_of(session: AsyncSession, call_sid: str) -> Call:
    call = (await session.scalars(select(Call).where(Call.call_sid == call_sid))).one()
    await session.refresh(call)
    return call


async def journey(session: AsyncSession, call: Call) -> list[CallEvent]:
    rows = await session.scalars(
        select(CallEvent).where(CallEvent.call_id == call.id).order_by(CallEvent.seq)
    )
    return list(rows)


async def flow_notes(session: AsyncSession, call: Call) -> list[dict[str, Any]]:
    """The details of the call's ``flow_node`` journey events, in order."""
    return [e.detail for e in await journey(session, call) if e.type == "flow_node"]


async def branches(session: AsyncSession, call: Call) -> list[tuple[str, str]]:
    """(node, output) for every branch the call took through its flow."""
    return [(n["node_id"], n["handle"]) for n in await flow_notes(session, call) if n["event"] == "branch"]


async def flow_session_of(session: AsyncSession, call: Call) -> FlowSession:
    row = (await session.scalars(select(FlowSession).where(FlowSession.call_id == call.id))).one()
    await session.refresh(row)
    return row


@dataclass
class QueuedPixel:
    call_id: uuid.UUID
    url: str
    method: str
    headers: dict[str, str]
    body: str | None


@dataclass
class RecordedPixels:
    """A PixelSink that keeps every request queued (the integrations outbox plugs in the real one)."""

    queued: list[QueuedPixel] = field(default_factory=list)

    async def enqueue(
        self,
        session: AsyncSession,
        call: Call,
        *,
        url: str,
        method: str,
        headers: dict[str, str],
        body: str | None,
    ) -> None:
        self.queued.append(QueuedPixel(call.id, url, method, headers, body))
