"""SQL of tracking tags, visitor sessions, pool number leases and pool health.

Leasing is decided by the database. Each pool number has one ``pool_number_leases`` row whose
``busy_until`` says when it is free again; a visitor takes a number with a conditional UPDATE
(``WHERE busy_until <= now``), so two visitors can never both win it:

- PostgreSQL: the free row is picked with ``SELECT ... FOR UPDATE SKIP LOCKED`` (concurrent visitors
  each lock a different free number instead of queueing on the same one), and the UPDATE re-checks the
  condition against the committed row.
- SQLite: every transaction is ``BEGIN IMMEDIATE`` (kit/db.py), so leasing transactions run one at a
  time across processes; ``FOR UPDATE`` is not rendered there.

On PostgreSQL a new visitor's lease and session, and a renewal, are also written as one statement each
without a transaction (:func:`insert_leased_session`, :func:`renew_pool_session`): all or nothing.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Update

from callcenter.dni.schemas import TagFilters
from callcenter.kit.pagination import PageParams
from callcenter.kit.prepared import Prepared
from callcenter.kit.repository import Tenant, TenantRepository
from callcenter.models.base import UTCDateTime
from callcenter.models.buyers import PartyStatus
from callcenter.models.dni import NEVER, PoolNumberLease, PoolOverflow, TrackingTag, VisitorSession
from callcenter.models.numbers import NumberPool, PhoneNumber
from callcenter.models.publishers import Publisher


class TagRepository(TenantRepository[TrackingTag]):
    model = TrackingTag
    resource = "tracking tag"

    async def search(
        self, tenant: Tenant, filters: TagFilters, page: PageParams, *, order_by: Sequence[Any]
    ) -> tuple[list[TrackingTag], int]:
        where: list[ColumnElement[bool]] = []
        if filters.campaign_id is not None:
            where.append(TrackingTag.campaign_id == filters.campaign_id)
        if filters.pool_id is not None:
            where.append(TrackingTag.pool_id == filters.pool_id)
        if filters.q:
            where.append(
                or_(
                    TrackingTag.name.icontains(filters.q, autoescape=True),
                    TrackingTag.code.icontains(filters.q, autoescape=True),
                )
            )
        return await self.list(tenant, page, where=where, order_by=order_by)

    async def code_taken(self, code: str, *, except_id: uuid.UUID | None = None) -> bool:
        # Codes are unique across all accounts (the public endpoint finds a tag by its code alone), so this
        # one query is not scoped.
        statement = select(func.count()).where(TrackingTag.code == code)
        if except_id is not None:
            statement = statement.where(TrackingTag.id != except_id)
        return await self.session.scalar(statement) != 0

    async def name_taken(self, tenant: Tenant, name: str, *, except_id: uuid.UUID | None = None) -> bool:
        statement = select(func.count()).where(
            TrackingTag.account_id == tenant.account_id, TrackingTag.name == name
        )
        if except_id is not None:
            statement = statement.where(TrackingTag.id != except_id)
        return await self.session.scalar(statement) != 0


# ---- the public tracking path -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TagTarget:
    """A tag with what it shows: its pool (with the lease settings) or its static number."""

    tag: TrackingTag
    pool: NumberPool | None
    static_number: PhoneNumber | None


async def tag_by_code(session: AsyncSession, code: str) -> TagTarget | None:
    """The tag with this public code, whatever its account (the script names no account)."""
    statement = (
        select(TrackingTag, NumberPool, PhoneNumber)
        .outerjoin(NumberPool, NumberPool.id == TrackingTag.pool_id)
        .outerjoin(PhoneNumber, PhoneNumber.id == TrackingTag.number_id)
        .where(TrackingTag.code == code)
    )
    row = (await session.execute(statement)).one_or_none()
    return TagTarget(*row) if row is not None else None


async def publisher_named(session: AsyncSession, account_id: uuid.UUID, value: str) -> uuid.UUID | None:
    """The account's publisher whose id or name (ignoring case) is ``value``; archived ones bring no
    calls any more and are not credited."""
    match: ColumnElement[bool] = func.lower(Publisher.name) == value.strip().lower()
    with contextlib.suppress(ValueError):
        match = or_(match, Publisher.id == uuid.UUID(value.strip()))
    statement = (
        select(Publisher.id)
        .where(Publisher.account_id == account_id, Publisher.status != PartyStatus.ARCHIVED, match)
        .order_by(Publisher.name)
        .limit(1)
    )
    found: uuid.UUID | None = await session.scalar(statement)
    return found


# The visitor's session as the tracking path reads and writes it: plain values, not an ORM object (the
# page view is on the landing page's critical path; see kit/prepared.py for what that saves).
_SESSIONS = cast(Table, VisitorSession.__table__)
_VISIT = _SESSIONS.c
# What a page view may change on an existing session.
_VISIT_CHANGES = (
    "number_id", "number", "publisher_id", "leased_at", "expires_at", "last_seen_at", "renewals",
    "overflow", "ambiguous", "page_url", "utm_source", "utm_medium", "utm_campaign", "utm_term",
    "utm_content", "gclid", "params",
)  # fmt: skip


@dataclass(slots=True)
class SessionRow:
    """One ``visitor_sessions`` row; ``stored`` is False until it has been inserted, ``pending`` True while
    it has changes not yet written."""

    id: uuid.UUID
    account_id: uuid.UUID
    tag_id: uuid.UUID | None
    pool_id: uuid.UUID | None
    number_id: uuid.UUID | None
    number: str | None
    visitor_id: str
    publisher_id: uuid.UUID | None
    leased_at: datetime
    expires_at: datetime
    last_seen_at: datetime
    renewals: int
    overflow: bool
    ambiguous: bool
    landing_url: str
    page_url: str
    referrer: str
    ip: str | None
    user_agent: str | None
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    utm_term: str | None
    utm_content: str | None
    gclid: str | None
    params: dict[str, Any]
    stored: bool = False
    pending: bool = True


# The columns a SessionRow holds, in its fields' order (the order the SELECT below returns them in).
_VISIT_FIELDS = tuple(field.name for field in fields(SessionRow) if field.name not in ("stored", "pending"))


def _latest_visit(by: Any, *, locked: bool = True) -> Prepared:
    """The visitor's latest session by ``by`` (pool or tag); locked: two page views of one visitor queue
    here. Unlocked, it is read without opening a transaction, for :func:`renew_pool_session`."""
    statement = (
        select(*(_VISIT[name] for name in _VISIT_FIELDS))
        .where(by == bindparam("key", type_=by.type), _VISIT.visitor_id == bindparam("visitor_id"))
        .order_by(_VISIT.leased_at.desc())
        .limit(1)
    )
    return Prepared(statement.with_for_update()) if locked else Prepared(statement, begins=False)


_LATEST_POOL_VISIT = _latest_visit(_VISIT.pool_id)
_LATEST_POOL_VISIT_UNLOCKED = _latest_visit(_VISIT.pool_id, locked=False)
_LATEST_TAG_VISIT = _latest_visit(_VISIT.tag_id)
_INSERT_VISIT = Prepared(
    insert(_SESSIONS).values(
        {
            **{_VISIT[name]: bindparam(name, type_=_VISIT[name].type) for name in _VISIT_FIELDS},
            _VISIT.created_at: bindparam("now", type_=_VISIT.created_at.type),
            _VISIT.updated_at: bindparam("now", type_=_VISIT.updated_at.type),
        }
    )
)


def _visit_update() -> Update:
    # Parameters of an UPDATE may not be named after the columns it sets.
    return (
        update(_SESSIONS)
        .where(_VISIT.id == bindparam("v_id", type_=_VISIT.id.type))
        .values(
            {
                **{_VISIT[name]: bindparam(f"v_{name}", type_=_VISIT[name].type) for name in _VISIT_CHANGES},
                _VISIT.updated_at: bindparam("v_now", type_=_VISIT.updated_at.type),
            }
        )
    )


_UPDATE_VISIT = Prepared(_visit_update())


async def _latest(
    session: AsyncSession, statement: Prepared, key: uuid.UUID, visitor_id: str
) -> SessionRow | None:
    row = await statement.row(session, key=key, visitor_id=visitor_id)
    return SessionRow(**dict(zip(_VISIT_FIELDS, row, strict=True)), stored=True) if row is not None else None


async def latest_pool_session(
    session: AsyncSession, pool_id: uuid.UUID, visitor_id: str, *, locked: bool = True
) -> SessionRow | None:
    """The visitor's latest session on the pool (through any of its tags), locked unless told."""
    statement = _LATEST_POOL_VISIT if locked else _LATEST_POOL_VISIT_UNLOCKED
    return await _latest(session, statement, pool_id, visitor_id)


