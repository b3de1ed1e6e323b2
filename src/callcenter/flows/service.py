"""Call flows: drafts, publishing, versions, export/import, templates, analytics, and the campaign's
reference to a flow.

Business rules:
- A flow's name (1-200 characters) is unique within the account (a clash is a 422 on ``name``).
- Saving (create or update) checks each node's settings (422 naming the node, see ``graph.py``) and
  stores the draft even when the graph is not complete yet; the flow then lists its ``issues``.
- Publishing copies the draft into a new immutable version (1, 2, 3...) that every new call of the
  campaigns using the flow runs; a call already inside the flow finishes on the version it started.
  A draft with issues cannot be published: 422 ``flow_invalid`` whose details name each node. Publishing
  a draft identical to the published version changes nothing.
- A campaign may point only at a flow of its own account that has a published version (422 on
  ``flow_id`` otherwise). A flow that a campaign points at cannot be deleted (409): unset the campaign's
  ``flow_id`` first. Deleting a flow removes its versions and the flow sessions of past calls (their
  journeys stay on the calls).
- Export gives the draft (or a version) as a portable document; import creates a new flow from one,
  with the same checks as saving.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext
from callcenter.flows.graph import FlowGraph, check_graph
from callcenter.flows.repository import FlowAnalyticsRepository, FlowRepository
from callcenter.flows.schemas import (
    FlowAnalytics,
    FlowCreate,
    FlowDocument,
    FlowUpdate,
    NodeAnalytics,
)
from callcenter.flows.templates import BY_KEY, STARTER_GRAPH, TEMPLATES, Template
from callcenter.kit.errors import AppError, Conflict, FieldError, NotFound
from callcenter.kit.listing import SortOrder
from callcenter.kit.pagination import PageParams
from callcenter.kit.repository import Tenant
from callcenter.kit.unique import flush_unique
from callcenter.models.base import utcnow
from callcenter.models.flows import CallFlow, CallFlowVersion

NAME_TAKEN = "a call flow with this name already exists"
FLOW_NOT_FOUND = "call flow not found"
FLOW_NOT_PUBLISHED = "the call flow has no published version; publish it first"


def _document(graph: FlowGraph) -> dict[str, Any]:
    """The graph as stored: every default filled in, so a later change of a default never changes
    what a saved flow does."""
    return graph.model_dump(mode="json")


def _digest(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _set_graph(flow: CallFlow, graph: FlowGraph) -> None:
    flow.graph = _document(graph)
    flow.draft_digest = _digest(flow.graph)


async def _flush_named(session: AsyncSession) -> None:
    await flush_unique(
        session, table="call_flows", columns=("account_id", "name"), error=FieldError("name", NAME_TAKEN)
    )


async def list_flows(
    session: AsyncSession, auth: AuthContext, *, q: str | None, page: PageParams, order: SortOrder
) -> tuple[list[CallFlow], int]:
    return await FlowRepository(session).search(
        auth, page, name_contains=(q or "").strip() or None, order_by=order
    )


async def get_flow(session: AsyncSession, auth: AuthContext, flow_id: uuid.UUID) -> CallFlow:
    return await FlowRepository(session).get(auth, flow_id)


async def _create(
    session: AsyncSession, auth: AuthContext, *, name: str, description: str, graph: FlowGraph
) -> CallFlow:
    flow = CallFlow(account_id=auth.account_id, name=name, description=description)
    _set_graph(flow, graph)
    session.add(flow)
    await _flush_named(session)
    return flow


async def create_flow(session: AsyncSession, auth: AuthContext, data: FlowCreate) -> CallFlow:
    if data.graph is not None:
        graph = data.graph
    else:
        source = BY_KEY[data.template].graph if data.template is not None else STARTER_GRAPH
        graph = FlowGraph.model_validate(source)
    return await _create(session, auth, name=data.name, description=data.description, graph=graph)


async def update_flow(
    session: AsyncSession, auth: AuthContext, flow_id: uuid.UUID, data: FlowUpdate
) -> CallFlow:
    flow = await FlowRepository(session).get(auth, flow_id, for_update=True)
    changes = data.model_dump(exclude_unset=True, exclude={"graph"})
    for field, value in changes.items():
        setattr(flow, field, value)
    if data.graph is not None:
        _set_graph(flow, data.graph)
    await _flush_named(session)
    return flow


async def delete_flow(session: AsyncSession, auth: AuthContext, flow_id: uuid.UUID) -> None:
    repository = FlowRepository(session)
    flow = await repository.get(auth, flow_id, for_update=True)
    campaigns = await repository.campaigns_using(auth, flow.id)
    if campaigns:
        raise Conflict(
            f"The call flow is used by {len(campaigns)} campaign(s); set their flow to none first",
            details={"campaigns": campaigns},
        )
    await repository.delete(flow)


async def publish_flow(session: AsyncSession, auth: AuthContext, flow_id: uuid.UUID) -> CallFlow:
    # The row lock serialises concurrent publishes of one flow, so version numbers never clash.
    flow = await FlowRepository(session).get(auth, flow_id, for_update=True)
    graph = FlowGraph.model_validate(flow.graph)
    issues = check_graph(graph)
    if issues:
        details = [
            {
                "field": f"graph.nodes.{issue.node_id}" if issue.node_id else "graph",
                "node_id": issue.node_id,
                "code": issue.code,
                "message": issue.message,
                "handle": issue.handle,
            }
            for issue in issues
        ]
        raise AppError(
            f"The flow cannot be published: {len(issues)} problem(s) to fix",
            code="flow_invalid",
            status_code=422,
            details=details,
        )
    if flow.published_digest == flow.draft_digest:
        return flow
    version = (flow.published_version or 0) + 1
    now = utcnow()
    session.add(
        CallFlowVersion(
            account_id=flow.account_id,
            flow_id=flow.id,
            version=version,
            graph=flow.graph,
            digest=flow.draft_digest,
            published_at=now,
            published_by=auth.user_id,
        )
    )
    flow.published_version, flow.published_digest, flow.published_at = version, flow.draft_digest, now
    await session.flush()
    return flow


async def list_versions(
    session: AsyncSession, auth: AuthContext, flow_id: uuid.UUID, page: PageParams
) -> tuple[list[CallFlowVersion], int]:
    repository = FlowRepository(session)
    flow = await repository.get(auth, flow_id)
    return await repository.versions(auth, flow.id, page)


async def get_version(
    session: AsyncSession, auth: AuthContext, flow_id: uuid.UUID, version: int
) -> CallFlowVersion:
    found = await FlowRepository(session).version(auth, flow_id, version)
    if found is None:
        raise NotFound("call flow version")
    return found


async def export_flow(
    session: AsyncSession, auth: AuthContext, flow_id: uuid.UUID, version: int | None
) -> FlowDocument:
    flow = await FlowRepository(session).get(auth, flow_id)
    graph = flow.graph if version is None else (await get_version(session, auth, flow_id, version)).graph
    return FlowDocument(name=flow.name, description=flow.description, graph=FlowGraph.model_validate(graph))


async def import_flow(session: AsyncSession, auth: AuthContext, document: FlowDocument) -> CallFlow:
    return await _create(
        session, auth, name=document.name, description=document.description, graph=document.graph
    )


def templates() -> tuple[Template, ...]:
    return TEMPLATES


async def check_campaign_flow(session: AsyncSession, tenant: Tenant, flow_id: uuid.UUID | None) -> None:
    """For campaigns: ``flow_id`` must be a published flow of the same account (422 on ``flow_id``).
    Another account's flow reads exactly like a missing one, so nothing about it leaks."""
    if flow_id is None:
        return
    published = await FlowRepository(session).is_published(tenant, flow_id)
    if published is None:
        raise FieldError("flow_id", FLOW_NOT_FOUND)
    if not published:
        raise FieldError("flow_id", FLOW_NOT_PUBLISHED)


