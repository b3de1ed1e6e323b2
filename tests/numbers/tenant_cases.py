"""Cross-tenant cases for numbers and pools.

Account A owns a campaign, a publisher, a pool on that campaign and a number in that pool. B tries to
read, list, change and delete them, to change the pool's membership, and to point new numbers and pools
of its own at them. (B adding A's number to a pool of B's needs a pool of B's, which these cases cannot
create; tests/numbers/test_pool_membership.py covers it.)
"""

from __future__ import annotations

from typing import Any

from tests.factories import LoggedIn
from tests.numbers.factories import campaign_of
from tests.tenancy.cases import Check, Probe, TenantCase

B_NUMBER = "+14155550198"


async def _post(owner: LoggedIn, path: str, body: dict[str, Any]) -> str:
    response = await owner.client.post(path, json=body)
    assert response.status_code == 201, response.text
    row_id: str = response.json()["id"]
    return row_id


async def _graph(owner: LoggedIn) -> dict[str, Any]:
    campaign_id = await campaign_of(owner)
    publisher_id = await _post(owner, "/api/publishers", {"name": "A publisher"})
    pool_id = await _post(owner, "/api/pools", {"name": "A pool", "campaign_id": campaign_id})
    number_id = await _post(
        owner, "/api/numbers", {"number": "+14155550197", "pool_id": pool_id, "publisher_id": publisher_id}
    )
    return {
        "campaign_id": campaign_id,
        "publisher_id": publisher_id,
        "pool_id": pool_id,
        "number_id": number_id,
    }


async def _number(owner: LoggedIn) -> dict[str, Any]:
    row = await _graph(owner)
    return {**row, "id": row["number_id"]}


async def _pool(owner: LoggedIn) -> dict[str, Any]:
    row = await _graph(owner)
    return {**row, "id": row["pool_id"]}


async def _campaign(owner: LoggedIn) -> dict[str, Any]:
    row = await _graph(owner)
    return {**row, "id": row["campaign_id"]}


async def _publisher(owner: LoggedIn) -> dict[str, Any]:
    row = await _graph(owner)
    return {**row, "id": row["publisher_id"]}


NUMBER = "/api/numbers/{number_id}"
POOL = "/api/pools/{pool_id}"
MEMBERS = "/api/pools/{pool_id}/numbers"
MEMBER = "/api/pools/{pool_id}/numbers/{number_id}"


def _b_number(field: str) -> Any:
    return lambda row: {"number": B_NUMBER, field: row[field]}


CASES = [
    TenantCase(
        name="phone_number",
        create=_number,
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
            Probe("POST", MEMBERS, Check.CHANGE, body=lambda row: {"number_ids": [row["number_id"]]}),
        ],
    ),
    TenantCase(
        name="number_pool",
        create=_pool,
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
        create=_campaign,
        read_path=POOL,
        list_path="/api/pools",
        probes=[
            Probe("POST", "/api/numbers", Check.REFERENCE, body=_b_number("campaign_id")),
            Probe(
                "POST",
                "/api/pools",
                Check.REFERENCE,
                body=lambda row: {"name": "B pool", "campaign_id": row["campaign_id"]},
            ),
        ],
    ),
    TenantCase(
        name="publisher_referenced_by_numbers",
        create=_publisher,
        read_path=NUMBER,
        list_path="/api/numbers",
        probes=[Probe("POST", "/api/numbers", Check.REFERENCE, body=_b_number("publisher_id"))],
    ),
]
