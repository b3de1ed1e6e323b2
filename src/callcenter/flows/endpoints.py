"""``/api/call-flows``: flows (draft graphs), publishing, versions, export/import, templates, analytics."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import AwareDatetime, Field

from callcenter.auth.dependencies import ConfigRead, ConfigWrite
from callcenter.flows import service
from callcenter.flows.repository import parse_flow_sort
from callcenter.flows.schemas import (
    FlowAnalytics,
    FlowCreate,
    FlowDocument,
    FlowRead,
    FlowSummary,
    FlowUpdate,
    FlowVersionRead,
    FlowVersionSummary,
    TemplateRead,
    flow_read,
    flow_summary,
)
from callcenter.kit.db import DbSession
from callcenter.kit.listing import SortOrder
from callcenter.kit.pagination import Page, Pagination

router = APIRouter(prefix="/api", tags=["flows"])

FLOW = "/call-flows/{flow_id}"
VersionNumber = Annotated[int, Field(ge=1)]


# Declared before /call-flows/{flow_id} so that "templates" is not read as a flow id.
@router.get("/call-flows/templates", response_model=Page[TemplateRead])
async def list_templates(auth: ConfigRead) -> Page[TemplateRead]:
    """Ready-made flows; create one with ``POST /api/call-flows {"name", "template": id}``."""
    items = [
        TemplateRead.model_validate(
            {"id": t.key, "name": t.name, "description": t.description, "graph": t.graph}
        )
        for t in service.templates()
    ]
    return Page(items=items, total=len(items))


@router.post("/call-flows/import", response_model=FlowRead, status_code=status.HTTP_201_CREATED)
async def import_flow(document: FlowDocument, auth: ConfigWrite, session: DbSession) -> FlowRead:
    """Creates a draft flow from an exported document (change ``name`` to import a copy)."""
    return flow_read(await service.import_flow(session, auth, document))


@router.get("/call-flows", response_model=Page[FlowSummary])
async def list_flows(
    auth: ConfigRead,
    session: DbSession,
    page: Pagination,
    order: Annotated[SortOrder, Depends(parse_flow_sort)],
    q: Annotated[
        str | None, Query(max_length=200, pattern=r"^[^\x00]*$", description="Name contains")
    ] = None,
) -> Page[FlowSummary]:
    rows, total = await service.list_flows(session, auth, q=q, page=page, order=order)
    return Page(items=[flow_summary(row) for row in rows], total=total)


@router.post("/call-flows", response_model=FlowRead, status_code=status.HTTP_201_CREATED)
async def create_flow(data: FlowCreate, auth: ConfigWrite, session: DbSession) -> FlowRead:
    return flow_read(await service.create_flow(session, auth, data))


@router.get(FLOW, response_model=FlowRead)
async def get_flow(flow_id: uuid.UUID, auth: ConfigRead, session: DbSession) -> FlowRead:
    """The draft with its issues (an empty list means it can be published)."""
    return flow_read(await service.get_flow(session, auth, flow_id))


@router.patch(FLOW, response_model=FlowRead)
async def update_flow(
    flow_id: uuid.UUID, data: FlowUpdate, auth: ConfigWrite, session: DbSession
) -> FlowRead:
    return flow_read(await service.update_flow(session, auth, flow_id, data))


@router.delete(FLOW, status_code=status.HTTP_204_NO_CONTENT)
async def delete_flow(flow_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> Response:
    """Deletes the flow and its versions; 409 while a campaign uses it."""
    await service.delete_flow(session, auth, flow_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(FLOW + "/publish", response_model=FlowRead)
async def publish_flow(flow_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> FlowRead:
    """Publishes the draft as a new version; 422 ``flow_invalid`` listing each problem by node id."""
    return flow_read(await service.publish_flow(session, auth, flow_id))


@router.get(FLOW + "/versions", response_model=Page[FlowVersionSummary])
async def list_versions(
    flow_id: uuid.UUID, auth: ConfigRead, session: DbSession, page: Pagination
) -> Page[FlowVersionSummary]:
    """Published versions, newest first."""
    rows, total = await service.list_versions(session, auth, flow_id, page)
    return Page(items=[FlowVersionSummary.model_validate(row) for row in rows], total=total)


@router.get(FLOW + "/versions/{version}", response_model=FlowVersionRead)
async def get_version(
    flow_id: uuid.UUID, version: VersionNumber, auth: ConfigRead, session: DbSession
) -> FlowVersionRead:
    return FlowVersionRead.model_validate(await service.get_version(session, auth, flow_id, version))


@router.get(FLOW + "/export", response_model=FlowDocument)
async def export_flow(
    flow_id: uuid.UUID,
    auth: ConfigRead,
    session: DbSession,
    version: Annotated[int | None, Query(ge=1, description="A published version; default the draft")] = None,
) -> FlowDocument:
    return await service.export_flow(session, auth, flow_id, version)


@router.get(FLOW + "/analytics", response_model=FlowAnalytics)
async def flow_analytics(
    flow_id: uuid.UUID,
    auth: ConfigRead,
    session: DbSession,
    version: Annotated[int | None, Query(ge=1, description="One version; default all")] = None,
    since: Annotated[AwareDatetime | None, Query(description="Calls from this instant")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Calls before this instant")] = None,
) -> FlowAnalytics:
    window = service.AnalyticsWindow(version=version, since=since, until=until)
    return await service.analytics(session, auth, flow_id, window)