@dataclass(frozen=True, slots=True)
class AnalyticsWindow:
    version: int | None = None
    since: datetime | None = None
    until: datetime | None = None


async def analytics(
    session: AsyncSession, auth: AuthContext, flow_id: uuid.UUID, window: AnalyticsWindow
) -> FlowAnalytics:
    """Executions, completion and drop-off of the flow's calls, and per node: entries, callers lost
    there, and the outputs taken. Nodes are listed in the order of the version read (the one asked
    for, else the draft), then any node only older versions had."""
    flow = await FlowRepository(session).get(auth, flow_id)
    graph_document = flow.graph
    if window.version is not None:
        graph_document = (await get_version(session, auth, flow_id, window.version)).graph
    repository = FlowAnalyticsRepository(session)
    counts = await repository.session_counts(
        auth, flow.id, version=window.version, since=window.since, until=window.until
    )
    node_rows = await repository.node_counts(
        auth, flow.id, version=window.version, since=window.since, until=window.until
    )
    entered: dict[str, int] = {}
    branches: dict[str, dict[str, int]] = {}
    for node_id, event, handle, count in node_rows:
        if event == "entered":
            entered[node_id] = entered.get(node_id, 0) + count
        elif handle is not None:
            per_node = branches.setdefault(node_id, {})
            per_node[handle] = per_node.get(handle, 0) + count
    graph = FlowGraph.model_validate(graph_document)
    described = {node.id: node for node in graph.nodes}
    seen = set(entered) | set(branches) | set(counts.dropped_at)
    order = [node.id for node in graph.nodes] + sorted(seen - set(described))
    nodes = [
        NodeAnalytics(
            node_id=node_id,
            kind=described[node_id].type if node_id in described else None,
            label=described[node_id].label if node_id in described else None,
            entered=entered.get(node_id, 0),
            dropped=counts.dropped_at.get(node_id, 0),
            branches=branches.get(node_id, {}),
        )
        for node_id in order
    ]
    return FlowAnalytics(
        flow_id=flow.id,
        version=window.version,
        executions=counts.executions,
        completed=counts.completed,
        failed=counts.failed,
        dropped=counts.dropped,
        in_progress=counts.in_progress,
        completion_rate=round(counts.completed / counts.executions, 4) if counts.executions else 0.0,
        exits=counts.exits,
        nodes=nodes,
    )
