"""PostgreSQL writes the two common page views with one statement each (dni/repository.py): a new visitor's
lease with its session, and a renewal of a session read without a lock. Each writes all or nothing."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.dni import repository
from callcenter.live import LiveState
from callcenter.models.dni import PoolNumberLease, VisitorSession
from tests.backends import POSTGRES
from tests.dni.factories import create_tag, pool_with_numbers, visit, visitor_id
from tests.factories import LoggedIn

pytestmark = pytest.mark.parametrize("backend", [POSTGRES], indirect=True)

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def _lease_until(session: AsyncSession, number_id: uuid.UUID) -> datetime | None:
    return await session.scalar(
        select(PoolNumberLease.busy_until).where(PoolNumberLease.number_id == number_id)
    )


async def test_a_renewal_read_unlocked_is_written_only_if_the_session_did_not_change_since(
    session: AsyncSession, owner: LoggedIn, live: LiveState
) -> None:
    pool, _ = await pool_with_numbers(
        session, account_id=owner.account_id, size=2, lease_seconds=60, max_lease_seconds=600
    )
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    me = visitor_id()
    await visit(session, live, tag, visitor=me, now=at(0))
    # Two page views of the same visitor read the session at the same moment.
    first = await repository.latest_pool_session(session, pool.id, me, locked=False)
    second = await repository.latest_pool_session(session, pool.id, me, locked=False)
    assert first is not None and second is not None and first.number_id is not None
    for row, seconds, page in (
        (first, 90, "https://landing.example/a"),
        (second, 100, "https://landing.example/b"),
    ):
        row.renewals += 1
        row.expires_at = at(seconds)
        row.page_url = page

    assert await repository.renew_pool_session(session, first, pool.id, read_renewals=0, now=at(30))
    assert not await repository.renew_pool_session(session, second, pool.id, read_renewals=0, now=at(40))

    stored = await session.get(VisitorSession, first.id, populate_existing=True)
    assert stored is not None
    assert (stored.renewals, stored.page_url, stored.expires_at) == (1, "https://landing.example/a", at(90))
    assert await _lease_until(session, first.number_id) == at(90)  # not the losing view's at(100)
    # The losing page view takes the locked way: it is counted, on the session the winner wrote.
    again = await visit(session, live, tag, visitor=me, now=at(40))
    assert again.session_id == first.id
    stored = await session.get(VisitorSession, first.id, populate_existing=True)
    assert stored is not None and stored.renewals == 2


async def test_a_new_visitor_is_stored_only_with_a_number_leased_in_the_same_statement(
    session: AsyncSession, owner: LoggedIn, live: LiveState
) -> None:
    pool, _ = await pool_with_numbers(session, account_id=owner.account_id, size=1, lease_seconds=60)
    tag = await create_tag(session, account_id=owner.account_id, pool=pool)
    taken = await visit(session, live, tag, now=at(0))
    template = await repository.latest_pool_session(session, pool.id, taken.visitor_id, locked=False)
    assert template is not None
    newcomer = dataclasses.replace(
        template, id=uuid.uuid4(), visitor_id=visitor_id(), number_id=None, number=None, stored=False
    )
    newcomer.pending = True

    assert not await repository.insert_leased_session(session, newcomer, pool.id, now=at(10))
    assert (newcomer.stored, newcomer.number) == (False, None)
    stored = await session.scalar(select(func.count()).where(VisitorSession.id == newcomer.id))
    assert stored == 0

    # Once the lease has run out the same page view gets the number and is stored with it.
    newcomer.leased_at, newcomer.expires_at = at(61), at(121)
    assert await repository.insert_leased_session(session, newcomer, pool.id, now=at(61))
    assert newcomer.number == taken.number_e164 and not newcomer.pending
    row = await session.get(VisitorSession, newcomer.id)
    assert row is not None and (row.number, row.expires_at) == (taken.number_e164, at(121))
    assert newcomer.number_id is not None and await _lease_until(session, newcomer.number_id) == at(121)
