"""Cross-tenant cases for campaigns and their target assignments."""

from __future__ import annotations

from typing import Any

from tests.factories import LoggedIn
from tests.tenancy.cases import Check, Probe, Row, TenantCase, created
from tests.tenancy.rows import campaign_row, target_row


async def _create_assignment(owner: LoggedIn) -> Row:
    campaign = await campaign_row(owner)
    target = await target_row(owner)
    assignment_id = await created(
        owner,
        f"/api/campaigns/{campaign['campaign_id']}/targets",
        {"target_id": target["target_id"], "priority": 2},
    )
    return {**campaign, **target, "id": assignment_id}


def _same_target(row: Row, _: Row) -> dict[str, Any]:
    return {"target_id": row["target_id"], "priority": 9}


CAMPAIGN = "/api/campaigns/{campaign_id}"
ASSIGNMENTS = CAMPAIGN + "/targets"
ASSIGNMENT = ASSIGNMENTS + "/{target_id}"
OTHER_ASSIGNMENTS = "/api/campaigns/{other_campaign_id}/targets"
CASES = [
    TenantCase(
        name="campaign",
        create=campaign_row,
        read_path=CAMPAIGN,
        list_path="/api/campaigns",
        probes=[
            Probe("GET", CAMPAIGN, Check.READ),
            Probe("PATCH", CAMPAIGN, Check.CHANGE, body={"name": "hijacked", "status": "active"}),
            Probe("DELETE", CAMPAIGN, Check.DELETE),
            Probe("GET", "/api/campaigns", Check.LIST),
            Probe("POST", "/api/campaigns", Check.CREATE_OWN, body={"name": "Tenant B campaign"}),
            Probe("POST", CAMPAIGN + "/clone", Check.READ, body={"name": "stolen copy"}),
            Probe("GET", CAMPAIGN + "/readiness", Check.READ),
        ],
    ),
    TenantCase(
        name="campaign_target",
        create=_create_assignment,
        read_path=ASSIGNMENT,
        list_path=ASSIGNMENTS,
        probes=[
            Probe("GET", ASSIGNMENTS, Check.READ),
            Probe("POST", ASSIGNMENTS, Check.CHANGE, body=_same_target),
            Probe("GET", ASSIGNMENT, Check.READ),
            Probe("PATCH", ASSIGNMENT, Check.CHANGE, body={"priority": 10, "weight": 100}),
            Probe("DELETE", ASSIGNMENT, Check.DELETE),
        ],
    ),
    TenantCase(
        name="target_assigned_by_other_account",
        create=target_row,
        read_path="/api/targets/{target_id}",
        list_path="/api/targets",
        # B assigns A's target to B's campaign.
        probes=[Probe("POST", OTHER_ASSIGNMENTS, Check.REFERENCE, body=_same_target)],
        create_other=campaign_row,
        other_read_path=OTHER_ASSIGNMENTS,
    ),
]
