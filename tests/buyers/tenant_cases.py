"""Cross-tenant cases for buyers and targets."""

from __future__ import annotations

from typing import Any

from tests.tenancy.cases import Check, Probe, Row, TenantCase
from tests.tenancy.rows import buyer_row, target_row


def _target_under(row: Row, _: Row) -> dict[str, Any]:
    return {"buyer_id": row["buyer_id"], "name": "Tenant B target", "destination": "+14155550101"}


BUYER = "/api/buyers/{buyer_id}"
TARGET = "/api/targets/{target_id}"
CASES = [
    TenantCase(
        name="buyer",
        create=buyer_row,
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
            # B moves its own target under A's buyer.
            Probe(
                "PATCH",
                "/api/targets/{other_target_id}",
                Check.REFERENCE,
                body=lambda row, _: {"buyer_id": row["buyer_id"]},
            ),
        ],
        create_other=target_row,
        other_read_path="/api/targets/{other_target_id}",
    ),
    TenantCase(
        name="target",
        create=target_row,
        read_path=TARGET,
        list_path="/api/targets",
        probes=[
            Probe("GET", TARGET, Check.READ),
            Probe("PATCH", TARGET, Check.CHANGE, body={"name": "hijacked", "priority": 10}),
            Probe("DELETE", TARGET, Check.DELETE),
            Probe("GET", "/api/targets", Check.LIST),
            Probe("PATCH", TARGET, Check.CHANGE, body=lambda row, _: {"buyer_id": row["buyer_id"]}),
        ],
    ),
]
