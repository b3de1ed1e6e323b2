"""Configuration rows that tenant cases of several domains create through the API, as A or as B.

Each returns the row's placeholders (see ``cases.py``): ``id`` and ``<kind>_id``, plus the ids of the rows
it was built on.
"""

from __future__ import annotations

from typing import Any

from tests.factories import LoggedIn
from tests.tenancy.cases import Row, created


async def _row(logged_in: LoggedIn, kind: str, **fields: Any) -> Row:
    """POSTs a ``kind`` named "Tenant <kind>" to ``/api/<kind>s``, with ``fields`` besides its name."""
    row_id = await created(logged_in, f"/api/{kind}s", {"name": f"Tenant {kind}", **fields})
    return {"id": row_id, f"{kind}_id": row_id}


async def campaign_row(logged_in: LoggedIn) -> Row:
    return await _row(logged_in, "campaign")


async def buyer_row(logged_in: LoggedIn) -> Row:
    return await _row(logged_in, "buyer")


async def target_row(logged_in: LoggedIn) -> Row:
    """A target of a buyer of its own."""
    buyer = await buyer_row(logged_in)
    target = await _row(logged_in, "target", buyer_id=buyer["buyer_id"], destination="+14155550100")
    return {**buyer, **target}


async def publisher_row(logged_in: LoggedIn) -> Row:
    return await _row(logged_in, "publisher")


async def pool_row(logged_in: LoggedIn) -> Row:
    return await _row(logged_in, "pool")