async def latest_tag_session(session: AsyncSession, tag_id: uuid.UUID, visitor_id: str) -> SessionRow | None:
    """The visitor's latest session through a static tag, locked."""
    return await _latest(session, _LATEST_TAG_VISIT, tag_id, visitor_id)


def _changes(row: SessionRow, now: datetime) -> dict[str, Any]:
    return {"v_id": row.id, "v_now": now, **{f"v_{name}": getattr(row, name) for name in _VISIT_CHANGES}}


def _inserted(row: SessionRow, now: datetime) -> dict[str, Any]:
    return {"now": now, **{name: getattr(row, name) for name in _VISIT_FIELDS}}


async def save_session(session: AsyncSession, row: SessionRow, *, now: datetime) -> None:
    """Inserts a new session or writes a page view's changes to a stored one (nothing when it has none)."""
    if not row.pending:
        return
    if row.stored:
        await _UPDATE_VISIT.execute(session, **_changes(row, now))
    else:
        await _INSERT_VISIT.execute(session, **_inserted(row, now))
        row.stored = True
    row.pending = False


def writes_in_one_statement(session: AsyncSession) -> bool:
    """Whether the common page views are written with one statement each, without a transaction
    (:func:`insert_leased_session`, :func:`renew_pool_session`): on PostgreSQL, whose data-modifying
    CTEs make a lease and its session one atomic statement. SQLite takes the transactional way."""
    return _on_postgresql(session)


