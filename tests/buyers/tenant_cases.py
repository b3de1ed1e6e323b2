"""Cross-tenant cases for buyers and targets.

B moving its own target under A's buyer needs a target of B's, which a case cannot create; that one is
``test_other_account_cannot_move_its_target_to_our_buyer`` in ``test_targets.py``.
"""

from __future__ import annotations

from typing import Any

from tests.factories import LoggedIn
from tests.tenancy.cases import Check, Probe, TenantCase


async def _create_buyer(owner: LoggedIn) -> dict[str, Any]:
    response = await owner.client.post("/api/buyers", json={"name": "Tenant A buyer"})
    assert response.status_code == 201, response.text
    row_id = response.json()["id"]
    return {"id": row_id, "buyer_id": row_id}


async def _create_target(owner: LoggedIn) -> dict[str, Any]:
    buyer = await _create_buyer(owner)
    response = await owner.client.post(
        "/api/targets",
        json={"buyer_id": buyer["buyer_id"], "name": "Tenant A target", "destination": "+14155550100"},
    )
    assert response.status_code == 201, response.text
    row_id = response.json()["id"]
    return {"id": row_id, "target_id": row_id, "buyer_id": buyer["buyer_id"]}


def _target_under(row: dict[str, Any]) -> dict[str, Any]:
    return {"buyer_id": row["buyer_id"], "name": "Tenant B target", "destination": "+14155550101"}


BUYER = "/api/buyers/{buyer_id}"
TARGET = "/api/targets/{target_id}"
CASES = [
    TenantCase(
        name="buyer",
        create=_create_buyer,
        read_path=BUYER,
        list_path="/api/buyers",
        probes=[
            Probe("GET", BUYER, Check.READ),
            Probe("PATCH", BUYER, Check.CHANGE, body={"name": "hijacked", "status": "paused"}),
            Probe("DELETE", BUYER, Check.DELETE),
            Probe("GET", "/api/buyers", Check.LIST),
            Probe("POST", "/api/buyers", Check.CREATE_OWN, body={"name": "Tenant B buyer"}),
            Probe("GET", BUYER + "/targets", Check.READ),
            Probe("POST", "/api/targets", Check.REFERENCE, body=_target_under),
        ],
    ),
    TenantCase(
        name="target",
        create=_create_target,
        read_path=TARGET,
        list_path="/api/targets",
        probes=[
            Probe("GET", TARGET, Check.READ),
            Probe("PATCH", TARGET, Check.CHANGE, body={"name": "hijacked", "priority": 10}),
            Probe("DELETE", TARGET, Check.DELETE),
            Probe("GET", "/api/targets", Check.LIST),
            Probe("PATCH", TARGET, Check.REFERENCE, body=lambda row: {"buyer_id": row["buyer_id"]}),
        ],
    ),
]
