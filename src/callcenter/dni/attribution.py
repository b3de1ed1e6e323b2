"""Visitor-to-call attribution: the call engine's ``AttributionSource`` for pool numbers.

Business rules:
- A call to a pool number belongs to the session holding that number's lease when the call arrives.
- With no active lease, the most recent session that ended less than ``GRACE`` before the call gets it
  (the visitor closed the page, then called), flagged ambiguous: someone else may have noted the number.
- Also ambiguous: a number shared under the ``reuse_oldest`` overflow policy, i.e. a session that got
  a reused number, or two sessions holding the number at once.
- The call takes the session's id, UTMs, gclid, publisher (which overrides the number's own) and its
  click ids, sub ids, publisher parameter and the tag's custom parameters, plus the landing page and
  referrer. Calls to static numbers are not attributed here: they credit the number's publisher.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls.extensions import CallAttribution
from callcenter.dni import repository
from callcenter.dni.tracking import SOURCE_PARAMS, UTM_COLUMNS
from callcenter.models.dni import TrackingTag
from callcenter.models.numbers import NumberPool, PhoneNumber

GRACE = timedelta(minutes=15)


def call_params(params: dict[str, Any], tag: TrackingTag | None) -> dict[str, Any]:
    """The captured parameters a call carries besides its UTM and gclid columns."""
    wanted = set(SOURCE_PARAMS) - set(UTM_COLUMNS)
    if tag is not None:
        wanted |= set(tag.custom_params or ())
        if tag.publisher_param:
            wanted.add(tag.publisher_param)
    wanted |= {key for key in params if key.startswith("sub") and key[3:].isdigit()}
    return {key: value for key, value in params.items() if key in wanted and value not in (None, "")}


class VisitorAttribution:
    async def attribute(
        self, session: AsyncSession, *, number: PhoneNumber, pool: NumberPool | None, now: datetime
    ) -> CallAttribution | None:
        if pool is None:
            return None
        found = await repository.sessions_on_number(
            session, pool_id=pool.id, number_id=number.id, ended_after=now - GRACE
        )
        if not found:
            return None
        visit, tag = found[0]
        shared = len(found) > 1 and found[1][0].expires_at > now
        return CallAttribution(
            visitor_session_id=visit.id,
            publisher_id=visit.publisher_id,
            utm_source=visit.utm_source,
            utm_medium=visit.utm_medium,
            utm_campaign=visit.utm_campaign,
            utm_term=visit.utm_term,
            utm_content=visit.utm_content,
            gclid=visit.gclid,
            params={
                **call_params(visit.params or {}, tag),
                "visitor_id": visit.visitor_id,
                "landing_url": visit.landing_url,
                "referrer": visit.referrer,
            },
            ambiguous=visit.ambiguous or shared or visit.expires_at <= now,
        )
