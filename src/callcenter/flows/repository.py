"""SQL of call flows: the API side scoped to the caller's account, the webhook side by session id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.kit.listing import sorting
from callcenter.kit.pagination import PageParams, paginate
from callcenter.kit.repository import Tenant, TenantRepository
from callcenter.models.calls import Call, CallEvent
from callcenter.models.campaigns import Campaign
from callcenter.models.flows import CallFlow, CallFlowVersion, FlowSession, FlowSessionStatus

parse_flow_sort = sorting(
    {"name": CallFlow.name, "created_at": CallFlow.created_at, "updated_at": CallFlow.updated_at}, "name"
)


class FlowRepository(TenantRepository[CallFlow]):
    model = CallFlow
    resource = "call flow"

    async def search(
        self, tenant: Tenant, page: PageParams, *, name_contains: str | None, order_by: Sequence[Any]
    ) -> tuple[list[CallFlow], int]:
        where: list[ColumnElement[bool]] = []
        if name_contains:
            where.append(CallFlow.name.icontains(name_contains, autoescape=True))
        return await self.list(tenant, page, where=where, order_by=order_by)

    async def name_taken(self, tenant: Tenant, name: str) -> bool:
        statement = select(exists().where(CallFlow.account_id == tenant.account_id, CallFlow.name == name))
        return bool(await self.session.scalar(statement))

    async def is_published(self, tenant: Tenant, flow_id: uuid.UUID) -> bool | None:
        """None when the account has no such flow; else whether it has a published version."""
        statement = select(CallFlow.published_version).where(
            CallFlow.account_id == tenant.account_id, CallFlow.id == flow_id
        )
        row = (await self.session.execute(statement)).one_or_none()
        return None if row is None else row[0] is not None

    async def campaigns_using(self, tenant: Tenant, flow_id: uuid.UUID) -> list[str]:
        statement = (
            select(Campaign.name)
            .where(Campaign.account_id == tenant.account_id, Campaign.flow_id == flow_id)
            .order_by(Campaign.name)
        )
        return list(await self.session.scalars(statement))

    async def versions(
        self, tenant: Tenant, flow_id: uuid.UUID, page: PageParams
    ) -> tuple[list[CallFlowVersion], int]:
        statement = (
            select(CallFlowVersion)
            .where(CallFlowVersion.account_id == tenant.account_id, CallFlowVersion.flow_id == flow_id)
            .order_by(CallFlowVersion.version.desc())
        )
        return await paginate(self.session, statement, page)

    async def version(self, tenant: Tenant, flow_id: uuid.UUID, version: int) -> CallFlowVersion | None:
        statement = select(CallFlowVersion).where(
            CallFlowVersion.account_id == tenant.account_id,
            CallFlowVersion.flow_id == flow_id,
            CallFlowVersion.version == version,
        )
        return (await self.session.scalars(statement)).one_or_none()


@dataclass(frozen=True, slots=True)
class SessionCounts:
    executions: int
    completed: int
    failed: int
    dropped: int
    in_progress: int
    exits: dict[str, int]
    dropped_at: dict[str, int]


class FlowAnalyticsRepository:
    """Executions, exits and drop-offs from the sessions; node and branch counts from the journey."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def _sessions(
        tenant: Tenant,
        flow_id: uuid.UUID,
        version: int | None,
        since: datetime | None,
        until: datetime | None,
    ) -> list[ColumnElement[bool]]:
        where = [FlowSession.account_id == tenant.account_id, FlowSession.flow_id == flow_id]
        if version is not None:
            where.append(FlowSession.version == version)
        if since is not None:
            where.append(FlowSession.created_at >= since)
        if until is not None:
            where.append(FlowSession.created_at < until)
        return where

    async def session_counts(
        self,
        tenant: Tenant,
        flow_id: uuid.UUID,
        *,
        version: int | None,
        since: datetime | None,
        until: datetime | None,
    ) -> SessionCounts:
        where = self._sessions(tenant, flow_id, version, since, until)
        # A session still waiting when its call has ended is a caller who hung up at that node.
        call_ended = Call.provider_status.is_not(None)
        rows = await self.session.execute(
            select(FlowSession.status, FlowSession.exit, FlowSession.node_id, call_ended, func.count())
            .join(Call, Call.id == FlowSession.call_id)
            .where(*where)
            .group_by(FlowSession.status, FlowSession.exit, FlowSession.node_id, call_ended)
        )
        executions = completed = failed = dropped = in_progress = 0
        exits: dict[str, int] = {}
        dropped_at: dict[str, int] = {}
        for status, exit, node_id, ended, count in rows:
            executions += count
            if status == FlowSessionStatus.COMPLETED:
                completed += count
                exits[str(exit)] = exits.get(str(exit), 0) + count
            elif status == FlowSessionStatus.FAILED:
                failed += count
            elif ended:
                dropped += count
                dropped_at[str(node_id)] = dropped_at.get(str(node_id), 0) + count
            else:
                in_progress += count
        return SessionCounts(executions, completed, failed, dropped, in_progress, exits, dropped_at)

    async def node_counts(
        self,
        tenant: Tenant,
        flow_id: uuid.UUID,
        *,
        version: int | None,
        since: datetime | None,
        until: datetime | None,
    ) -> list[tuple[str, str, str | None, int]]:
        """(node id, event, handle, count) for node entries and branches taken, from the journey."""
        node_id = CallEvent.detail["node_id"].as_string()
        event = CallEvent.detail["event"].as_string()
        handle = CallEvent.detail["handle"].as_string()
        statement = (
            select(node_id, event, handle, func.count())
            .join(
                FlowSession,
                and_(
                    FlowSession.call_id == CallEvent.call_id,
                    *self._sessions(tenant, flow_id, version, since, until),
                ),
            )
            .where(CallEvent.type == "flow_node", event.in_(("entered", "branch")))
            .group_by(node_id, event, handle)
        )
        return [(str(n), str(e), h, int(c)) for n, e, h, c in await self.session.execute(statement)]


