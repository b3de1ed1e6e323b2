"""Validation on save and on publish: every problem is reported with the node it is at."""

from __future__ import annotations

from typing import Any

import pytest

from callcenter.flows.graph import FlowGraph, IssueCode, check_graph
from callcenter.flows.templates import TEMPLATES
from tests.flows.conftest import Tenant
from tests.flows.factories import chain, edge, graph, node

MENU = node("menu", "ivr_menu", prompt="Press 1", options=[{"key": "1"}, {"key": "2"}])


def _issues(document: dict[str, Any]) -> list[tuple[str | None, IssueCode]]:
    return [(issue.node_id, issue.code) for issue in check_graph(FlowGraph.model_validate(document))]


def test_a_complete_flow_has_no_issue() -> None:
    document = graph(
        [node("start", "start"), MENU, node("a", "router"), node("b", "end"), node("c", "end")],
        [
            edge("start", "menu"),
            edge("menu", "a", "1"),
            edge("menu", "b", "2"),
            edge("menu", "c", "timeout"),
        ],
    )
    assert _issues(document) == []


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.key for t in TEMPLATES])
def test_every_template_is_complete(template: Any) -> None:
    assert _issues(template.graph) == []


def test_a_flow_needs_exactly_one_start() -> None:
    assert _issues(graph([node("bye", "end")], [])) == [(None, IssueCode.MISSING_START)]
    two = graph(
        [node("start", "start"), node("again", "start"), node("bye", "end")],
        [edge("start", "bye"), edge("again", "bye")],
    )
    assert (("again", IssueCode.MULTIPLE_STARTS)) in _issues(two)


def test_nothing_may_lead_back_to_the_start() -> None:
    document = graph(
        [node("start", "start"), node("p", "play", text="hi")], [edge("start", "p"), edge("p", "start")]
    )
    assert _issues(document) == [("p", IssueCode.EDGE_INTO_START), ("p", IssueCode.HANDLE_NOT_CONNECTED)]


def test_every_node_must_be_reachable() -> None:
    document = graph(
        [node("start", "start"), node("bye", "end"), node("island", "end")], [edge("start", "bye")]
    )
    assert _issues(document) == [("island", IssueCode.UNREACHABLE)]


def test_required_outputs_must_be_connected() -> None:
    document = graph(
        [node("start", "start"), MENU, node("a", "router")], [edge("start", "menu"), edge("menu", "a", "1")]
    )
    issues = check_graph(FlowGraph.model_validate(document))
    assert [(i.node_id, i.code, i.handle) for i in issues] == [
        ("menu", IssueCode.HANDLE_NOT_CONNECTED, "2"),
        ("menu", IssueCode.HANDLE_NOT_CONNECTED, "timeout"),
    ]


def test_edges_must_use_outputs_the_node_has_and_each_only_once() -> None:
    document = graph(
        [
            node("start", "start"),
            node("check", "condition", expression="hour > 9"),
            node("a", "end"),
            node("b", "end"),
        ],
        [
            edge("start", "check"),
            edge("check", "a", "yes"),
            edge("check", "b", "yes"),
            edge("check", "b", "maybe"),
            edge("check", "ghost", "no"),
        ],
    )
    assert _issues(document) == [
        ("check", IssueCode.HANDLE_CONNECTED_TWICE),
        ("check", IssueCode.UNKNOWN_HANDLE),
        ("check", IssueCode.UNKNOWN_NODE),
        ("check", IssueCode.HANDLE_NOT_CONNECTED),
    ]


def test_terminal_nodes_have_no_outgoing_edge() -> None:
    document = chain(node("route", "router"), node("bye", "end"))
    assert ("route", IssueCode.EDGE_AFTER_TERMINAL) in _issues(document)


def test_a_loop_without_caller_input_is_refused_but_one_through_a_key_press_is_allowed() -> None:
    spinning = graph(
        [
            node("start", "start"),
            node("a", "play", text="a"),
            node("check", "condition", expression="hour > 3"),
            node("bye", "end"),
        ],
        [edge("start", "a"), edge("a", "check"), edge("check", "a", "yes"), edge("check", "bye", "no")],
    )
    issues = check_graph(FlowGraph.model_validate(spinning))
    assert [(i.node_id, i.code) for i in issues] == [("a", IssueCode.LOOP_WITHOUT_INPUT)]
    assert "a -> check -> a" in issues[0].message

    menu_timeout_loop = graph(
        [node("start", "start"), MENU, node("a", "end")],
        [
            edge("start", "menu"),
            edge("menu", "a", "1"),
            edge("menu", "a", "2"),
            edge("menu", "menu", "timeout"),
        ],
    )
    assert _issues(menu_timeout_loop) == [("menu", IssueCode.LOOP_WITHOUT_INPUT)]

    back_to_menu_on_key = graph(
        [node("start", "start"), MENU, node("info", "play", text="Our hours are 9 to 5"), node("bye", "end")],
        [
            edge("start", "menu"),
            edge("menu", "info", "1"),
            edge("info", "menu"),
            edge("menu", "bye", "2"),
            edge("menu", "bye", "timeout"),
        ],
    )
    assert _issues(back_to_menu_on_key) == []


