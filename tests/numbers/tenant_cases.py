"""Cross-tenant cases for numbers and pools.

Account A owns a campaign, a publisher, a pool on that campaign and a number in that pool. B tries to
read, list, change and delete them, to change the pool's membership, to point new numbers and pools of
its own at them, and to add A's number to a pool of B's own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.factories import LoggedIn
from tests.tenancy.cases import Check, Probe, Row, TenantCase, created
from tests.tenancy.rows import campaign_row, pool_row

B_NUMBER = "+14155550198"


async def _graph(owner: LoggedIn) -> Row:
    campaign_id = (await campaign_row(owner))["campaign_id"]
    publisher_id = await created(owner, "/api/publishers", {"name": "A publisher"})
    pool_id = await created(owner, "/api/pools", {"name": "A pool", "campaign_id": campaign_id})
    number_id = await created(
        owner, "/api/numbers", {"number": "+14155550197", "pool_id": pool_id, "publisher_id": publisher_id}
    )
    return {
        "campaign_id": campaign_id,
        "publisher_id": publisher_id,
        "pool_id": pool_id,
        "number_id": number_id,
    }


def _graph_as(kind: str) -> Callable[[LoggedIn], Awaitable[Row]]:
    """Creates the whole graph; its ``kind`` row is the case's row (the id that must not leak)."""

    async def create(owner: LoggedIn) -> Row:
        row = await _graph(owner)
        return {**row, "id": row[f"{kind}_id"]}

    return create


NUMBER = "/api/numbers/{number_id}"
POOL = "/api/pools/{pool_id}"
MEMBERS = "/api/pools/{pool_id}/numbers"
MEMBER = "/api/pools/{pool_id}/numbers/{number_id}"


def _b_number(field: str) -> Callable[[Row, Row], dict[str, Any]]:
    return lambda row, _: {"number": B_NUMBER, field: row[field]}


def _number_ids(row: Row, _: Row) -> dict[str, Any]:
    return {"number_ids": [row["number_id"]]}


CASES = [
    TenantCase(
        name="phone_number",
        create=_graph_as("number"),
        read_path=NUMBER,
        list_path="/api/numbers",
        probes=[
            Probe("GET", NUMBER, Check.READ),
            Probe("PATCH", NUMBER, Check.CHANGE, body={"friendly_name": "hijacked", "pool_id": None}),
            Probe("DELETE", NUMBER, Check.DELETE),
            Probe("GET", "/api/numbers", Check.LIST),
            Probe("POST", "/api/numbers", Check.CREATE_OWN, body={"number": B_NUMBER}),
            # The number's read shows its pool_id: B can neither take it out of A's pool nor re-add it.
            Probe("DELETE", MEMBER, Check.DELETE),
            Probe("POST", MEMBERS, Check.CHANGE, body=_number_ids),
            # B adds A's number to B's pool.
            Probe("POST", "/api/pools/{other_pool_id}/numbers", Check.REFERENCE, body=_number_ids),
        ],
        create_other=pool_row,
        other_read_path="/api/pools/{other_pool_id}/numbers",
    ),
    TenantCase(
        name="number_pool",
        create=_graph_as("pool"),
        read_path=POOL,
        list_path="/api/pools",
        probes=[
            Probe("GET", POOL, Check.READ),
            Probe("PATCH", POOL, Check.CHANGE, body={"name": "hijacked", "lease_seconds": 60}),
            Probe("DELETE", POOL, Check.DELETE),
            Probe("GET", "/api/pools", Check.LIST),
            Probe("POST", "/api/pools", Check.CREATE_OWN, body={"name": "B pool"}),
            Probe("GET", MEMBERS, Check.READ),
            Probe("POST", "/api/numbers", Check.REFERENCE, body=_b_number("pool_id")),
        ],
    ),
    TenantCase(
        name="campaign_referenced_by_numbers_and_pools",
        create=_graph_as("campaign"),
        read_path=POOL,
        list_path="/api/pools",
        probes=[
            Probe("POST", "/api/numbers", Check.REFERENCE, body=_b_number("campaign_id")),
            Probe(
                "POST",
                "/api/pools",
                Check.REFERENCE,
                body=lambda row, _: {"name": "B pool", "campaign_id": row["campaign_id"]},
            ),
        ],
    ),
    TenantCase(
        name="publisher_referenced_by_numbers",
        create=_graph_as("publisher"),
        read_path=NUMBER,
        list_path="/api/numbers",
        probes=[Probe("POST", "/api/numbers", Check.REFERENCE, body=_b_number("publisher_id"))],
    ),
]
