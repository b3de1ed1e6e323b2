"""kit/prepared.py: hot-path statements run on the session's own connection and transaction, with the
column types' conversions, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import gc
import uuid
import weakref
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from callcenter.accounts import service as accounts
from callcenter.kit.db import create_engine
from callcenter.kit.prepared import Prepared, insert_added
from callcenter.models.accounts import Account
from callcenter.models.calls import (
    CALL_RECORD_MODELS,
    AttemptStatus,
    Call,
    CallAttempt,
    CallEvent,
    CallStatus,
)
from tests.backends import POSTGRES
from tests.config_factories import create_campaign

pytestmark = pytest.mark.usefixtures("backend")

ACCOUNT = Prepared(
    select(Account.id, Account.name, Account.created_at).where(Account.id == bindparam("account_id"))
)
RENAME = Prepared(
    update(Account)
    .where(Account.id == bindparam("account_id"))
    .values(name=bindparam("new_name"), updated_at=bindparam("now"))
)
RENAME_AT_ONCE = Prepared(
    update(Account)
    .where(Account.id == bindparam("account_id"))
    .values(name=bindparam("new_name"), updated_at=bindparam("now")),
    begins=False,
)
CALL_BY_SID = Prepared(
    select(Call.status, Call.started_at, Call.payout_rate, Call.attribution).where(
        Call.call_sid == bindparam("sid")
    )
)


def _now() -> datetime:
    return datetime.now(UTC)


def test_a_statement_leaving_a_python_side_default_out_is_refused_when_built() -> None:
    with pytest.raises(ValueError, match="updated_at"):
        Prepared(update(Account).where(Account.id == bindparam("account_id")).values(name="x"))


def _call(account_id: uuid.UUID, campaign_id: uuid.UUID, sid: str, at: datetime) -> Call:
    return Call(
        account_id=account_id,
        campaign_id=campaign_id,
        call_sid=sid,
        caller="+12125550100",
        called="+14155550123",
        started_at=at,
        payout_rate=Decimal("12.5"),
        attribution={"gclid": "abc"},
    )


async def test_rows_come_back_converted_by_their_column_types(session: AsyncSession) -> None:
    account = await accounts.create_account(session, name="Prepared")
    row = await ACCOUNT.row(session, account_id=account.id)
    assert row == (account.id, "Prepared", account.created_at)
    assert row is not None and row[2].tzinfo is not None
    assert await ACCOUNT.row(session, account_id=uuid.uuid4()) is None


async def test_a_write_counts_its_rows_and_is_seen_by_the_orm_in_the_same_transaction(
    session: AsyncSession,
) -> None:
    account = await accounts.create_account(session, name="Before")
    assert await RENAME.execute(session, account_id=account.id, new_name="After", now=_now()) == 1
    assert await RENAME.execute(session, account_id=uuid.uuid4(), new_name="Nobody", now=_now()) == 0
    assert await session.scalar(select(Account.name).where(Account.id == account.id)) == "After"


async def test_a_write_as_a_sessions_first_statement_is_rolled_back_with_the_session(
    engine: AsyncEngine,
) -> None:
    """Outside the tests' outer transaction: the statement must join the session's own transaction
    (on PostgreSQL the driver begins lazily; a statement sent before would commit on its own)."""
    async with AsyncSession(engine) as setup:
        account_id = (await accounts.create_account(setup, name="Kept")).id
        await setup.commit()
    try:
        async with AsyncSession(engine) as session:
            await RENAME.execute(session, account_id=account_id, new_name="Rolled back", now=_now())
            await session.rollback()
        async with AsyncSession(engine) as check:
            assert await check.scalar(select(Account.name).where(Account.id == account_id)) == "Kept"
            await RENAME.execute(check, account_id=account_id, new_name="Committed", now=_now())
            await check.commit()
        async with AsyncSession(engine) as check:
            assert await check.scalar(select(Account.name).where(Account.id == account_id)) == "Committed"
    finally:
        async with AsyncSession(engine) as cleanup:
            await cleanup.execute(delete(Account).where(Account.id == account_id))
            await cleanup.commit()


async def test_a_finished_session_and_its_transaction_are_freed_without_the_garbage_collector(
    engine: AsyncEngine,
) -> None:
    """The connection kept for the transaction's later statements must not tie session and transaction
    in a reference cycle: at hundreds of requests a second, freeing those is what made the collector's
    passes long (15-20 ms) enough to show in the latency."""
    gc.collect()
    gc.disable()
    try:
        async with AsyncSession(engine) as session:
            await ACCOUNT.row(session, account_id=uuid.uuid4())
            await RENAME.execute(session, account_id=uuid.uuid4(), new_name="Nobody", now=_now())
            transaction = weakref.ref(session.sync_session.get_transaction())
            finished = weakref.ref(session)
            await session.commit()
        del session
        assert finished() is None
        assert transaction() is None
    finally:
        gc.enable()


async def _name_of(engine: AsyncEngine, account_id: uuid.UUID) -> str | None:
    async with AsyncSession(engine) as check:
        return await check.scalar(select(Account.name).where(Account.id == account_id))


async def test_a_statement_needing_no_transaction_borrows_a_connection_until_the_session_has_one(
    engine: AsyncEngine,
) -> None:
    """PostgreSQL: before the session has a connection (begun or not), a ``begins=False`` statement runs on
    a pooled connection of its own, committed on its own, and the pool has it back at once; the session
    never takes one. Once the session has a connection, the statement is part of its transaction.
    SQLite: always the session's."""
    async with AsyncSession(engine) as setup:
        account_id = (await accounts.create_account(setup, name="Kept")).id
        await setup.commit()
    on_postgres = engine.dialect.driver == "asyncpg"
    try:
        async with AsyncSession(engine) as session:
            await RENAME_AT_ONCE.execute(session, account_id=account_id, new_name="At once", now=_now())
            session_began = session.sync_session.get_transaction() is not None
            await session.rollback()
        assert session_began is not on_postgres
        expected = "At once" if on_postgres else "Kept"
        assert await _name_of(engine, account_id) == expected
        if on_postgres:
            assert engine.sync_engine.pool.checkedout() == 0
            async with AsyncSession(engine) as session:
                with pytest.raises(KeyError, match="new_name"):
                    await RENAME_AT_ONCE.execute(session, account_id=account_id, now=_now())
                assert engine.sync_engine.pool.checkedout() == 0  # given back all the same

        async with AsyncSession(engine) as session:
            await session.begin()  # begun, with no connection yet
            await RENAME_AT_ONCE.execute(session, account_id=account_id, new_name="Begun", now=_now())
            if on_postgres:
                assert engine.sync_engine.pool.checkedout() == 0  # the session still holds none
            await session.rollback()
        expected = "Begun" if on_postgres else expected
        assert await _name_of(engine, account_id) == expected

        async with AsyncSession(engine) as session:
            assert await session.get(Account, account_id) is not None  # the session takes a connection
            await RENAME_AT_ONCE.execute(session, account_id=account_id, new_name="Rolled back", now=_now())
            await session.rollback()
        assert await _name_of(engine, account_id) == expected
    finally:
        async with AsyncSession(engine) as cleanup:
            await cleanup.execute(delete(Account).where(Account.id == account_id))
            await cleanup.commit()


