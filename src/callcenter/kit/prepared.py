"""Statements of the hot paths, built once and run with the least overhead per request.

The voice webhook and the DNI tracking call run a handful of statements per request, and at hundreds of
requests a second the cost of SQLAlchemy's general machinery dominates them (measured on PostgreSQL,
docs/performance.md): building a statement's expression objects and cache key costs 100-300 us of CPU,
and the asyncpg adapter adds ~110 us per statement to the ~35 us asyncpg itself needs. A
:class:`Prepared` is built once (module level, parameters as ``bindparam``) and

- on PostgreSQL is compiled once and sent straight to the session's asyncpg connection, inside the
  session's transaction, with the column types' own conversions applied to parameters and results (the
  same values SQLAlchemy would send and return);
- on any other database (SQLite) runs through the session like any statement.

Either way it joins the session's transaction: the request still commits or rolls back as a whole. A
statement built with ``begins=False`` may run before the transaction opens, committed on its own; while
the session has no connection yet it then runs on a pooled connection borrowed for that statement alone
(a request whose statements are all such never takes a connection through the session at all).
Errors arrive as SQLAlchemy's (``IntegrityError`` for a constraint, ``OperationalError`` when the
connection is lost, ``DBAPIError`` otherwise), so
callers handle them the same on both databases. Not supported (refused when compiled): expanding
``IN`` parameters; use ``= ANY(:list)`` on PostgreSQL-only code or several statements.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast
from weakref import ref

import asyncpg
from sqlalchemy import MetaData, Table, bindparam, exc, insert, inspect
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapper
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import ColumnElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import SelectBase
from sqlalchemy.util import greenlet_spawn

Processor = Callable[[Any], Any] | None
Row = tuple[Any, ...]
_MISSING = object()


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    binds: tuple[tuple[str, Any, Processor], ...]  # name, default (or _MISSING), type conversion
    results: tuple[Processor, ...]

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = []
        for name, default, process in self.binds:
            value = params.get(name, default)
            if value is _MISSING:
                raise KeyError(f"the statement needs the parameter {name!r}")
            values.append(process(value) if process is not None else value)
        return values

    def row(self, record: Sequence[Any]) -> Row:
        return tuple(
            process(value) if process is not None else value
            for value, process in zip(record, self.results, strict=True)
        )


def _columns(statement: Executable) -> Sequence[ColumnElement[Any]]:
    if isinstance(statement, SelectBase):
        return list(statement.selected_columns)
    if isinstance(statement, UpdateBase):
        return list(statement.exported_columns)
    return []


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    compiled = cast(SQLCompiler, cast(Any, statement).compile(dialect=dialect))
    defaulted = [*compiled.insert_prefetch, *compiled.update_prefetch]
    if defaulted:
        # SQLAlchemy computes those values per execution, outside the statement; a prepared statement
        # is sent as it is, so it must name them.
        names = ", ".join(column.key for column in defaulted)
        raise ValueError(f"give the columns {names} a value in the statement (their defaults run in Python)")
    binds = []
    for name in compiled.positiontup or ():
        bind = compiled.binds[name]
        if bind.expanding:
            raise ValueError(f"expanding parameter {name!r} is not supported by Prepared")
        default = bind.effective_value if not bind.required else _MISSING
        binds.append((name, default, bind.type.dialect_impl(dialect).bind_processor(dialect)))
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in _columns(statement)
    )
    return _Compiled(str(compiled), tuple(binds), results)


# Server errors that mean the connection is gone (SQLSTATE class 08, and 57P01-57P03: the server shut
# down or was not accepting connections): like a socket error, not a refused statement.
_CONNECTION_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
)


def _translated(error: Exception, sql: str) -> exc.DBAPIError:
    kind: type[exc.DBAPIError]
    if isinstance(error, asyncpg.IntegrityConstraintViolationError):
        kind = exc.IntegrityError
    elif isinstance(error, asyncpg.PostgresError) and not isinstance(error, _CONNECTION_LOST):
        kind = exc.DBAPIError
    else:
        kind = exc.OperationalError  # the connection broke or the driver refused
    return kind(sql, None, error)


_SESSION_KEY = "callcenter.prepared.connection"
_PG: Dialect = asyncpg_dialect()  # type: ignore[no-untyped-call]


async def _asyncpg_connection(session: AsyncSession, *, begin: bool = True) -> tuple[Any, Dialect] | None:
    """The asyncpg connection of the session's transaction, with the dialect; None on other drivers.
    Kept in ``session.info`` for the rest of the transaction: asking the session for it costs ~100 us,
    every statement. ``begin``: begin the transaction if it is not yet (else the statement runs on its
    own, committed at once, and the transaction begins with the session's next statement).

    The transaction is held by a weak reference: ``info`` outlives it, and a strong one would tie session
    and transaction in a reference cycle (~40 objects a request) that only the garbage collector frees;
    at 300 requests a second its passes freed ~19,000 such objects every 1.5 s, 15-20 ms each."""
    dialect = session.get_bind().dialect
    if dialect.driver != "asyncpg":
        return None
    transaction = session.sync_session.get_transaction()
    cached = session.info.get(_SESSION_KEY)
    if cached is not None and transaction is not None and cached[0]() is transaction:
        adapted = cached[1]
    else:
        connection = await session.connection()
        adapted = (await connection.get_raw_connection()).dbapi_connection
        session.info[_SESSION_KEY] = (ref(session.sync_session.get_transaction()), adapted)
    # SQLAlchemy's asyncpg adapter begins its transaction lazily, on its first statement; begin it here
    # so that the statement is part of the session's transaction, not autocommitted on its own. These
    # are the adapter's private attributes (SQLAlchemy is pinned in requirements.lock); the PostgreSQL
    # tests of tests/kit/test_prepared.py fail if they change meaning.
    if begin and adapted._transaction is None and adapted.isolation_level != "autocommit":
        await adapted._start_transaction()
    return adapted._connection, dialect


class Prepared:
    """One statement of a hot path; see the module docstring."""

    def __init__(self, statement: Executable, *, begins: bool = True) -> None:
        """``begins=False`` lets a plain read (no ``FOR UPDATE``) that comes before any other statement
        run without opening the transaction: at READ COMMITTED each statement sees the latest committed
        rows anyway, and a request that then writes with one statement needs no BEGIN and COMMIT round
        trips at all (see :func:`insert_added`)."""
        self.statement = statement
        self.begins = begins
        # Compiled once now, so that a statement this cannot run fails at import, on any database; then
        # once per engine's dialect, which knows its server.
        _compile(statement, _PG)
        self._compiled: dict[Dialect, _Compiled] = {}

    async def _driver(self, session: AsyncSession, *, begin: bool | None = None) -> _Driver | None:
        begin = self.begins if begin is None else begin
        if not begin:
            borrowed = await _borrowed_connection(session)
            if borrowed is not None:
                fairy, dialect = borrowed
                return _Driver(cast(Any, fairy.dbapi_connection)._connection, self._for(dialect), fairy)
        found = await _asyncpg_connection(session, begin=begin)
        if found is None:
            return None
        connection, dialect = found
        return _Driver(connection, self._for(dialect))

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect)
        if compiled is None:
            compiled = self._compiled[dialect] = _compile(self.statement, dialect)
        return compiled

    async def rows(self, session: AsyncSession, **params: Any) -> list[Row]:
        """Every row the statement returns, as plain tuples."""
        driver = await self._driver(session)
        if driver is None:
            return [tuple(row) for row in await session.execute(self.statement, params)]
        records = await driver.run(driver.connection.fetch, params)
        return [driver.compiled.row(record) for record in records]

    async def row(self, session: AsyncSession, **params: Any) -> Row | None:
        """The first row, or None."""
        found = await self.rows(session, **params)
        return found[0] if found else None

    async def execute(self, session: AsyncSession, **params: Any) -> int:
        """Runs a statement that returns no rows; the number of rows it changed."""
        return await self._execute(session, params)

    async def _execute(
        self, session: AsyncSession, params: Mapping[str, Any], *, begin: bool | None = None
    ) -> int:
        driver = await self._driver(session, begin=begin)
        if driver is None:
            result = await session.execute(self.statement, params)
            return int(getattr(result, "rowcount", -1))
        status = await driver.run(driver.connection.execute, params)
        count = status.rsplit(" ", 1)[-1]
        return int(count) if count.isdigit() else -1


@dataclass(frozen=True, slots=True)
class _Driver:
    """Where a statement runs: an asyncpg connection, the session's or ``borrowed`` from the pool for
    this one statement (then given back, or discarded when it broke)."""

    connection: Any
    compiled: _Compiled
    borrowed: PoolProxiedConnection | None = None

    async def run(self, method: Callable[..., Awaitable[Any]], params: Mapping[str, Any]) -> Any:
        sql = self.compiled.sql
        broken = False
        try:
            arguments = self.compiled.arguments(params)
            broken = True  # until the statement ends normally or the server refused it
            result = await method(sql, *arguments)
            broken = False
            return result
        except asyncpg.PostgresError as error:
            broken = isinstance(error, _CONNECTION_LOST) or self.connection.is_closed()
            raise _translated(error, sql) from error
        except (asyncpg.InterfaceError, asyncpg.InternalClientError, OSError) as error:
            raise _translated(error, sql) from error
        finally:
            # Cancelled mid-statement, a connection is in an unknown state: discarded as well.
            if self.borrowed is not None:
                await greenlet_spawn(self.borrowed.invalidate if broken else self.borrowed.close)


async def _borrowed_connection(session: AsyncSession) -> tuple[PoolProxiedConnection, Dialect] | None:
    """A pooled connection of the session's engine for one statement that needs no transaction, while the
    session has no connection yet (it may have begun: ``session.begin()`` takes none until a statement
    needs it): the session's own costs ~0.25 ms more of CPU (its checkout and release through the ORM).
    None when the session holds a connection, is bound to one (tests run inside an outer transaction)
    or is not on asyncpg."""
    bind = session.bind
    if not isinstance(bind, AsyncEngine) or bind.dialect.driver != "asyncpg":
        return None
    transaction = session.sync_session.get_transaction()
    # The transaction's connections, by bind (a private attribute: SQLAlchemy is pinned, and the tests of
    # tests/kit/test_prepared.py fail if it changes meaning).
    if transaction is not None and transaction._connections:
        return None
    return await bind.raw_connection(), bind.dialect


# ---- new ORM rows, written without the unit of work ------------------------------------------------

# One group of rows: a table, the columns given (sorted) and how many rows.
_Group = tuple[Table, tuple[str, ...], int]
_INSERTS: dict[tuple[_Group, ...], Prepared] = {}


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    attribute: str
    default: Any  # the column's ColumnDefault, or None


@lru_cache(maxsize=64)
def _columns_of(mapper: Mapper[Any]) -> tuple[_Column, ...]:
    return tuple(
        _Column(column.key, mapper.get_property_by_column(column).key, column.default)
        for column in mapper.local_table.columns
    )


def _row_values(obj: Any) -> dict[str, Any]:
    """The INSERT values of a pending object as the ORM would compute them: the attributes that were set,
    else the column's Python default; columns with neither are left out (server default or NULL). A
    default that is not a plain value or function (a SQL expression, a sequence) is refused: it would
    need the ORM's flush, which may come after the statement that writes the object's children."""
    state = inspect(obj)
    given = state.dict
    values = {}
    for column in _columns_of(state.mapper):
        if column.attribute in given:
            values[column.name] = given[column.attribute]
        elif column.default is None:
            continue
        elif column.default.is_scalar:
            values[column.name] = column.default.arg
        elif column.default.is_callable:
            values[column.name] = column.default.arg(None)
        else:
            raise ValueError(
                f"{state.mapper.class_.__name__}.{column.attribute}: a default insert_added cannot compute"
            )
    return values


@lru_cache(maxsize=4)
def _table_order(metadata: MetaData) -> dict[Table, int]:
    """Tables in foreign key dependency order (parents first)."""
    return {table: i for i, table in enumerate(metadata.sorted_tables)}


def _values(table: Table, group: int, columns: tuple[str, ...], rows: int) -> list[dict[Any, Any]]:
    return [
        {table.c[name]: bindparam(f"g{group}r{row}_{name}", type_=table.c[name].type) for name in columns}
        for row in range(rows)
    ]


def _insert_of(shape: tuple[_Group, ...]) -> Prepared:
    """One statement for every group: all but the last as data-modifying CTEs (``WITH w0 AS (INSERT
    ...)``) of the last group's INSERT. PostgreSQL checks the foreign keys at the end of the statement,
    so children may come with their parent."""
    found = _INSERTS.get(shape)
    if found is None:
        *ctes, (table, columns, rows) = shape
        statement = insert(table).values(_values(table, len(ctes), columns, rows))
        if ctes:
            statement = statement.add_cte(
                *(
                    insert(cte_table).values(_values(cte_table, i, cte_columns, cte_rows)).cte(f"w{i}")
                    for i, (cte_table, cte_columns, cte_rows) in enumerate(ctes)
                )
            )
        if len(_INSERTS) >= 256:  # shapes vary with the number of events; keep the common ones
            _INSERTS.clear()
        found = _INSERTS[shape] = Prepared(statement)
    return found


async def insert_added(session: AsyncSession, models: tuple[type[Any], ...]) -> None:
    """Writes the session's new (pending) objects of ``models`` with one prepared statement (one round
    trip) and takes them out of the session, so that its flush has only the rest to do. When the
    session has nothing else to write and no transaction open, that statement is the whole transaction,
    without BEGIN and COMMIT round trips: so call this last, right before the commit. On databases other
    than PostgreSQL it does nothing and the flush writes them.

    Only for models whose foreign keys are set as plain columns (not through relationships, which the
    ORM fills in during its flush); the call record, its attempts and its journey events are such.
    """
    if session.get_bind().dialect.driver != "asyncpg":
        return
    pending = [obj for obj in session.new if isinstance(obj, models)]
    if not pending:
        return
    groups: dict[tuple[Table, tuple[str, ...]], list[dict[str, Any]]] = {}
    for obj in pending:
        values = _row_values(obj)
        table = inspect(obj).mapper.local_table
        groups.setdefault((table, tuple(sorted(values))), []).append(values)
    ordered = sorted(groups, key=lambda group: _table_order(group[0].metadata)[group[0]])
    params = {
        f"g{g}r{r}_{name}": value
        for g, key in enumerate(ordered)
        for r, values in enumerate(groups[key])
        for name, value in values.items()
    }
    shape = tuple((table, columns, len(groups[(table, columns)])) for table, columns in ordered)
    # With nothing else to write, the one statement is the whole transaction: no BEGIN, no COMMIT.
    alone = len(pending) == len(session.new) and not session.dirty and not session.deleted
    await _insert_of(shape)._execute(session, params, begin=not alone)
    for obj in pending:
        session.expunge(obj)
