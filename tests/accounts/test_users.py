"""Users of an account, managed by owners and admins only."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.accounts import Role
from tests.factories import LoggedIn, create_user, logged_in_client


async def test_owner_creates_a_user_who_can_log_in(app, owner: LoggedIn) -> None:
    response = await owner.client.post(
        "/api/users", json={"email": "Agent@Example.com", "password": "s3cret-pass", "role": "manager"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "agent@example.com"
    assert "password" not in body and "password_hash" not in body
    login = await owner.client.post(
        "/api/auth/login", json={"email": "agent@example.com", "password": "s3cret-pass"}
    )
    assert login.status_code == 200


async def test_reporting_user_cannot_create_users(app, owner: LoggedIn, session: AsyncSession) -> None:
    reporter = await create_user(session, account_id=owner.account_id, role=Role.REPORTING)
    async with logged_in_client(app, reporter) as logged_in:
        response = await logged_in.client.post(
            "/api/users", json={"email": "new@example.com", "password": "s3cret-pass"}
        )
        listing = await logged_in.client.get("/api/users")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert listing.status_code == 403


async def test_admin_cannot_grant_owner(app, owner: LoggedIn, session: AsyncSession) -> None:
    admin = await create_user(session, account_id=owner.account_id, role=Role.ADMIN)
    async with logged_in_client(app, admin) as logged_in:
        response = await logged_in.client.post(
            "/api/users", json={"email": "boss@example.com", "password": "s3cret-pass", "role": "owner"}
        )
    assert response.status_code == 403


async def test_duplicate_email_is_a_field_error(owner: LoggedIn) -> None:
    response = await owner.client.post(
        "/api/users", json={"email": owner.user.email, "password": "s3cret-pass"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "email", "message": "A user with this email already exists"}
    ]


async def test_short_password_is_a_field_error(owner: LoggedIn) -> None:
    response = await owner.client.post("/api/users", json={"email": "a@example.com", "password": "short"})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["password"]


async def test_last_owner_cannot_be_demoted_or_deleted(owner: LoggedIn, session: AsyncSession) -> None:
    admin = await create_user(session, account_id=owner.account_id, role=Role.ADMIN)
    assert (await owner.client.delete(f"/api/users/{owner.user.id}")).status_code == 409
    demote = await owner.client.patch(f"/api/users/{owner.user.id}", json={"role": "admin"})
    assert demote.status_code == 409
    assert (await owner.client.delete(f"/api/users/{admin.id}")).status_code == 204


async def test_owner_changes_a_users_role_and_name(owner: LoggedIn, session: AsyncSession) -> None:
    user = await create_user(session, account_id=owner.account_id, role=Role.REPORTING)
    response = await owner.client.patch(f"/api/users/{user.id}", json={"role": "manager", "name": "Dana"})
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["name"]) == ("manager", "Dana")


async def test_deactivated_user_cannot_log_in(app, owner: LoggedIn, session: AsyncSession) -> None:
    user = await create_user(session, account_id=owner.account_id)
    assert (await owner.client.patch(f"/api/users/{user.id}", json={"is_active": False})).status_code == 200
    with pytest.raises(AssertionError):
        async with logged_in_client(app, user):
            pass


async def test_passwords_never_reach_the_logs(app, owner: LoggedIn, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await owner.client.post("/api/users", json={"email": "z@example.com", "password": "TopSecret-123"})
    await owner.client.post("/api/auth/login", json={"email": "z@example.com", "password": "Wrong-Secret-9"})
    logged = "\n".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    assert "TopSecret-123" not in logged
    assert "Wrong-Secret-9" not in logged
    assert "request" in logged  # the access log did run
