"""``/api/rtb/bidders`` and ``/api/campaigns/{id}/bidders``: configuration, validation, assignment."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from callcenter.app import close_outbound_clients, create_app
from callcenter.models.accounts import Role
from callcenter.settings import Settings
from tests.factories import LoggedIn, create_user, logged_in_client

ENDPOINT = "http://127.0.0.1:8089/bid"


async def post_bidder(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/rtb/bidders", json={"name": "Acme bids", "endpoint_url": ENDPOINT, **fields}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _fields(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    return [detail["field"] for detail in response.json()["error"]["details"]]


async def test_new_bidder_gets_the_documented_defaults(owner: LoggedIn) -> None:
    body = await post_bidder(owner.client)
    assert {k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at")} == {
        "name": "Acme bids",
        "status": "active",
        "endpoint_url": ENDPOINT,
        "method": "post",
        "content_type": "application/json",
        "headers": {},
        "request_template": "",
        "timeout_ms": 2000,
        "bid_amount_path": "bidAmount",
        "destination_path": "destination",
        "accepted_path": None,
        "currency_path": None,
        "duration_path": None,
        "bid_id_path": None,
        "expires_path": None,
        "min_bid": "0.0000",
        "max_bid": None,
        "currency": "USD",
        "concurrency_cap": None,
        "hourly_cap": None,
        "daily_cap": None,
        "monthly_cap": None,
    }


async def test_bidder_reads_back_every_setting_and_changes_only_what_is_sent(owner: LoggedIn) -> None:
    settings = {
        "name": "Nested bidder",
        "status": "paused",
        "endpoint_url": ENDPOINT + "?src={campaignId}",
        "method": "PUT",
        "content_type": "application/x-www-form-urlencoded",
        "headers": {"Authorization": "Bearer {requestId}"},
        "request_template": "caller={callerId}&zip={callerZip}",
        "timeout_ms": 50,
        "bid_amount_path": "data.bid.amount",
        "destination_path": "$.data.bid.phone",
        "accepted_path": "data.ok",
        "currency_path": "data.currency",
        "duration_path": "data.bid.duration",
        "bid_id_path": "data.bid.id",
        "expires_path": "data.bids[0].expires",
        "min_bid": "2.5000",
        "max_bid": "80.0000",
        "currency": "usd",
        "concurrency_cap": 3,
        "hourly_cap": 10,
        "daily_cap": 50,
        "monthly_cap": 900,
    }
    body = await post_bidder(owner.client, **settings)
    expected = {**settings, "method": "put", "currency": "USD"}
    assert {key: body[key] for key in settings} == expected

    response = await owner.client.patch(
        f"/api/rtb/bidders/{body['id']}", json={"max_bid": None, "timeout_ms": 900}
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["max_bid"], changed["timeout_ms"], changed["name"]) == (None, 900, "Nested bidder")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timeout_ms", 49),
        ("timeout_ms", 10_001),
        ("endpoint_url", "ftp://bids.example.com"),
        ("endpoint_url", "http://{callerZip}.example.com/bid"),
        ("endpoint_url", ENDPOINT + "?x={visitorId}"),
        ("request_template", '{"caller": "{caller}"}'),
        ("request_template", '{"caller": {callerId}}'),
        ("headers", {"Bad Header": "x"}),
        ("headers", {"Host": "evil.example.com"}),
        ("headers", {"X-Ok": "line\r\nInjected: 1"}),
        ("bid_amount_path", "data..amount"),
        ("destination_path", ""),
        ("expires_path", "a[b]"),
        ("method", "delete"),
        ("content_type", "application/pdf"),
        ("currency", "dollars"),
        ("min_bid", "-1"),
        ("max_bid", "1.00001"),
        ("status", "archived"),
        ("daily_cap", -1),
        ("name", ""),
        ("bid_amonut_path", "x"),
    ],
    ids=lambda value: str(value)[:24],
)
async def test_invalid_field_is_a_422_naming_it(owner: LoggedIn, field: str, value: Any) -> None:
    response = await owner.client.post(
        "/api/rtb/bidders", json={"name": "Bad", "endpoint_url": ENDPOINT, field: value}
    )
    assert _fields(response) == [field]


async def test_max_bid_below_min_bid_is_refused_on_create_and_update(owner: LoggedIn) -> None:
    response = await owner.client.post(
        "/api/rtb/bidders", json={"name": "B", "endpoint_url": ENDPOINT, "min_bid": "10", "max_bid": "5"}
    )
    assert _fields(response) == ["max_bid"]
    bidder = await post_bidder(owner.client, min_bid="10")
    response = await owner.client.patch(f"/api/rtb/bidders/{bidder['id']}", json={"max_bid": "9.99"})
    assert _fields(response) == ["max_bid"]


async def test_json_template_checked_against_the_content_type_on_update(owner: LoggedIn) -> None:
    bidder = await post_bidder(owner.client, content_type="text/plain", request_template="caller {callerId}")
    response = await owner.client.patch(
        f"/api/rtb/bidders/{bidder['id']}", json={"content_type": "application/json"}
    )
    assert _fields(response) == ["request_template"]


async def test_name_is_unique_within_the_account(owner: LoggedIn, other_owner: LoggedIn) -> None:
    await post_bidder(owner.client, name="Same")
    response = await owner.client.post("/api/rtb/bidders", json={"name": "Same", "endpoint_url": ENDPOINT})
    assert _fields(response) == ["name"]
    await post_bidder(other_owner.client, name="Same")


async def test_delete_archives_and_lists_hide_archived(owner: LoggedIn) -> None:
    bidder = await post_bidder(owner.client)
    assert (await owner.client.delete(f"/api/rtb/bidders/{bidder['id']}")).status_code == 204
    assert (await owner.client.get(f"/api/rtb/bidders/{bidder['id']}")).json()["status"] == "archived"
    assert (await owner.client.get("/api/rtb/bidders")).json() == {"items": [], "total": 0}
    archived = (await owner.client.get("/api/rtb/bidders", params={"status": "archived"})).json()
    assert [item["id"] for item in archived["items"]] == [bidder["id"]]


async def test_list_searches_and_sorts(owner: LoggedIn) -> None:
    for name in ("Alpha leads", "Beta leads", "Other"):
        await post_bidder(owner.client, name=name)
    listed = (await owner.client.get("/api/rtb/bidders", params={"q": "LEADS", "sort": "-name"})).json()
    assert [item["name"] for item in listed["items"]] == ["Beta leads", "Alpha leads"]
    assert listed["total"] == 2
    bad = await owner.client.get("/api/rtb/bidders", params={"sort": "endpoint_url"})
    assert _fields(bad) == ["sort"]


async def test_private_endpoint_is_refused_unless_the_installation_allows_it(
    owner: LoggedIn,
    settings: Settings,
    database,
    live,  # type: ignore[no-untyped-def]
) -> None:
    strict = create_app(
        settings.model_copy(update={"allow_private_urls": False}), database=database, live=live
    )
    async with logged_in_client(strict, owner.user) as client:
        for url in ("http://127.0.0.1/bid", "http://localhost:8080/bid", "http://10.0.0.8/bid"):
            response = await client.client.post(
                "/api/rtb/bidders", json={"name": "Private", "endpoint_url": url}
            )
            assert _fields(response) == ["endpoint_url"], url
    await close_outbound_clients(strict)


async def test_reporting_user_can_read_but_not_change_bidders(app, session, owner: LoggedIn) -> None:  # type: ignore[no-untyped-def]
    bidder = await post_bidder(owner.client, headers={"Authorization": "Bearer s3cret", "X-Source": "cc"})
    reporter = await create_user(session, account_id=owner.account_id, role=Role.REPORTING)
    async with logged_in_client(app, reporter) as reporting:
        read = await reporting.client.get(f"/api/rtb/bidders/{bidder['id']}")
        assert read.status_code == 200
        listed = (await reporting.client.get("/api/rtb/bidders")).json()["items"]
        response = await reporting.client.patch(f"/api/rtb/bidders/{bidder['id']}", json={"name": "x"})
        assert response.status_code == 403
    # Credentials stay with who may change the bidder: a reader sees the header names only.
    masked = {"Authorization": "********", "X-Source": "********"}
    assert read.json()["headers"] == masked
    assert [item["headers"] for item in listed] == [masked]
    shown = (await owner.client.get(f"/api/rtb/bidders/{bidder['id']}")).json()["headers"]
    assert shown == {"Authorization": "Bearer s3cret", "X-Source": "cc"}


async def _campaign(owner: LoggedIn) -> str:
    response = await owner.client.post("/api/campaigns", json={"name": "RTB campaign", "rtb_enabled": True})
    assert response.status_code == 201, response.text
    campaign_id: str = response.json()["id"]
    return campaign_id


async def test_campaign_assignment_applies_the_higher_floor(owner: LoggedIn) -> None:
    campaign = await _campaign(owner)
    bidder = await post_bidder(owner.client, min_bid="5")
    path = f"/api/campaigns/{campaign}/bidders"
    response = await owner.client.post(path, json={"bidder_id": bidder["id"], "min_bid": "7.5"})
    assert response.status_code == 201, response.text
    assert (response.json()["min_bid"], response.json()["effective_min_bid"]) == ("7.5000", "7.5000")
    updated = await owner.client.patch(f"{path}/{bidder['id']}", json={"min_bid": "1"})
    assert (updated.json()["min_bid"], updated.json()["effective_min_bid"]) == ("1.0000", "5.0000")
    cleared = await owner.client.patch(f"{path}/{bidder['id']}", json={"min_bid": None})
    assert cleared.json()["min_bid"] is None
    listed = (await owner.client.get(path)).json()
    assert [(item["bidder_id"], item["name"]) for item in listed["items"]] == [(bidder["id"], "Acme bids")]


async def test_a_bidder_is_assigned_once(owner: LoggedIn) -> None:
    campaign = await _campaign(owner)
    bidder = await post_bidder(owner.client)
    path = f"/api/campaigns/{campaign}/bidders"
    assert (await owner.client.post(path, json={"bidder_id": bidder["id"]})).status_code == 201
    assert (await owner.client.post(path, json={"bidder_id": bidder["id"]})).status_code == 409


async def test_archived_or_unknown_bidders_cannot_be_assigned(owner: LoggedIn) -> None:
    campaign = await _campaign(owner)
    bidder = await post_bidder(owner.client)
    await owner.client.delete(f"/api/rtb/bidders/{bidder['id']}")
    path = f"/api/campaigns/{campaign}/bidders"
    assert _fields(await owner.client.post(path, json={"bidder_id": bidder["id"]})) == ["bidder_id"]
    unknown = "00000000-0000-0000-0000-000000000001"
    assert _fields(await owner.client.post(path, json={"bidder_id": unknown})) == ["bidder_id"]


async def test_unassigned_bidder_is_gone_from_the_campaign(owner: LoggedIn) -> None:
    campaign = await _campaign(owner)
    bidder = await post_bidder(owner.client)
    path = f"/api/campaigns/{campaign}/bidders"
    await owner.client.post(path, json={"bidder_id": bidder["id"]})
    assert (await owner.client.delete(f"{path}/{bidder['id']}")).status_code == 204
    assert (await owner.client.get(f"{path}/{bidder['id']}")).status_code == 404
    assert (await owner.client.get(path)).json()["total"] == 0