@pytest.mark.parametrize("backend", [POSTGRES], indirect=True)
async def test_a_borrowed_connection_that_broke_is_discarded_not_given_back(
    engine: AsyncEngine, database_url: str
) -> None:
    """A connection whose server process went away fails its statement (as SQLAlchemy's
    OperationalError) and is dropped from the pool, so the next statement gets a working one."""
    backend_pid = Prepared(select(func.pg_backend_pid()), begins=False)
    small = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with AsyncSession(small) as session:
            first = await backend_pid.row(session)
        assert first is not None
        async with engine.connect() as admin:
            await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first[0]})
        async with AsyncSession(small) as session:
            with pytest.raises(OperationalError):
                await backend_pid.row(session)
        async with AsyncSession(small) as session:
            second = await backend_pid.row(session)
        assert second is not None and second[0] != first[0]
    finally:
        await small.dispose()


async def test_a_constraint_violation_is_sqlalchemys_integrity_error(session: AsyncSession) -> None:
    account = await accounts.create_account(session, name="Unique sids")
    campaign = await create_campaign(session, account_id=account.id)
    now = datetime.now(UTC)
    session.add(_call(account.id, campaign.id, "CAdup", now))
    await insert_added(session, CALL_RECORD_MODELS)
    await session.flush()
    session.add(_call(account.id, campaign.id, "CAdup", now))
    with pytest.raises(IntegrityError):
        await insert_added(session, CALL_RECORD_MODELS)
        await session.flush()  # SQLite: the ORM's flush writes the row