def _on_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _insert(session: AsyncSession) -> Any:
    return postgresql.insert if _on_postgresql(session) else sqlite.insert


async def add_missing_leases(session: AsyncSession, pool: NumberPool) -> None:
    """Creates the lease rows of pool numbers that have none yet (numbers added since the last lease).

    ON CONFLICT DO NOTHING: a concurrent request may be adding the same rows.
    """
    has_row = exists().where(PoolNumberLease.pool_id == pool.id, PoolNumberLease.number_id == PhoneNumber.id)
    missing = select(
        PhoneNumber.account_id,
        literal(pool.id, PoolNumberLease.pool_id.type),
        PhoneNumber.id,
        literal(NEVER, UTCDateTime()),
        literal(NEVER, UTCDateTime()),
    ).where(PhoneNumber.pool_id == pool.id, ~has_row)
    columns = ["account_id", "pool_id", "number_id", "last_leased_at", "busy_until"]
    statement = _insert(session)(PoolNumberLease).from_select(columns, missing).on_conflict_do_nothing()
    await session.execute(statement)


def _in_pool(pool_id: uuid.UUID | ColumnElement[uuid.UUID]) -> ColumnElement[bool]:
    # A lease row counts only while its number is still in the pool: numbers move between pools.
    return and_(
        PoolNumberLease.pool_id == pool_id,
        PhoneNumber.id == PoolNumberLease.number_id,
        PhoneNumber.pool_id == pool_id,
    )


