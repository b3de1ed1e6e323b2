"""``/api/auth`` (login, logout, current user) and ``/api/api-keys``."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from callcenter.auth import service
from callcenter.auth.dependencies import SESSION_COOKIE, ApiKeysManage, AppSettings, Authenticated
from callcenter.auth.repository import ApiKeyRepository
from callcenter.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead, CurrentUser, LoginRequest
from callcenter.kit.db import DbSession
from callcenter.kit.live_dependency import Live
from callcenter.kit.pagination import Page, Pagination
from callcenter.models.accounts import ApiKey

router = APIRouter(prefix="/api", tags=["auth"])


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/auth/login", response_model=CurrentUser)
async def login(
    data: LoginRequest,
    request: Request,
    response: Response,
    session: DbSession,
    live: Live,
    settings: AppSettings,
) -> CurrentUser:
    new = await service.login(
        session,
        live,
        settings,
        email=data.email,
        password=data.password,
        ip=_client_ip(request),
        user_agent=request.headers.get("user-agent"),
    )
    response.set_cookie(
        SESSION_COOKIE,
        new.token,
        max_age=new.max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    return CurrentUser.of(*await service.user_with_account(session, new.user.id))


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(request: Request, _: Authenticated, session: DbSession, settings: AppSettings) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await service.logout(session, token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.cookie_secure
    )
    return response


@router.get("/auth/user", response_model=CurrentUser)
async def get_current_user(auth: Authenticated, session: DbSession) -> CurrentUser:
    return CurrentUser.of(*await service.user_with_account(session, auth.user_id))


@router.get("/api-keys", response_model=Page[ApiKeyRead])
async def list_api_keys(auth: ApiKeysManage, session: DbSession, page: Pagination) -> Page[ApiKeyRead]:
    rows, total = await ApiKeyRepository(session).list(auth, page, order_by=[ApiKey.created_at.desc()])
    return Page(items=[ApiKeyRead.model_validate(r) for r in rows], total=total)


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED)
async def create_api_key(data: ApiKeyCreate, auth: ApiKeysManage, session: DbSession) -> ApiKeyCreated:
    row, key = await service.create_api_key(session, auth, data)
    return ApiKeyCreated.model_validate({**ApiKeyRead.model_validate(row).model_dump(), "key": key})


@router.get("/api-keys/{key_id}", response_model=ApiKeyRead)
async def get_api_key(key_id: uuid.UUID, auth: ApiKeysManage, session: DbSession) -> ApiKeyRead:
    return ApiKeyRead.model_validate(await ApiKeyRepository(session).get(auth, key_id))


@router.delete("/api-keys/{key_id}", response_model=ApiKeyRead)
async def revoke_api_key(key_id: uuid.UUID, auth: ApiKeysManage, session: DbSession) -> ApiKeyRead:
    """Revokes the key; it is kept (revoked) so that audit trails still name it."""
    return ApiKeyRead.model_validate(await service.revoke_api_key(session, auth, key_id))