async def test_pending_call_rows_are_written_with_their_defaults_parents_first(session: AsyncSession) -> None:
    account = await accounts.create_account(session, name="Calls")
    campaign = await create_campaign(session, account_id=account.id)
    at = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
    call = _call(account.id, campaign.id, "CApending", at)
    call.id = uuid.uuid4()
    # Added children first: the parent must still be written before them.
    session.add(
        CallEvent(
            account_id=account.id, call_id=call.id, seq=1, key="number_lookup", type="number_lookup", at=at
        )
    )
    session.add(
        CallAttempt(
            account_id=account.id,
            call_id=call.id,
            attempt=1,
            destination="+14155550100",
            revenue=Decimal("20"),
            conversion_seconds=90,
            slot_id="slot",
            status=AttemptStatus.DIALING,
            started_at=at + timedelta(seconds=1),
        )
    )
    session.add(call)
    await insert_added(session, CALL_RECORD_MODELS)
    await session.flush()

    row = await CALL_BY_SID.row(session, sid="CApending")
    assert row == (CallStatus.RINGING, at, Decimal("12.5000"), {"gclid": "abc"})
    events = await session.scalars(select(CallEvent).where(CallEvent.call_id == call.id))
    assert [(e.key, e.detail, e.reason) for e in events] == [("number_lookup", {}, None)]
    attempt = await session.scalar(select(CallAttempt).where(CallAttempt.call_id == call.id))
    assert attempt is not None and attempt.revenue == Decimal("20") and attempt.id is not None
    assert not session.new


async def _calls_with_sid(engine: AsyncEngine, sid: str) -> int:
    async with AsyncSession(engine) as check:
        return len((await check.scalars(select(Call.id).where(Call.call_sid == sid))).all())


async def test_call_rows_written_alone_or_with_other_work_land_only_with_their_transaction(
    engine: AsyncEngine,
) -> None:
    """Outside the tests' outer transaction. Alone (a new call's usual case) the rows are one statement,
    committed; with other work pending they are part of the transaction and a rollback takes them back."""
    async with AsyncSession(engine) as setup:
        account = await accounts.create_account(setup, name="Atomic")
        campaign = await create_campaign(setup, account_id=account.id)
        account_id, campaign_id = account.id, campaign.id
        await setup.commit()
    sid_alone, sid_with_other = f"CA{uuid.uuid4().hex}", f"CA{uuid.uuid4().hex}"
    try:
        async with AsyncSession(engine) as session:
            assert await CALL_BY_SID.row(session, sid=sid_alone) is None
            session.add(_call(account_id, campaign_id, sid_alone, _now()))
            await insert_added(session, CALL_RECORD_MODELS)
            await session.commit()
        assert await _calls_with_sid(engine, sid_alone) == 1

        async with AsyncSession(engine) as session:
            session.add(_call(account_id, campaign_id, sid_with_other, _now()))
            session.add(Account(name="Added in the same transaction"))
            await insert_added(session, CALL_RECORD_MODELS)
            await session.flush()
            await session.rollback()
        assert await _calls_with_sid(engine, sid_with_other) == 0
    finally:
        async with AsyncSession(engine) as cleanup:
            await cleanup.execute(delete(Call).where(Call.account_id == account_id))
            await cleanup.execute(delete(Account).where(Account.id == account_id))
            await cleanup.commit()
