"""Cross-tenant cases for publishers and their payout overrides.

(B setting a payout of its own publisher for A's campaign needs a publisher of B's, which these cases
cannot create; tests/publishers/test_payouts.py covers it.)
"""

from __future__ import annotations

from typing import Any

from tests.factories import LoggedIn
from tests.numbers.factories import campaign_of
from tests.tenancy.cases import Check, Probe, TenantCase


async def _create_publisher(owner: LoggedIn) -> dict[str, Any]:
    response = await owner.client.post(
        "/api/publishers", json={"name": "A publisher", "email": "a@pub.example", "sub_ids": ["s1"]}
    )
    assert response.status_code == 201, response.text
    publisher_id = response.json()["id"]
    return {"id": publisher_id, "publisher_id": publisher_id, "campaign_id": await campaign_of(owner)}


async def _create_payout(owner: LoggedIn) -> dict[str, Any]:
    row = await _create_publisher(owner)
    response = await owner.client.put(
        f"/api/publishers/{row['publisher_id']}/payouts/{row['campaign_id']}", json={"payout": "12.5"}
    )
    assert response.status_code == 200, response.text
    return {**row, "id": response.json()["id"]}


ITEM = "/api/publishers/{publisher_id}"
PAYOUTS = "/api/publishers/{publisher_id}/payouts"
PAYOUT = "/api/publishers/{publisher_id}/payouts/{campaign_id}"
CASES = [
    TenantCase(
        name="publisher",
        create=_create_publisher,
        read_path=ITEM,
        list_path="/api/publishers",
        probes=[
            Probe("GET", ITEM, Check.READ),
            Probe("PATCH", ITEM, Check.CHANGE, body={"name": "hijacked", "status": "paused"}),
            Probe("DELETE", ITEM, Check.DELETE),
            Probe("GET", "/api/publishers", Check.LIST),
            Probe("POST", "/api/publishers", Check.CREATE_OWN, body={"name": "B publisher"}),
        ],
    ),
    TenantCase(
        name="publisher_payout",
        create=_create_payout,
        read_path=PAYOUTS,
        list_path=PAYOUTS,
        probes=[
            Probe("GET", PAYOUTS, Check.READ),
            Probe("PUT", PAYOUT, Check.CHANGE, body={"payout": "0"}),
            Probe("DELETE", PAYOUT, Check.DELETE),
        ],
    ),
]
