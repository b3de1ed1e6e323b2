"""Flow analytics: executions, completion rate, drop-off per node and branch counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.models.accounts import Account
from tests.flows.conftest import Tenant
from tests.flows.factories import edge, flow_campaign, graph, node
from tests.flows.test_runtime import Caller


def _menu() -> dict[str, Any]:
    return graph(
        [
            node("start", "start"),
            node(
                "menu", "ivr_menu", prompt="Press 1 or 2", options=[{"key": "1"}, {"key": "2"}], max_retries=0
            ),
            node("one", "end", message="one"),
            node("two", "action", action="hangup"),
            node("check", "condition", expression="1 / (hour - hour) > 0"),
            node("yes", "end"),
            node("no", "end"),
        ],
        [
            edge("start", "menu"),
            edge("menu", "one", "1"),
            edge("menu", "two", "2"),
            edge("menu", "check", "timeout"),
            edge("check", "yes", "yes"),
            edge("check", "no", "no"),
        ],
    )


async def test_analytics_count_executions_exits_drop_offs_and_branches(
    session: AsyncSession, account: Account, twilio, tenant: Tenant
) -> None:
    # The flow belongs to the API tenant's account so that it can read the analytics.
    del account
    campaign, number, flow = await flow_campaign(session, account_id=tenant.account_id, document=_menu())
    await twilio.call(to=number.number, from_="+12125550001", digits=["1"])
    await twilio.call(to=number.number, from_="+12125550002", digits=["1"])
    await twilio.call(to=number.number, from_="+12125550003", digits=["2"])
    await twilio.call(to=number.number, from_="+12125550004")  # silence: the condition fails -> fault
    hung_up = Caller(twilio, number.number)
    await hung_up.dial_in()
    await twilio.post(
        "/api/webhooks/status", {**hung_up.base, "CallStatus": "completed", "CallDuration": "4"}
    )
    await Caller(twilio, number.number).dial_in()  # still listening to the menu

    response = await tenant.client.get(f"/api/call-flows/{flow.id}/analytics")

    assert response.status_code == 200, response.text
    body = response.json()
    assert {key: body[key] for key in ("executions", "completed", "failed", "dropped", "in_progress")} == {
        "executions": 6,
        "completed": 3,
        "failed": 1,
        "dropped": 1,
        "in_progress": 1,
    }
    assert body["completion_rate"] == 0.5
    assert body["exits"] == {"ended": 2, "hung_up": 1}
    nodes = {n["node_id"]: n for n in body["nodes"]}
    assert [n["node_id"] for n in body["nodes"]] == ["start", "menu", "one", "two", "check", "yes", "no"]
    assert nodes["menu"] == {
        "node_id": "menu",
        "kind": "ivr_menu",
        "label": None,
        "entered": 6,
        "dropped": 1,
        "branches": {"1": 2, "2": 1, "timeout": 1},
    }
    assert nodes["start"]["branches"] == {"next": 6}
    assert (nodes["one"]["entered"], nodes["two"]["entered"], nodes["check"]["entered"]) == (2, 1, 1)
    assert nodes["check"]["branches"] == {}

    versioned = await tenant.client.get(f"/api/call-flows/{flow.id}/analytics", params={"version": 1})
    assert versioned.json()["executions"] == 6
    later = await tenant.client.get(
        f"/api/call-flows/{flow.id}/analytics", params={"since": "2999-01-01T00:00:00Z"}
    )
    assert later.json()["executions"] == 0 and later.json()["completion_rate"] == 0
    naive = await tenant.client.get(
        f"/api/call-flows/{flow.id}/analytics", params={"since": "2026-01-01T00:00:00"}
    )
    assert naive.status_code == 422
    del campaign
