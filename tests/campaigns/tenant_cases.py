"""Cross-tenant cases for campaigns and their target assignments.

The targets API belongs to another domain, so A's target is inserted directly into the app's database.
The REFERENCE probe (B assigns A's target to B's own campaign) needs a campaign of B's in its path; a case
only gets A's client, so that campaign is inserted into the test's other account (the ``other_owner``
fixture's, which exists before cases run). Nothing written on B's side is checked in
``test_assignments.py::test_another_accounts_target_is_a_422_on_target_id_and_nothing_is_written``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from callcenter.models.accounts import Account
from tests.campaigns.factories import app_session, create_active_target, create_campaign
from tests.factories import LoggedIn
from tests.tenancy.cases import Check, Probe, TenantCase


async def _create_campaign(owner: LoggedIn) -> dict[str, Any]:
    response = await owner.client.post("/api/campaigns", json={"name": "Tenant A campaign"})
    assert response.status_code == 201, response.text
    row_id = response.json()["id"]
    return {"id": row_id, "campaign_id": row_id}


async def _create_assignment(owner: LoggedIn) -> dict[str, Any]:
    campaign = await _create_campaign(owner)
    async with app_session(owner) as session:
        target = await create_active_target(session, account_id=owner.account_id)
    response = await owner.client.post(
        f"/api/campaigns/{campaign['campaign_id']}/targets", json={"target_id": str(target.id), "priority": 2}
    )
    assert response.status_code == 201, response.text
    return {"id": response.json()["id"], "campaign_id": campaign["campaign_id"], "target_id": str(target.id)}


async def _create_target_and_b_campaign(owner: LoggedIn) -> dict[str, Any]:
    """A's target (the row B must not reach) and a campaign of B's own in ``campaign_id``."""
    a_campaign = await _create_campaign(owner)
    async with app_session(owner) as session:
        target = await create_active_target(session, account_id=owner.account_id)
        other_account = await session.scalar(
            select(Account.id)
            .where(Account.id != owner.account_id, Account.name == "Other Account")
            .order_by(Account.created_at.desc())
            .limit(1)
        )
        assert other_account is not None, "the other_owner fixture creates its account before cases run"
        b_campaign = await create_campaign(session, account_id=other_account, name="Tenant B campaign")
    return {
        "id": str(target.id),
        "target_id": str(target.id),
        "campaign_id": str(b_campaign.id),
        "a_campaign_id": a_campaign["campaign_id"],
    }


def _same_target(row: dict[str, Any]) -> dict[str, Any]:
    return {"target_id": row["target_id"], "priority": 9}


CAMPAIGN = "/api/campaigns/{campaign_id}"
ASSIGNMENTS = CAMPAIGN + "/targets"
ASSIGNMENT = ASSIGNMENTS + "/{target_id}"
CASES = [
    TenantCase(
        name="campaign",
        create=_create_campaign,
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
        name="campaign_target_reference",
        create=_create_target_and_b_campaign,
        read_path="/api/campaigns/{a_campaign_id}/targets",
        list_path="/api/campaigns/{a_campaign_id}/targets",
        probes=[Probe("POST", ASSIGNMENTS, Check.REFERENCE, body=_same_target)],
    ),
]
