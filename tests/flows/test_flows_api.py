"""``/api/call-flows``: drafts, publishing and versions, export/import, templates, and campaigns that
point at a flow."""

from __future__ import annotations

from typing import Any

import httpx

from callcenter.models.accounts import Role
from tests.campaigns.conftest import key_client
from tests.flows.conftest import Tenant
from tests.flows.factories import chain, node

SIMPLE = chain(node("hello", "play", text="Hello"), node("route", "router"))


async def _create(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/call-flows", json={"name": "Main IVR", "graph": SIMPLE, **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def _publish(client: httpx.AsyncClient, flow_id: str) -> dict[str, Any]:
    response = await client.post(f"/api/call-flows/{flow_id}/publish")
    assert response.status_code == 200, response.text
    published: dict[str, Any] = response.json()
    return published


async def test_a_new_flow_is_an_unpublished_draft_with_its_defaults_filled_in(tenant: Tenant) -> None:
    body = await _create(tenant.client, description="Front door")

    assert (body["name"], body["description"], body["published_version"]) == ("Main IVR", "Front door", None)
    assert (body["valid"], body["issues"], body["has_unpublished_changes"]) == (True, [], True)
    hello = next(n for n in body["graph"]["nodes"] if n["id"] == "hello")
    assert hello["data"] == {"text": "Hello", "audio_url": None, "voice": "Polly.Joanna", "loop": 1}
    assert hello["position"] == {"x": 0, "y": 0}


async def test_a_flow_without_graph_starts_with_a_start_node(tenant: Tenant) -> None:
    response = await tenant.client.post("/api/call-flows", json={"name": "Empty"})

    body = response.json()
    assert [n["type"] for n in body["graph"]["nodes"]] == ["start"]
    assert [i["code"] for i in body["issues"]] == ["handle_not_connected"]


async def test_the_design_documents_example_flow_is_accepted(tenant: Tenant) -> None:
    document = {
        "nodes": [
            {"id": "start", "type": "start", "position": {"x": 0, "y": 0}},
            {
                "id": "menu",
                "type": "ivr_menu",
                "data": {
                    "prompt": "Press 1 for sales",
                    "options": [{"key": "1", "label": "Sales"}],
                    "timeout_seconds": 5,
                    "max_retries": 2,
                },
            },
            {"id": "sales", "type": "action", "data": {"action": "transfer", "number": "+14155550100"}},
            {"id": "bye", "type": "end", "data": {"message": "Goodbye"}},
        ],
        "edges": [
            {"source": "start", "target": "menu"},
            {"source": "menu", "source_handle": "1", "target": "sales"},
            {"source": "menu", "source_handle": "timeout", "target": "bye"},
        ],
    }
    created = await tenant.client.post("/api/call-flows", json={"name": "Design", "graph": document})
    assert created.status_code == 201, created.text

    published = await _publish(tenant.client, created.json()["id"])

    assert published["published_version"] == 1


async def test_names_are_unique_per_account(tenant: Tenant, other_tenant: Tenant) -> None:
    await _create(tenant.client)

    clash = await tenant.client.post("/api/call-flows", json={"name": "Main IVR"})
    elsewhere = await other_tenant.client.post("/api/call-flows", json={"name": "Main IVR"})

    assert clash.status_code == 422
    assert clash.json()["error"]["details"] == [
        {"field": "name", "message": "a call flow with this name already exists"}
    ]
    assert elsewhere.status_code == 201


async def test_list_filters_by_name_and_sorts(tenant: Tenant) -> None:
    for name in ("Spanish IVR", "English IVR", "Overflow"):
        await _create(tenant.client, name=name)

    listed = (await tenant.client.get("/api/call-flows", params={"q": "ivr", "sort": "-name"})).json()

    assert [item["name"] for item in listed["items"]] == ["Spanish IVR", "English IVR"]
    assert listed["total"] == 2
    assert "graph" not in listed["items"][0]
    bad_sort = await tenant.client.get("/api/call-flows", params={"sort": "graph"})
    assert bad_sort.status_code == 422


async def test_patch_replaces_the_draft_and_refuses_null(tenant: Tenant) -> None:
    flow = await _create(tenant.client)
    url = f"/api/call-flows/{flow['id']}"

    renamed = await tenant.client.patch(url, json={"name": "Renamed", "graph": chain(node("bye", "end"))})
    nulled = await tenant.client.patch(url, json={"graph": None})

    assert renamed.status_code == 200
    assert [n["id"] for n in renamed.json()["graph"]["nodes"]] == ["start", "bye"]
    assert nulled.status_code == 422
    assert nulled.json()["error"]["details"][0]["field"] == "graph"


async def test_publishing_makes_immutable_versions(tenant: Tenant) -> None:
    flow = await _create(tenant.client)
    url = f"/api/call-flows/{flow['id']}"

    first = await _publish(tenant.client, flow["id"])
    unchanged = await _publish(tenant.client, flow["id"])
    edited = await tenant.client.patch(url, json={"graph": chain(node("bye", "end", message="New"))})
    second = await _publish(tenant.client, flow["id"])

    assert (first["published_version"], first["has_unpublished_changes"]) == (1, False)
    assert unchanged["published_version"] == 1  # publishing the same draft again adds nothing
    assert edited.json()["has_unpublished_changes"] is True
    assert (second["published_version"], second["has_unpublished_changes"]) == (2, False)
    versions = (await tenant.client.get(f"{url}/versions")).json()
    assert [v["version"] for v in versions["items"]] == [2, 1]
    assert versions["items"][0]["published_at"] is not None
    version_one = (await tenant.client.get(f"{url}/versions/1")).json()
    assert [n["id"] for n in version_one["graph"]["nodes"]] == ["start", "hello", "route"]
    assert (await tenant.client.get(f"{url}/versions/3")).status_code == 404


async def test_export_and_import_round_trip(tenant: Tenant, other_tenant: Tenant) -> None:
    flow = await _create(tenant.client, description="Portable")
    await _publish(tenant.client, flow["id"])
    await tenant.client.patch(f"/api/call-flows/{flow['id']}", json={"graph": chain(node("bye", "end"))})

    draft = (await tenant.client.get(f"/api/call-flows/{flow['id']}/export")).json()
    version = (await tenant.client.get(f"/api/call-flows/{flow['id']}/export", params={"version": 1})).json()
    imported = await other_tenant.client.post("/api/call-flows/import", json=version)

    assert (draft["format"], draft["format_version"], draft["name"]) == (
        "callcenter.call_flow",
        1,
        "Main IVR",
    )
    assert [n["id"] for n in draft["graph"]["nodes"]] == ["start", "bye"]
    assert [n["id"] for n in version["graph"]["nodes"]] == ["start", "hello", "route"]
    assert imported.status_code == 201, imported.text
    body = imported.json()
    assert (body["name"], body["description"], body["published_version"], body["valid"]) == (
        "Main IVR",
        "Portable",
        None,
        True,
    )
    assert body["graph"] == version["graph"]
    wrong_format = await tenant.client.post("/api/call-flows/import", json={**version, "format": "other"})
    assert wrong_format.status_code == 422


async def test_templates_are_listed_and_create_publishable_flows(tenant: Tenant) -> None:
    templates = (await tenant.client.get("/api/call-flows/templates")).json()
    keys = [t["id"] for t in templates["items"]]
    assert "sales_support_menu" in keys and templates["total"] == len(keys)

    for key in keys:
        created = await tenant.client.post("/api/call-flows", json={"name": key, "template": key})
        assert created.status_code == 201, created.text
        assert (await _publish(tenant.client, created.json()["id"]))["published_version"] == 1

    unknown = await tenant.client.post("/api/call-flows", json={"name": "x", "template": "nope"})
    both = await tenant.client.post(
        "/api/call-flows", json={"name": "y", "template": keys[0], "graph": SIMPLE}
    )
    assert unknown.status_code == 422 and both.status_code == 422


async def test_a_campaign_may_point_only_at_a_published_flow_of_its_account(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    draft = await _create(tenant.client, name="Draft")
    published = await _create(tenant.client, name="Live")
    await _publish(tenant.client, published["id"])
    foreign = await _create(other_tenant.client, name="Foreign")
    await _publish(other_tenant.client, foreign["id"])

    async def create(flow_id: str) -> httpx.Response:
        return await tenant.client.post("/api/campaigns", json={"name": f"C {flow_id}", "flow_id": flow_id})

    unpublished = await create(draft["id"])
    other_account = await create(foreign["id"])
    missing = await create("0b7c3a52-3f7e-4df4-8d6e-2f5b1f1f9d11")
    accepted = await create(published["id"])

    assert unpublished.json()["error"]["details"] == [
        {"field": "flow_id", "message": "the call flow has no published version; publish it first"}
    ]
    assert other_account.json()["error"]["details"] == [
        {"field": "flow_id", "message": "call flow not found"}
    ]
    assert missing.json()["error"] == other_account.json()["error"]
    assert accepted.status_code == 201 and accepted.json()["flow_id"] == published["id"]
    campaign_url = f"/api/campaigns/{accepted.json()['id']}"
    assert (await tenant.client.patch(campaign_url, json={"flow_id": draft["id"]})).status_code == 422
    cleared = await tenant.client.patch(campaign_url, json={"flow_id": None})
    assert cleared.status_code == 200 and cleared.json()["flow_id"] is None


async def test_a_flow_in_use_cannot_be_deleted(tenant: Tenant) -> None:
    flow = await _create(tenant.client)
    await _publish(tenant.client, flow["id"])
    campaign = await tenant.client.post("/api/campaigns", json={"name": "Uses it", "flow_id": flow["id"]})
    url = f"/api/call-flows/{flow['id']}"

    refused = await tenant.client.delete(url)
    await tenant.client.patch(f"/api/campaigns/{campaign.json()['id']}", json={"flow_id": None})
    deleted = await tenant.client.delete(url)

    assert refused.status_code == 409
    assert refused.json()["error"]["details"] == {"campaigns": ["Uses it"]}
    assert deleted.status_code == 204
    assert (await tenant.client.get(url)).status_code == 404


async def test_reporting_users_read_flows_but_cannot_change_them(app, session, tenant: Tenant) -> None:  # type: ignore[no-untyped-def]
    flow = await _create(tenant.client)
    async with await key_client(app, session, tenant.auth, role=Role.REPORTING) as reader:
        read = await reader.get(f"/api/call-flows/{flow['id']}")
        publish = await reader.post(f"/api/call-flows/{flow['id']}/publish")
        create = await reader.post("/api/call-flows", json={"name": "Nope"})

    assert read.status_code == 200
    assert (publish.status_code, create.status_code) == (403, 403)