@pytest.mark.parametrize(
    ("bad_node", "field"),
    [
        (
            node("n", "ivr_menu", prompt="x", options=[{"key": "1"}], timeout_seconds=0),
            "data.timeout_seconds",
        ),
        (node("n", "ivr_menu", prompt="x", options=[{"key": "1"}, {"key": "1"}]), "data"),
        (node("n", "ivr_menu", prompt="x", options=[{"key": "12"}]), "data.options.0.key"),
        (node("n", "ivr_menu", options=[{"key": "1"}]), "data"),  # neither prompt nor audio
        (node("n", "play", text="hi", voice="Robot.Zed"), "data.voice"),
        (node("n", "play", audio_url="ftp://example.com/a.mp3"), "data.audio_url"),
        (node("n", "gather", prompt="x", pattern="(\\d+)+"), "data.pattern"),
        (node("n", "gather", prompt="x", pattern="[0-9"), "data.pattern"),
        (node("n", "gather", prompt="x", variable="Bad Name"), "data.variable"),
        (node("n", "action", action="transfer", number="12"), "data.transfer.number"),
        (
            node("n", "action", action="transfer", number="+14155550100", caller_id="x"),
            "data.transfer.caller_id",
        ),
        (node("n", "action", action="teleport"), "data"),
        (
            node(
                "n",
                "splitter",
                strategy="percentage",
                branches=[{"key": "a", "percentage": 60}, {"key": "b", "percentage": 30}],
            ),
            "data",
        ),
        (node("n", "splitter", strategy="time_based", branches=[{"key": "a"}]), "data"),
        (node("n", "condition", expression="__import__('os')"), "data.expression"),
        (node("n", "condition", expression="2 ** 10000"), "data.expression"),
        (node("n", "business_hours", schedule={"timezone": "Mars/Olympus"}), "data.schedule.timezone"),
        (node("n", "pixel", url="https://t.example.com/?c={secret}"), "data.url"),
        (node("n", "pixel", url="javascript:alert(1)"), "data.url"),
        (node("n", "pixel", url="https://t.example.com/", body="x"), "data"),
        (node("n", "end", message="bye", extra=True), "data.extra"),
    ],
)
async def test_a_bad_node_setting_is_a_422_naming_the_node(
    tenant: Tenant, bad_node: dict[str, Any], field: str
) -> None:
    bad_node = {**bad_node, "id": "the_node"}
    document = graph([node("start", "start"), bad_node], [edge("start", "the_node")])

    response = await tenant.client.post("/api/call-flows", json={"name": "Broken", "graph": document})

    assert response.status_code == 422, response.text
    fields = [detail["field"] for detail in response.json()["error"]["details"]]
    assert f"graph.nodes.the_node.{field}" in fields, fields


async def test_an_unknown_node_kind_is_a_422_naming_the_node(tenant: Tenant) -> None:
    document = graph([node("start", "start"), {"id": "odd", "type": "teleporter"}], [])

    response = await tenant.client.post("/api/call-flows", json={"name": "Odd", "graph": document})

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "graph.nodes.odd"


async def test_an_incomplete_draft_is_saved_with_its_issues_but_cannot_be_published(tenant: Tenant) -> None:
    document = graph(
        [node("start", "start"), MENU, node("sales", "router"), node("island", "end")],
        [edge("start", "menu"), edge("menu", "sales", "1")],
    )
    created = await tenant.client.post("/api/call-flows", json={"name": "Draft", "graph": document})
    assert created.status_code == 201
    body = created.json()
    assert body["valid"] is False
    assert {(i["node_id"], i["code"]) for i in body["issues"]} == {
        ("menu", "handle_not_connected"),
        ("island", "unreachable"),
    }

    published = await tenant.client.post(f"/api/call-flows/{body['id']}/publish")

    assert published.status_code == 422
    error = published.json()["error"]
    assert error["code"] == "flow_invalid"
    assert [(d["node_id"], d["code"], d["handle"]) for d in error["details"]] == [
        ("menu", "handle_not_connected", "2"),
        ("menu", "handle_not_connected", "timeout"),
        ("island", "unreachable", None),
    ]
    assert all(d["field"] == f"graph.nodes.{d['node_id']}" for d in error["details"])
    assert (await tenant.client.get(f"/api/call-flows/{body['id']}")).json()["published_version"] is None
