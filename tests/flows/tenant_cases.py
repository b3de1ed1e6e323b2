"""Cross-tenant cases for call flows, and for campaigns pointing at another account's flow."""

from __future__ import annotations

from typing import Any

from tests.factories import LoggedIn
from tests.flows.factories import chain, node
from tests.tenancy.cases import Check, Probe, Row, TenantCase, created
from tests.tenancy.rows import campaign_row

GRAPH = chain(node("bye", "end", message="Goodbye"))


async def _published_flow(owner: LoggedIn) -> Row:
    flow_id = await created(owner, "/api/call-flows", {"name": "Tenant flow", "graph": GRAPH})
    response = await owner.client.post(f"/api/call-flows/{flow_id}/publish")
    assert response.status_code == 200, response.text
    return {"id": flow_id, "flow_id": flow_id, "version": 1}


def _document(row: Row, _: Row) -> dict[str, Any]:
    return {"name": f"Copy of {row['id']}"[:60], "graph": GRAPH}


def _points_at_a(row: Row, _: Row) -> dict[str, Any]:
    return {"flow_id": row["flow_id"]}


FLOW = "/api/call-flows/{flow_id}"
CASES = [
    TenantCase(
        name="call_flow",
        create=_published_flow,
        read_path=FLOW,
        list_path="/api/call-flows",
        probes=[
            Probe("GET", FLOW, Check.READ),
            Probe("PATCH", FLOW, Check.CHANGE, body={"name": "hijacked", "graph": GRAPH}),
            Probe("POST", FLOW + "/publish", Check.CHANGE),
            Probe("DELETE", FLOW, Check.DELETE),
            Probe("GET", FLOW + "/versions", Check.READ),
            Probe("GET", FLOW + "/versions/{version}", Check.READ),
            Probe("GET", FLOW + "/export", Check.READ),
            Probe("GET", FLOW + "/analytics", Check.READ),
            Probe("GET", "/api/call-flows", Check.LIST),
            # Templates are the same for every account; A's flows never appear among them.
            Probe("GET", "/api/call-flows/templates", Check.LIST),
            Probe("POST", "/api/call-flows", Check.CREATE_OWN, body={"name": "Tenant B flow"}),
            Probe("POST", "/api/call-flows/import", Check.CREATE_OWN, body=_document),
        ],
    ),
    TenantCase(
        name="call_flow_used_by_other_account",
        create=_published_flow,
        read_path=FLOW,
        list_path="/api/call-flows",
        # B points its own campaign (new or existing) at A's published flow.
        probes=[
            Probe("PATCH", "/api/campaigns/{other_campaign_id}", Check.REFERENCE, body=_points_at_a),
            Probe(
                "POST",
                "/api/campaigns",
                Check.REFERENCE,
                body=lambda row, _: {"name": "Uses A's flow", "flow_id": row["flow_id"]},
            ),
        ],
        create_other=campaign_row,
        other_read_path="/api/campaigns/{other_campaign_id}",
    ),
]
