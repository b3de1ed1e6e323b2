"""The public tracking call of t.js: which number a landing page's visitor sees.

Business rules:
- Each client IP may call ``/api/dni/track`` ``DNI_TRACK_RATE_PER_MINUTE`` times a minute (300 by
  default; an office behind one address has many visitors); beyond that: 429 with ``Retry-After``.
- A code that names no tag is a 404 ``unknown_tag`` that says so: the script tag was mistyped or the
  tag deleted, and whoever looks at the browser console must see which.
- Pool tags lease numbers per visitor (the visitor id t.js keeps in a first-party cookie):
  1. a visitor with an active session on the pool (through any tag of that pool) keeps its number; the
     lease is renewed to ``lease_seconds`` from now, never beyond ``max_lease_seconds`` after it began;
  2. otherwise a returning visitor gets its previous number back if it is free and nobody leased it since;
  3. otherwise the least recently leased free number;
  4. when no number is free the pool's overflow policy applies: ``default_number`` shows the pool's
     default number (without one, the page keeps its own), ``reuse_oldest`` shares the number leased
     longest ago and flags the session ambiguous. Each overflowed visitor is counted once; a visitor
     shown the default number gets a real one on a later renewal if one has become free.
- Static tags show their number; the visit is a session extended by every page view for 30 minutes.
- Publisher: the one the URL names in the tag's ``publisher_param`` (by id or name), else the tag's own,
  else none (a call then credits its number's publisher).
- Every query parameter is stored on the session, UTMs and gclid also in columns of their own. A page
  view that carries UTMs or click ids is a new touch and replaces those of the session; one without any
  (a visitor browsing on, or coming back directly) keeps them, also from the visitor's previous session:
  calls are credited to the last touch that had a source.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import phonenumbers
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.dni import repository
from callcenter.dni.repository import LeasedNumber, SessionRow, TagTarget
from callcenter.dni.schemas import TrackRequest, TrackResponse
from callcenter.dni.tag_cache import TagCache, generation
from callcenter.kit.errors import AppError, TooManyRequests
from callcenter.live import LiveState
from callcenter.models.dni import NumberFormat, PoolOverflow, TrackingTag
from callcenter.models.numbers import NumberPool, OverflowPolicy, PhoneNumber

UTM_COLUMNS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "gclid")
CLICK_IDS = (
    "gclid",
    "gbraid",
    "wbraid",
    "fbclid",
    "msclkid",
    "ttclid",
    "twclid",
    "li_fat_id",
    "rtkclickid",
    "rtkcid",
    "clickid",
)
SOURCE_PARAMS = frozenset({*UTM_COLUMNS, "utm_id", *CLICK_IDS})
STATIC_SESSION = timedelta(minutes=30)
RATE_WINDOW_S = 60
# Numbers added to a pool get their lease rows before a lease at most this long after (and at once when
# the pool looks exhausted).
SYNC_INTERVAL_S = 5.0
_synced_at: dict[uuid.UUID, float] = {}
TAGS = TagCache()


class UnknownTag(AppError):
    status_code = 404
    code = "unknown_tag"

    def __init__(self, code: str) -> None:
        super().__init__(
            f"No tracking tag has the code {code!r}: copy the script tag again from the tracking tag"
        )


@dataclass(frozen=True, slots=True)
class Visit:
    """One page view as t.js reports it, plus what the server knows about the client."""

    request: TrackRequest
    visitor_id: str
    ip: str
    user_agent: str | None
    now: datetime

    @property
    def returning(self) -> bool:
        """The browser sent the visitor id it keeps (a new visitor sends none and gets one)."""
        return self.request.visitor_id is not None

    @property
    def params(self) -> dict[str, str]:
        return self.request.params

    @property
    def has_source(self) -> bool:
        return any(self.params.get(key) for key in SOURCE_PARAMS)


async def track(
    session: AsyncSession,
    live: LiveState,
    data: TrackRequest,
    *,
    ip: str,
    user_agent: str | None,
    rate_per_minute: int,
    now: datetime,
) -> TrackResponse:
    decision = await live.hit(f"dni:ip:{ip}", limit=rate_per_minute, window_s=RATE_WINDOW_S)
    if not decision.allowed:
        raise TooManyRequests(
            "Too many tracking requests; try again later", retry_after_s=decision.retry_after_s
        )
    target = await _tag(session, data.tag)
    visit = Visit(data, data.visitor_id or uuid.uuid4().hex, ip[:64], (user_agent or "")[:300] or None, now)
    credit = await _publisher(session, target.tag, visit)
    if target.pool is not None:
        row = await _pool_session(session, target, visit, credit)
        renew_seconds = max(10, min(target.pool.lease_seconds // 2, 300))
    else:
        row = await _static_session(session, target, visit, credit)
        renew_seconds = 0
    await repository.save_session(session, row, now=now)  # unless written already
    if session.new:
        await session.flush()  # an overflow record, after the session it names
    return TrackResponse(
        number_e164=row.number,
        number_formatted=format_number(row.number, target.tag.number_format) if row.number else None,
        number_format=target.tag.number_format,
        selectors=list(target.tag.selectors),
        session_id=row.id,
        visitor_id=visit.visitor_id,
        expires_at=row.expires_at,
        renew_seconds=renew_seconds,
    )


async def _tag(session: AsyncSession, code: str) -> TagTarget:
    target = TAGS.get(code)
    if target is not None:
        return target
    loaded_in = generation()
    target = await repository.tag_by_code(session, code)
    if target is None:
        raise UnknownTag(code)
    # Detached, the cached rows are untouched by whatever this request's session does next (a
    # rollback would expire them).
    for row in (target.tag, target.pool, target.static_number):
        if row is not None:
            session.expunge(row)
    TAGS.put(code, target, loaded_in=loaded_in)
    return target


@lru_cache(maxsize=4096)
def format_number(e164: str, number_format: NumberFormat) -> str:
    """``+14155550123`` as the tag wants it shown; ``page`` (the page's own format, which t.js keeps)
    falls back to the national format where the page shows no number to copy."""
    if number_format is NumberFormat.E164:
        return e164
    parsed = phonenumbers.parse(e164)
    if number_format is NumberFormat.INTERNATIONAL:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    digits = str(parsed.national_number)
    if parsed.country_code == 1 and len(digits) == 10:
        if number_format is NumberFormat.DASHES:
            return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
        if number_format is NumberFormat.DOTS:
            return f"{digits[:3]}.{digits[3:6]}.{digits[6:]}"
    return national


@dataclass(frozen=True, slots=True)
class Credit:
    """The publisher to credit; ``named`` when the URL named it (it then replaces the session's)."""

    publisher_id: uuid.UUID | None
    named: bool


async def _publisher(session: AsyncSession, tag: TrackingTag, visit: Visit) -> Credit:
    value = visit.params.get(tag.publisher_param) if tag.publisher_param else None
    if value and value.strip():
        found = await repository.publisher_named(session, tag.account_id, value)
        if found is not None:
            return Credit(found, named=True)
    return Credit(tag.publisher_id, named=False)


def _touch(row: SessionRow, visit: Visit, credit: Credit) -> None:
    """Records a page view on the session (see the last-touch rule in the module's docstring)."""
    row.page_url = visit.request.page_url
    row.last_seen_at = visit.now
    if visit.has_source:
        for column in UTM_COLUMNS:
            value = visit.params.get(column)
            setattr(row, column, value[:255] if value else None)
        row.params = visit.params
    else:
        row.params = {**(row.params or {}), **visit.params}
    if credit.named or row.publisher_id is None:
        row.publisher_id = credit.publisher_id


def _new_session(
    target: TagTarget, visit: Visit, credit: Credit, *, previous: SessionRow | None
) -> SessionRow:
    row = SessionRow(
        id=uuid.uuid4(),
        account_id=target.tag.account_id,
        tag_id=target.tag.id,
        pool_id=target.pool.id if target.pool else None,
        number_id=None,
        number=None,
        visitor_id=visit.visitor_id,
        leased_at=visit.now,
        expires_at=visit.now,
        last_seen_at=visit.now,
        renewals=0,
        overflow=False,
        ambiguous=False,
        landing_url=visit.request.page_url,
        page_url=visit.request.page_url,
        referrer=visit.request.referrer,
        ip=visit.ip,
        user_agent=visit.user_agent,
        utm_source=None,
        utm_medium=None,
        utm_campaign=None,
        utm_term=None,
        utm_content=None,
        gclid=None,
        params={},
        publisher_id=None,
    )
    if previous is not None and not visit.has_source:
        for column in UTM_COLUMNS:
            setattr(row, column, getattr(previous, column))
        row.params = dict(previous.params or {})
        row.publisher_id = previous.publisher_id
    _touch(row, visit, credit)
    return row


def _show(row: SessionRow, number: PhoneNumber | LeasedNumber) -> None:
    row.number_id, row.number = number.id, number.number


async def _static_session(
    session: AsyncSession, target: TagTarget, visit: Visit, credit: Credit
) -> SessionRow:
    latest = (
        await repository.latest_tag_session(session, target.tag.id, visit.visitor_id)
        if visit.returning
        else None
    )
    if latest is not None and latest.expires_at > visit.now:
        row = latest
        row.renewals += 1
        _touch(row, visit, credit)
    else:
        row = _new_session(target, visit, credit, previous=latest)
    row.expires_at = visit.now + STATIC_SESSION
    if target.static_number is not None:
        _show(row, target.static_number)
    return row


def _lease_end(pool: NumberPool, row: SessionRow, now: datetime) -> datetime:
    return min(
        now + timedelta(seconds=pool.lease_seconds), row.leased_at + timedelta(seconds=pool.max_lease_seconds)
    )


async def _lease_free(session: AsyncSession, pool: NumberPool, row: SessionRow, now: datetime) -> bool:
    """Gives ``row`` the least recently leased free number of the pool; False when none is free.

    The pool's numbers get their lease rows first, unless that was done a moment ago; then, before the
    pool is declared exhausted, once more (a number may have been added meanwhile).
    """
    until = _lease_end(pool, row, now)
    recently_synced = _recently_synced(pool)
    if not recently_synced:
        await _sync(session, pool)
    number = await repository.lease_free_number(session, pool.id, session_id=row.id, now=now, until=until)
    if number is None and recently_synced:
        await _sync(session, pool)
        number = await repository.lease_free_number(session, pool.id, session_id=row.id, now=now, until=until)
    if number is None:
        return False
    _show(row, number)
    row.expires_at = until
    return True


def _recently_synced(pool: NumberPool) -> bool:
    return time.monotonic() - _synced_at.get(pool.id, -SYNC_INTERVAL_S) < SYNC_INTERVAL_S


async def _sync(session: AsyncSession, pool: NumberPool) -> None:
    # Counted as synced from the start: the page views arriving while it runs would otherwise each run it
    # too, every one scanning the whole pool (~5 ms of the database's CPU for 8,000 numbers).
    _synced_at[pool.id] = time.monotonic()
    await repository.add_missing_leases(session, pool)


async def _pool_session(session: AsyncSession, target: TagTarget, visit: Visit, credit: Credit) -> SessionRow:
    if repository.writes_in_one_statement(session):
        row = await _pool_session_in_one_statement(session, target, visit, credit)
        if row is not None:
            return row
    return await _pool_session_locked(session, target, visit, credit)


async def _pool_session_in_one_statement(
    session: AsyncSession, target: TagTarget, visit: Visit, credit: Credit
) -> SessionRow | None:
    """The two common page views, each written with one statement and no transaction (a round trip or
    two instead of five, while the landing page renders): a new visitor given a free number, and a
    visitor renewing the lease of the number it shows, its session read unlocked and written only if
    unchanged since. None, with nothing written, for every other case and for a lost race: those take
    the locked way."""
    pool = target.pool
    assert pool is not None
    now = visit.now
    if not visit.returning:
        if not _recently_synced(pool):
            return None
        row = _new_session(target, visit, credit, previous=None)
        row.expires_at = _lease_end(pool, row, now)
        return row if await repository.insert_leased_session(session, row, pool.id, now=now) else None
    row_read = await repository.latest_pool_session(session, pool.id, visit.visitor_id, locked=False)
    if row_read is None or row_read.expires_at <= now or row_read.number_id is None:
        return None
    read_renewals = row_read.renewals
    _count_renewal(pool, row_read, now)
    _touch(row_read, visit, credit)
    renewed = await repository.renew_pool_session(
        session, row_read, pool.id, read_renewals=read_renewals, now=now
    )
    return row_read if renewed else None


async def _pool_session_locked(
    session: AsyncSession, target: TagTarget, visit: Visit, credit: Credit
) -> SessionRow:
    pool = target.pool
    assert pool is not None
    now = visit.now
    # A visitor id the server has just issued has no session yet: no need to look.
    latest = (
        await repository.latest_pool_session(session, pool.id, visit.visitor_id) if visit.returning else None
    )
    if latest is not None and latest.expires_at > now:
        await _renew(session, pool, latest, now)
        _touch(latest, visit, credit)
        return latest

    row = _new_session(target, visit, credit, previous=latest)
    returning = (
        latest is not None
        and latest.number_id is not None
        and await repository.lease_again(
            session,
            pool.id,
            latest.number_id,
            previous_session_id=latest.id,
            session_id=row.id,
            now=now,
            until=_lease_end(pool, row, now),
        )
    )
    if returning:
        assert latest is not None and latest.number_id is not None
        row.number_id, row.number = latest.number_id, latest.number
        row.expires_at = _lease_end(pool, row, now)
    elif not await _lease_free(session, pool, row, now):
        await _overflow(session, pool, row, now)
    return row


async def _renew(session: AsyncSession, pool: NumberPool, row: SessionRow, now: datetime) -> None:
    if row.number_id is None and row.overflow:
        # Shown the default number: the visitor gets a real one, a fresh lease, as soon as one is free.
        overflowed_at, row.leased_at = row.leased_at, now
        if await _lease_free(session, pool, row, now):
            row.renewals += 1
            row.overflow = False
            return
        row.leased_at = overflowed_at
    _count_renewal(pool, row, now)
    if row.number_id is not None:
        await repository.extend_lease(session, pool.id, row.number_id, now=now, until=row.expires_at)


def _count_renewal(pool: NumberPool, row: SessionRow, now: datetime) -> None:
    """A renewal of the lease the session holds: counted, and the lease runs on, up to its maximum."""
    row.renewals += 1
    row.expires_at = max(row.expires_at, _lease_end(pool, row, now))


async def _overflow(session: AsyncSession, pool: NumberPool, row: SessionRow, now: datetime) -> None:
    row.overflow = True
    row.expires_at = _lease_end(pool, row, now)
    session.add(
        PoolOverflow(
            account_id=pool.account_id,
            pool_id=pool.id,
            session_id=row.id,
            at=now,
            policy=pool.overflow_policy,
        )
    )
    if pool.overflow_policy is OverflowPolicy.REUSE_OLDEST:
        number = await repository.reuse_oldest_lease(
            session, pool.id, session_id=row.id, now=now, until=row.expires_at
        )
        if number is not None:
            _show(row, number)
            row.ambiguous = True
            return
    row.number = pool.default_number