async def _claim(
    session: AsyncSession,
    pool_id: uuid.UUID,
    number_id: uuid.UUID,
    *,
    session_id: uuid.UUID,
    now: datetime,
    until: datetime,
    only_if: ColumnElement[bool],
) -> bool:
    statement = (
        update(PoolNumberLease)
        .where(PoolNumberLease.pool_id == pool_id, PoolNumberLease.number_id == number_id, only_if)
        .values(last_leased_at=now, busy_until=until, session_id=session_id)
        .execution_options(synchronize_session=False)
    )
    result: CursorResult[Any] = await session.execute(statement)  # type: ignore[assignment]
    return result.rowcount == 1


@dataclass(frozen=True, slots=True)
class LeasedNumber:
    id: uuid.UUID
    number: str


def _lease_free_update() -> Update:
    """Leases the least recently leased free number of ``p_pool_id`` to ``p_session_id`` until ``p_until``;
    returns its id and number (no row when none is free)."""
    pool_id = bindparam("p_pool_id", type_=PoolNumberLease.pool_id.type)
    now = bindparam("p_now", type_=PoolNumberLease.busy_until.type)
    free = PoolNumberLease.busy_until <= now
    candidate = (
        select(PoolNumberLease.number_id)
        .join(PhoneNumber, _in_pool(pool_id))
        .where(free)
        .order_by(PoolNumberLease.last_leased_at, PoolNumberLease.number_id)
        .limit(1)
        .with_for_update(of=PoolNumberLease, skip_locked=True)
        .scalar_subquery()
    )
    number = (
        select(PhoneNumber.number)
        .where(PhoneNumber.id == PoolNumberLease.number_id)
        .correlate(PoolNumberLease)
        .scalar_subquery()
    )
    return (
        update(PoolNumberLease)
        .where(PoolNumberLease.pool_id == pool_id, PoolNumberLease.number_id == candidate, free)
        .values(
            last_leased_at=now,
            busy_until=bindparam("p_until", type_=PoolNumberLease.busy_until.type),
            session_id=bindparam("p_session_id", type_=PoolNumberLease.number_id.type),
        )
        .returning(PoolNumberLease.number_id, number.label("number"))
    )


_LEASE_FREE = Prepared(_lease_free_update())


def _insert_leased_visit_statement() -> Prepared:
    """The lease of :func:`_lease_free_update` and the new session showing its number, as one statement:
    the session is inserted only when a number was leased (``INSERT ... SELECT`` from the lease)."""
    leased = _lease_free_update().cte("leased")
    taken = {"number_id": leased.c.number_id, "number": leased.c.number}
    values = [taken.get(name, bindparam(name, type_=_VISIT[name].type)) for name in _VISIT_FIELDS] + [
        bindparam("now", type_=_VISIT.created_at.type)
    ] * 2
    return Prepared(
        insert(_SESSIONS)
        .from_select([*_VISIT_FIELDS, "created_at", "updated_at"], select(*values))
        .returning(_VISIT.number_id, _VISIT.number),
        begins=False,
    )


_INSERT_LEASED_VISIT = _insert_leased_visit_statement()


async def lease_free_number(
    session: AsyncSession, pool_id: uuid.UUID, *, session_id: uuid.UUID, now: datetime, until: datetime
) -> LeasedNumber | None:
    """Leases the free number of the pool held least recently, until ``until``; None if none is free.

    One statement (a round trip counts on the landing page): the subquery picks and, on PostgreSQL,
    locks the number (``SKIP LOCKED``: concurrent visitors each take a different one instead of
    queueing); the UPDATE's own condition re-checks that it is free.
    """
    row = await _LEASE_FREE.row(session, p_pool_id=pool_id, p_session_id=session_id, p_now=now, p_until=until)
    return LeasedNumber(*row) if row is not None else None