# --- the webhook side: no user, the session id comes from Twilio's request ---------------------------


async def published_version(session: AsyncSession, flow_id: uuid.UUID) -> tuple[uuid.UUID, int] | None:
    """The id and number of the flow's latest published version."""
    statement = (
        select(CallFlowVersion.id, CallFlowVersion.version)
        .join(
            CallFlow,
            and_(
                CallFlow.id == CallFlowVersion.flow_id, CallFlow.published_version == CallFlowVersion.version
            ),
        )
        .where(CallFlow.id == flow_id)
    )
    row = (await session.execute(statement)).one_or_none()
    return None if row is None else (row[0], row[1])


async def version_graph(session: AsyncSession, version_id: uuid.UUID) -> dict[str, Any] | None:
    graph: dict[str, Any] | None = await session.scalar(
        select(CallFlowVersion.graph).where(CallFlowVersion.id == version_id)
    )
    return graph


async def session_with_call(
    session: AsyncSession, session_id: uuid.UUID, *, for_update: bool = False
) -> tuple[FlowSession, Call, str, int] | None:
    """The flow session, its call, the campaign's time zone and the call's last journey sequence
    number, in one round trip; the session and the call are locked when ``for_update``."""
    last_seq = select(func.coalesce(func.max(CallEvent.seq), 0)).where(CallEvent.call_id == Call.id)
    statement = (
        select(FlowSession, Call, Campaign.timezone, last_seq.scalar_subquery())
        .join(Call, Call.id == FlowSession.call_id)
        .join(Campaign, Campaign.id == Call.campaign_id)
        .where(FlowSession.id == session_id)
    )
    if for_update:
        statement = statement.with_for_update(of=[FlowSession.__table__, Call.__table__])
    row = (await session.execute(statement)).one_or_none()
    return None if row is None else (row[0], row[1], row[2], int(row[3]))


async def session_of_call(session: AsyncSession, call_id: uuid.UUID) -> FlowSession | None:
    return (await session.scalars(select(FlowSession).where(FlowSession.call_id == call_id))).one_or_none()


async def original_target(session: AsyncSession, call_id: uuid.UUID) -> uuid.UUID | None:
    """The target that took an earlier call (for duplicates routed back to it)."""
    target: uuid.UUID | None = await session.scalar(select(Call.target_id).where(Call.id == call_id))
    return target
