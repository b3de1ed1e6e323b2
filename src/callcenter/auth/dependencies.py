"""Typed dependencies that authenticate a request and check its permission.

A request authenticates with ``Authorization: Bearer <api key>`` or with the session cookie. A
cookie-authenticated request that changes something must carry ``X-Requested-With: XMLHttpRequest``:
browsers never add that header to a cross-site form post, and adding it from another origin needs a CORS
preflight we never grant, so this blocks cross-site request forgery.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from callcenter.auth import service
from callcenter.auth.context import AuthContext
from callcenter.auth.permissions import Permission
from callcenter.kit.db import DbSession
from callcenter.kit.errors import Forbidden, Unauthorized
from callcenter.settings import Settings

SESSION_COOKIE = "cc_session"
CSRF_HEADER = "x-requested-with"
CSRF_VALUE = "XMLHttpRequest"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_app_settings)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


async def current_auth(request: Request, session: DbSession, settings: AppSettings) -> AuthContext:
    key = _bearer(request)
    if key is not None:
        auth = await service.resolve_api_key(session, key)
        if auth is None:
            raise Unauthorized("Invalid or revoked API key")
        return auth
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthorized("Authentication required")
    auth = await service.resolve_session(session, settings, token)
    if auth is None:
        raise Unauthorized("Your session has expired; please log in again", code="session_expired")
    if request.method not in SAFE_METHODS and request.headers.get(CSRF_HEADER) != CSRF_VALUE:
        raise Forbidden(f"Missing {CSRF_HEADER}: {CSRF_VALUE} header", code="csrf_failed")
    return auth


Authenticated = Annotated[AuthContext, Depends(current_auth)]


def require(permission: Permission) -> Callable[[AuthContext], Awaitable[AuthContext]]:
    async def _check(auth: Authenticated) -> AuthContext:
        if not auth.can(permission):
            raise Forbidden(f"Your role ({auth.role}) does not allow this")
        return auth

    _check.__name__ = f"require_{permission}"
    return _check


UsersManage = Annotated[AuthContext, Depends(require(Permission.USERS_MANAGE))]
ApiKeysManage = Annotated[AuthContext, Depends(require(Permission.API_KEYS_MANAGE))]
ConfigRead = Annotated[AuthContext, Depends(require(Permission.CONFIG_READ))]
ConfigWrite = Annotated[AuthContext, Depends(require(Permission.CONFIG_WRITE))]
CallsRead = Annotated[AuthContext, Depends(require(Permission.CALLS_READ))]
ReportsRead = Annotated[AuthContext, Depends(require(Permission.REPORTS_READ))]
