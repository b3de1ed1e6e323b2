"""Cross-tenant cases for publishers and their payout overrides."""

from __future__ import annotations

from tests.factories import LoggedIn
from tests.tenancy.cases import Check, Probe, Row, TenantCase, created
from tests.tenancy.rows import campaign_row, publisher_row


async def _create_publisher(owner: LoggedIn) -> Row:
    campaign = await campaign_row(owner)
    publisher_id = await created(
        owner, "/api/publishers", {"name": "A publisher", "email": "a@pub.example", "sub_ids": ["s1"]}
    )
    return {**campaign, "id": publisher_id, "publisher_id": publisher_id}


async def _create_payout(owner: LoggedIn) -> Row:
    row = await _create_publisher(owner)
    response = await owner.client.put(
        f"/api/publishers/{row['publisher_id']}/payouts/{row['campaign_id']}", json={"payout": "12.5"}
    )
    assert response.status_code == 200, response.text
    return {**row, "id": response.json()["id"]}


ITEM = "/api/publishers/{publisher_id}"
PAYOUTS = "/api/publishers/{publisher_id}/payouts"
PAYOUT = "/api/publishers/{publisher_id}/payouts/{campaign_id}"
OTHER_PAYOUTS = "/api/publishers/{other_publisher_id}/payouts"
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
    TenantCase(
        name="campaign_paid_by_other_publisher",
        create=campaign_row,
        read_path="/api/campaigns/{campaign_id}",
        list_path="/api/campaigns",
        # B sets a payout of its own publisher for A's campaign.
        probes=[Probe("PUT", OTHER_PAYOUTS + "/{campaign_id}", Check.REFERENCE, body={"payout": "99"})],
        create_other=publisher_row,
        other_read_path=OTHER_PAYOUTS,
    ),
]