async def insert_leased_session(
    session: AsyncSession, row: SessionRow, pool_id: uuid.UUID, *, now: datetime
) -> bool:
    """A new visitor's lease and session in one statement, outside any transaction (one round trip):
    leases the free number held least recently (as :func:`lease_free_number`) until ``row.expires_at``
    and inserts ``row`` showing it. False, with nothing written, when no number is free."""
    leased = await _INSERT_LEASED_VISIT.row(
        session,
        p_pool_id=pool_id,
        p_session_id=row.id,
        p_now=now,
        p_until=row.expires_at,
        **_inserted(row, now),
    )
    if leased is None:
        return False
    row.number_id, row.number = leased
    row.stored, row.pending = True, False
    return True


async def lease_again(
    session: AsyncSession,
    pool_id: uuid.UUID,
    number_id: uuid.UUID,
    *,
    previous_session_id: uuid.UUID,
    session_id: uuid.UUID,
    now: datetime,
    until: datetime,
) -> bool:
    """Leases the number again to a returning visitor if it is free, still in the pool, and nobody
    leased it since."""
    still_in_pool = exists().where(PhoneNumber.id == number_id, PhoneNumber.pool_id == pool_id)
    return await _claim(
        session,
        pool_id,
        number_id,
        session_id=session_id,
        now=now,
        until=until,
        only_if=and_(
            PoolNumberLease.busy_until <= now,
            PoolNumberLease.session_id == previous_session_id,
            still_in_pool,
        ),
    )


async def reuse_oldest_lease(
    session: AsyncSession, pool_id: uuid.UUID, *, session_id: uuid.UUID, now: datetime, until: datetime
) -> PhoneNumber | None:
    """Shares the number leased longest ago (overflow policy ``reuse_oldest``); it then counts as just
    leased, so that successive overflowing visitors spread over the pool."""
    statement = (
        select(PhoneNumber, PoolNumberLease.busy_until)
        .join(PoolNumberLease, _in_pool(pool_id))
        .order_by(PoolNumberLease.last_leased_at, PoolNumberLease.number_id)
        .limit(1)
        .with_for_update(of=PoolNumberLease)
    )
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        return None
    number, busy_until = row
    await _claim(
        session,
        pool_id,
        number.id,
        session_id=session_id,
        now=now,
        until=max(busy_until, until),
        only_if=literal(True),
    )
    return number


def _lease_extension() -> Update:
    """A renewal of the lease of ``p_number_id`` in ``p_pool_id``: busy until at least ``p_until``,
    held just now (``p_now``)."""
    until = bindparam("p_until", type_=PoolNumberLease.busy_until.type)
    return (
        update(PoolNumberLease)
        .where(
            PoolNumberLease.pool_id == bindparam("p_pool_id", type_=PoolNumberLease.pool_id.type),
            PoolNumberLease.number_id == bindparam("p_number_id", type_=PoolNumberLease.number_id.type),
        )
        .values(
            busy_until=case((PoolNumberLease.busy_until < until, until), else_=PoolNumberLease.busy_until),
            last_leased_at=bindparam("p_now", type_=PoolNumberLease.last_leased_at.type),
        )
    )


_EXTEND_LEASE = Prepared(_lease_extension())


def _renew_visit_statement() -> Prepared:
    """A page view's changes to a session and its lease's renewal, as one statement, provided nobody
    changed the session since it was read (its ``renewals`` count is still ``v_read_renewals``): how
    many sessions it updated, 0 or 1."""
    renewed = (
        _visit_update()
        .where(_VISIT.renewals == bindparam("v_read_renewals", type_=_VISIT.renewals.type))
        .returning(_VISIT.id)
        .cte("renewed")
    )
    extended = _lease_extension().where(exists(select(renewed.c.id))).cte("extended")
    return Prepared(select(func.count()).select_from(renewed).add_cte(extended), begins=False)


_RENEW_VISIT = _renew_visit_statement()


async def extend_lease(
    session: AsyncSession, pool_id: uuid.UUID, number_id: uuid.UUID, *, now: datetime, until: datetime
) -> None:
    """A renewal: the number stays busy until at least ``until`` and counts as held just now."""
    await _EXTEND_LEASE.execute(session, p_pool_id=pool_id, p_number_id=number_id, p_now=now, p_until=until)


