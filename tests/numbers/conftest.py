"""Fixtures for tests that need real concurrency: separate connections and committed data."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from callcenter.app import create_app
from callcenter.kit.db import Database
from callcenter.live import LiveState
from callcenter.models.accounts import Account
from callcenter.settings import Settings
from tests.factories import LoggedIn, create_account_with_user, logged_in_client


@pytest.fixture
async def committed_owner(
    settings: Settings, engine: AsyncEngine, live: LiveState
) -> AsyncIterator[LoggedIn]:
    """An owner logged in to an app whose every request commits on a connection of its own.

    The usual ``owner`` runs the whole test on one connection inside one rolled-back transaction, so two
    requests can never truly race. This one uses the migrated engine with its normal session factory;
    afterwards the account is deleted and everything it owns goes with it (account foreign keys cascade).
    Do not combine it with ``session``/``owner``: on SQLite their open write transaction would block it.
    """
    database = Database(settings, engine=engine)
    app = create_app(settings, database=database, live=live)
    async with database.sessionmaker() as session:
        user = await create_account_with_user(session, account_name="Race Account")
        await session.commit()
    try:
        async with logged_in_client(app, user) as logged_in:
            yield logged_in
    finally:
        async with database.sessionmaker() as session:
            await session.execute(delete(Account).where(Account.id == user.account_id))
            await session.commit()
