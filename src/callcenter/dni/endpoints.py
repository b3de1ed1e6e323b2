"""HTTP routes of the dni domain.

``router`` (under ``/api``): ``/api/tracking-tags`` (CRUD) and ``/api/pools/{id}/health``.
``tracking_router``: the public ``/api/dni/track``, a router of its own so that the app can match it
before the ~150 API routes (it runs while a landing page renders). ``script_router``: ``GET /js/t.js``,
outside ``/api`` so that the snippet stays short.

``/api/dni/track`` is called by t.js from any landing page's origin: it answers with
``Access-Control-Allow-Origin: *`` (errors too, so the browser console shows why) and accepts its JSON
body with any content type, because t.js posts it as ``text/plain`` to avoid a CORS preflight round trip
before the visitor sees the number. Preflights are answered all the same.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import ValidationError

from callcenter.auth.dependencies import AppSettings, ConfigRead, ConfigWrite
from callcenter.dni import script, service, tracking
from callcenter.dni.schemas import (
    PoolHealth,
    TagCreate,
    TagFilters,
    TagRead,
    TagUpdate,
    TrackRequest,
    TrackResponse,
)
from callcenter.kit.db import Database, DbSession
from callcenter.kit.errors import AppError
from callcenter.kit.listing import SortOrder, sorting
from callcenter.kit.pagination import Page, Pagination
from callcenter.live import LiveState
from callcenter.models.base import utcnow
from callcenter.models.dni import TrackingTag
from callcenter.settings import Settings

router = APIRouter(prefix="/api", tags=["dni"])
tracking_router = APIRouter(prefix="/api", tags=["dni"])
script_router = APIRouter(tags=["dni"])

TAG = "/tracking-tags/{tag_id}"
CORS = {"Access-Control-Allow-Origin": "*"}
PREFLIGHT = {
    **CORS,
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
}

TagSort = Annotated[
    SortOrder,
    Depends(
        sorting(
            {"name": TrackingTag.name, "code": TrackingTag.code, "created_at": TrackingTag.created_at}, "name"
        )
    ),
]


@router.get("/tracking-tags", response_model=Page[TagRead])
async def list_tags(
    auth: ConfigRead,
    session: DbSession,
    settings: AppSettings,
    page: Pagination,
    filters: Annotated[TagFilters, Query()],
    order: TagSort,
) -> Page[TagRead]:
    rows, total = await service.list_tags(session, auth, filters, page=page, order=order)
    return Page(items=[TagRead.of(r, public_url=settings.public_url) for r in rows], total=total)


@router.post("/tracking-tags", response_model=TagRead, status_code=status.HTTP_201_CREATED)
async def create_tag(
    data: TagCreate, auth: ConfigWrite, session: DbSession, settings: AppSettings
) -> TagRead:
    return TagRead.of(await service.create_tag(session, auth, data), public_url=settings.public_url)


@router.get(TAG, response_model=TagRead)
async def get_tag(tag_id: uuid.UUID, auth: ConfigRead, session: DbSession, settings: AppSettings) -> TagRead:
    return TagRead.of(await service.get_tag(session, auth, tag_id), public_url=settings.public_url)


@router.patch(TAG, response_model=TagRead)
async def update_tag(
    tag_id: uuid.UUID, data: TagUpdate, auth: ConfigWrite, session: DbSession, settings: AppSettings
) -> TagRead:
    tag = await service.update_tag(session, auth, tag_id, data)
    return TagRead.of(tag, public_url=settings.public_url)


@router.delete(TAG, status_code=status.HTTP_204_NO_CONTENT)
async def delete_tag(tag_id: uuid.UUID, auth: ConfigWrite, session: DbSession) -> Response:
    """Deletes the tag: its script stops showing numbers; past visitor sessions stay with their calls."""
    await service.delete_tag(session, auth, tag_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/pools/{pool_id}/health", response_model=PoolHealth)
async def pool_health(
    pool_id: uuid.UUID,
    auth: ConfigRead,
    session: DbSession,
    hours: Annotated[int, Query(ge=1, le=720, description="The window looked at, in hours")] = 24,
) -> PoolHealth:
    """Size, numbers leased now, shortages and overflows in the window, and a recommended size."""
    return await service.pool_health(session, auth, pool_id, hours=hours, now=utcnow())


def _track_request(body: bytes) -> TrackRequest:
    try:
        return TrackRequest.model_validate_json(body or b"{}")
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]}
            for err in exc.errors()
        ]
        raise AppError(
            "The request has invalid fields", status_code=422, code="validation_error", details=details
        ) from None


@tracking_router.post(
    "/dni/track",
    response_model=TrackResponse,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": TrackRequest.model_json_schema()}},
        }
    },
)
async def track(request: Request) -> Response:
    """Public (no login), called by t.js: the number this visitor sees, leased from the tag's pool."""
    # Lean on purpose, as it runs while a landing page renders: live state and settings come straight
    # from the app rather than through the (synchronous) typed dependencies, which FastAPI runs in a
    # worker thread; the transaction is the endpoint's own (committed before the answer is sent), and
    # the answer is serialised once, here, rather than validated again against the response model.
    live: LiveState = request.app.state.live
    settings: Settings = request.app.state.settings
    database: Database = request.app.state.database
    try:
        data = _track_request(await request.body())
        async with database.sessionmaker() as session:
            answer = await tracking.track(
                session,
                live,
                data,
                ip=request.client.host if request.client else "unknown",
                user_agent=request.headers.get("user-agent"),
                rate_per_minute=settings.dni_track_rate_per_minute,
                now=utcnow(),
            )
            if session.in_transaction():  # not when every statement ran on a borrowed connection
                await session.commit()
    except AppError as exc:
        exc.headers = {**(exc.headers or {}), **CORS}
        raise
    return Response(answer.model_dump_json(), media_type="application/json", headers=CORS)


@tracking_router.options("/dni/track", include_in_schema=False)
async def track_preflight() -> Response:
    return Response(status_code=status.HTTP_204_NO_CONTENT, headers=PREFLIGHT)


@script_router.get("/js/t.js", include_in_schema=False)
async def tracking_script(request: Request) -> Response:
    """The landing-page script; gzipped when the browser accepts it, 304 when it has this version."""
    served = script.script()
    gzipped = "gzip" in request.headers.get("accept-encoding", "")
    etag = served.gzip_etag if gzipped else served.etag
    headers = {"ETag": etag, "Cache-Control": script.CACHE_CONTROL, "Vary": "Accept-Encoding", **CORS}
    known = {tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")}
    if {served.etag, served.gzip_etag} & known:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    body = served.gzipped if gzipped else served.body
    return Response(body, media_type=script.MEDIA_TYPE, headers=headers)