async def renew_pool_session(
    session: AsyncSession, row: SessionRow, pool_id: uuid.UUID, *, read_renewals: int, now: datetime
) -> bool:
    """Writes a renewing page view of a session read unlocked: the session's changes and its number's
    lease extended to ``row.expires_at`` (as :func:`extend_lease`), one statement outside any
    transaction. False, with nothing written, when the session changed since it was read (another page
    view of the same visitor at the same moment): the caller then takes the locked way."""
    assert row.stored and row.number_id is not None
    renewed = await _RENEW_VISIT.row(
        session,
        v_read_renewals=read_renewals,
        p_pool_id=pool_id,
        p_number_id=row.number_id,
        p_now=now,
        p_until=row.expires_at,
        **_changes(row, now),
    )
    if renewed is None or renewed[0] != 1:
        return False
    row.pending = False
    return True


# ---- attribution --------------------------------------------------------------------------------------


async def sessions_on_number(
    session: AsyncSession, *, pool_id: uuid.UUID, number_id: uuid.UUID, ended_after: datetime
) -> list[tuple[VisitorSession, TrackingTag | None]]:
    """The two latest sessions that leased the number and had not ended before ``ended_after``."""
    statement = (
        select(VisitorSession, TrackingTag)
        .outerjoin(TrackingTag, TrackingTag.id == VisitorSession.tag_id)
        .where(
            VisitorSession.number_id == number_id,
            VisitorSession.pool_id == pool_id,
            VisitorSession.expires_at > ended_after,
        )
        .order_by(VisitorSession.leased_at.desc())
        .limit(2)
    )
    return [(visit, tag) for visit, tag in await session.execute(statement)]


# ---- pool health --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PoolUsage:
    size: int
    leased_now: int
    sessions: int
    overflow_times: list[datetime]
    peak_leased: int
    peak_demand: int


async def _peak(session: AsyncSession, where: Sequence[ColumnElement[bool]]) -> int:
    """Most sessions matching ``where`` that overlapped at one instant.

    Each session adds one at ``leased_at`` and removes one at ``expires_at``; the running sum over those
    events in time order (ends before starts at the same instant) peaks at the answer.
    """
    starts = select(VisitorSession.leased_at.label("t"), literal(1).label("delta")).where(*where)
    ends = select(VisitorSession.expires_at.label("t"), literal(-1).label("delta")).where(*where)
    events = union_all(starts, ends).subquery()
    level = func.sum(events.c.delta).over(order_by=(events.c.t, events.c.delta), rows=(None, 0))
    running = select(level.label("level")).subquery()
    peak = await session.scalar(select(func.max(running.c.level)))
    return int(peak or 0)


async def pool_usage(session: AsyncSession, pool: NumberPool, *, since: datetime, now: datetime) -> PoolUsage:
    size = await session.scalar(select(func.count()).where(PhoneNumber.pool_id == pool.id))
    leased = await session.scalar(
        select(func.count())
        .select_from(PoolNumberLease)
        .join(PhoneNumber, _in_pool(pool.id))
        .where(PoolNumberLease.busy_until > now)
    )
    in_window = [VisitorSession.pool_id == pool.id, VisitorSession.expires_at > since]
    sessions = await session.scalar(select(func.count()).where(*in_window))
    overflows = await session.scalars(
        select(PoolOverflow.at)
        .where(PoolOverflow.pool_id == pool.id, PoolOverflow.at >= since)
        .order_by("at")
    )
    return PoolUsage(
        size=int(size or 0),
        leased_now=int(leased or 0),
        sessions=int(sessions or 0),
        overflow_times=list(overflows),
        peak_leased=await _peak(session, [*in_window, VisitorSession.overflow.is_(False)]),
        peak_demand=await _peak(session, in_window),
    )
