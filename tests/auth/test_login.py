"""Logging in and out, session cookies, CSRF and login rate limiting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.dependencies import SESSION_COOKIE
from callcenter.models.accounts import LoginSession
from callcenter.models.base import utcnow
from tests.factories import CSRF, DEFAULT_PASSWORD, LoggedIn, api_client, create_account_with_user


async def test_login_sets_httponly_lax_session_cookie_and_returns_the_user(
    app, session: AsyncSession
) -> None:
    user = await create_account_with_user(session)
    async with api_client(app) as client:
        response = await client.post(
            "/api/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == user.email
    assert body["role"] == "owner"
    assert "password" not in response.text and "hash" not in response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # PUBLIC_URL is http in tests


async def test_session_cookie_is_secure_when_public_url_is_https(app, session: AsyncSession) -> None:
    app.state.settings = app.state.settings.model_copy(update={"public_url": "https://calls.example.com"})
    user = await create_account_with_user(session)
    async with api_client(app) as client:
        response = await client.post(
            "/api/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
    assert "Secure" in response.headers["set-cookie"]


async def test_login_email_is_case_insensitive(app, session: AsyncSession) -> None:
    user = await create_account_with_user(session)
    async with api_client(app) as client:
        response = await client.post(
            "/api/auth/login", json={"email": user.email.upper(), "password": DEFAULT_PASSWORD}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("wrong", ["password", "email"])
async def test_wrong_credentials_get_the_same_generic_401(app, session: AsyncSession, wrong: str) -> None:
    user = await create_account_with_user(session)
    credentials = {"email": user.email, "password": DEFAULT_PASSWORD}
    credentials[wrong] = "nobody@example.com" if wrong == "email" else "wrong password"
    async with api_client(app) as client:
        response = await client.post("/api/auth/login", json=credentials)
    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "invalid_credentials",
        "message": "Invalid email or password",
        "details": None,
    }


async def test_current_user_requires_authentication(client) -> None:
    response = await client.get("/api/auth/user")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


async def test_current_user_is_returned_for_a_logged_in_session(owner: LoggedIn) -> None:
    response = await owner.client.get("/api/auth/user")
    assert response.status_code == 200
    assert response.json()["id"] == str(owner.user.id)
    assert response.json()["account_name"] == "Acme Calls"


async def test_logout_ends_the_session(owner: LoggedIn) -> None:
    response = await owner.client.post("/api/auth/logout")
    assert response.status_code == 204
    assert (await owner.client.get("/api/auth/user")).status_code == 401


async def test_cookie_authenticated_mutation_without_csrf_header_is_403(owner: LoggedIn) -> None:
    response = await owner.client.post("/api/api-keys", json={"name": "ci"}, headers={"X-Requested-With": ""})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert (await owner.client.get("/api/api-keys")).json()["total"] == 0


async def test_cookie_authenticated_read_needs_no_csrf_header(owner: LoggedIn) -> None:
    response = await owner.client.get("/api/auth/user", headers={"X-Requested-With": ""})
    assert response.status_code == 200


async def test_session_expires_after_idle_time(app, owner: LoggedIn, session: AsyncSession) -> None:
    idle = timedelta(minutes=app.state.settings.session_idle_minutes)
    await session.execute(update(LoginSession).values(last_seen_at=utcnow() - idle - timedelta(seconds=1)))
    response = await owner.client.get("/api/auth/user")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_expired"


async def test_session_expires_at_absolute_limit_even_when_active(
    owner: LoggedIn, session: AsyncSession
) -> None:
    await session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert (await owner.client.get("/api/auth/user")).status_code == 401


async def test_twenty_rapid_wrong_logins_for_one_email_are_rate_limited(app, session: AsyncSession) -> None:
    user = await create_account_with_user(session)
    statuses = []
    async with api_client(app) as client:
        for _ in range(20):
            response = await client.post("/api/auth/login", json={"email": user.email, "password": "nope"})
            statuses.append(response.status_code)
        # Even the right password is refused while the limit holds: that is what stops guessing.
        blocked = await client.post(
            "/api/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
    limit = app.state.settings.login_attempts_per_email
    assert statuses[:limit] == [401] * limit
    assert set(statuses[limit:]) == {429}
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    assert blocked.json()["error"]["code"] == "rate_limited"


async def test_many_wrong_logins_from_one_ip_across_emails_are_rate_limited(app) -> None:
    limit = app.state.settings.login_attempts_per_ip
    async with api_client(app) as client:
        statuses = [
            (
                await client.post("/api/auth/login", json={"email": f"x{i}@example.com", "password": "x"})
            ).status_code
            for i in range(limit + 2)
        ]
    assert statuses[:limit] == [401] * limit
    assert statuses[limit:] == [429, 429]


async def test_successful_login_clears_the_email_counter(app, session: AsyncSession) -> None:
    user = await create_account_with_user(session)
    limit = app.state.settings.login_attempts_per_email
    async with api_client(app) as client:
        for _ in range(limit - 1):
            await client.post("/api/auth/login", json={"email": user.email, "password": "nope"})
        ok = await client.post("/api/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD})
        after = [
            (await client.post("/api/auth/login", json={"email": user.email, "password": "nope"})).status_code
            for _ in range(limit - 1)
        ]
    assert ok.status_code == 200
    assert after == [401] * (limit - 1)


async def test_login_rejects_malformed_body_with_field_errors(client) -> None:
    response = await client.post("/api/auth/login", json={"email": "not-an-email"}, headers=CSRF)
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert fields == {"email", "password"}
