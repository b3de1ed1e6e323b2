"""Logging in and out, resolving sessions and API keys.

Business rules:
- A wrong email and a wrong password get the same 401 and the same message, after the same work.
- Login attempts are limited per email and per client IP within a window; past the limit the answer is
  429 with ``Retry-After``, checked before the password so that guessing costs nothing but time. A
  successful login clears the email's counter.
- A session expires after ``session_idle_minutes`` without use, and in any case ``session_absolute_hours``
  after login. ``last_seen_at`` is written at most once a minute, not on every request.
- API keys are stored as SHA-256 digests and stop working the moment they are revoked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.context import AuthContext, AuthMethod
from callcenter.auth.passwords import verify_password
from callcenter.auth.permissions import can_grant
from callcenter.auth.repository import ApiKeyRepository
from callcenter.auth.schemas import ApiKeyCreate
from callcenter.auth.tokens import digest, new_api_key, new_session_token
from callcenter.kit.errors import Forbidden, NotFound, TooManyRequests, Unauthorized
from callcenter.live import LiveState
from callcenter.models.accounts import Account, ApiKey, LoginSession, User
from callcenter.models.base import utcnow
from callcenter.settings import Settings

INVALID_CREDENTIALS = "Invalid email or password"
SEEN_WRITE_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str
    user: User
    max_age_seconds: int


async def _check_login_rate(live: LiveState, settings: Settings, *, email: str, ip: str) -> None:
    window = settings.login_window_seconds
    for key, limit in (
        (f"login:email:{email}", settings.login_attempts_per_email),
        (f"login:ip:{ip}", settings.login_attempts_per_ip),
    ):
        decision = await live.hit(key, limit=limit, window_s=window)
        if not decision.allowed:
            raise TooManyRequests(
                "Too many login attempts; try again later", retry_after_s=decision.retry_after_s
            )


async def login(
    session: AsyncSession,
    live: LiveState,
    settings: Settings,
    *,
    email: str,
    password: str,
    ip: str,
    user_agent: str | None,
) -> NewSession:
    email = email.strip().lower()
    await _check_login_rate(live, settings, email=email, ip=ip)
    user = await session.scalar(select(User).where(User.email == email))
    password_ok = await verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.is_active:
        raise Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")
    await live.reset(f"login:email:{email}")
    now = utcnow()
    token = new_session_token()
    absolute = timedelta(hours=settings.session_absolute_hours)
    session.add(
        LoginSession(
            user_id=user.id,
            token_hash=digest(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + absolute,
            ip=ip[:64],
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    user.last_login_at = now
    await session.flush()
    return NewSession(token=token, user=user, max_age_seconds=int(absolute.total_seconds()))


async def logout(session: AsyncSession, token: str) -> None:
    row = await session.scalar(select(LoginSession).where(LoginSession.token_hash == digest(token)))
    if row is not None:
        await session.delete(row)
        await session.flush()


async def resolve_session(session: AsyncSession, settings: Settings, token: str) -> AuthContext | None:
    result = await session.execute(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.token_hash == digest(token))
    )
    found = result.one_or_none()
    if found is None:
        return None
    login_session, user = found
    now = utcnow()
    idle_limit = login_session.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    if now >= login_session.expires_at or now >= idle_limit or not user.is_active:
        return None
    if now - login_session.last_seen_at >= SEEN_WRITE_INTERVAL:
        login_session.last_seen_at = now
    return AuthContext(account_id=user.account_id, role=user.role, method=AuthMethod.SESSION, user_id=user.id)


async def resolve_api_key(session: AsyncSession, key: str) -> AuthContext | None:
    row = await session.scalar(select(ApiKey).where(ApiKey.key_hash == digest(key)))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= SEEN_WRITE_INTERVAL:
        row.last_used_at = now
    return AuthContext(account_id=row.account_id, role=row.role, method=AuthMethod.API_KEY, api_key_id=row.id)


async def user_with_account(session: AsyncSession, user_id: uuid.UUID | None) -> tuple[User, Account]:
    """The user and their account; an API key (no user) has no profile and gets 404."""
    if user_id is None:
        raise NotFound("user")
    result = await session.execute(
        select(User, Account).join(Account, Account.id == User.account_id).where(User.id == user_id)
    )
    user, account = result.one()
    return user, account


async def create_api_key(session: AsyncSession, auth: AuthContext, data: ApiKeyCreate) -> tuple[ApiKey, str]:
    role = data.role or auth.role
    if not can_grant(auth.role, role):
        raise Forbidden("An API key cannot have a higher role than its creator")
    key = new_api_key()
    row = ApiKey(
        account_id=auth.account_id,
        name=data.name,
        prefix=key[:10],
        key_hash=digest(key),
        role=role,
        created_by_id=auth.user_id,
    )
    session.add(row)
    await session.flush()
    return row, key


async def revoke_api_key(session: AsyncSession, auth: AuthContext, key_id: uuid.UUID) -> ApiKey:
    row = await ApiKeyRepository(session).get(auth, key_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        await session.flush()
    return row
