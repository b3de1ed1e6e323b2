"""Creating, reading, changing and listing campaigns, and the validation of every field."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.campaigns.schemas import REQUIRED_ON_UPDATE, CampaignUpdate
from callcenter.models.accounts import Role
from callcenter.models.campaigns import Campaign
from tests.campaigns.conftest import Tenant, key_client
from tests.campaigns.factories import post_campaign


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [detail["field"] for detail in response.json()["error"]["details"]]


async def test_new_campaign_gets_the_documented_defaults(tenant: Tenant) -> None:
    body = await post_campaign(tenant.client, name="Solar leads")
    assert {key: body[key] for key in body if key not in ("id", "created_at", "updated_at")} == {
        "name": "Solar leads",
        "description": "",
        "status": "draft",
        "timezone": "America/New_York",
        "routing_strategy": "priority",
        "rtb_enabled": False,
        "auction_timeout_ms": 800,
        "flow_id": None,
        "concurrency_cap": None,
        "hourly_cap": None,
        "daily_cap": None,
        "monthly_cap": None,
        "allowed_states": [],
        "dedupe_seconds": 0,
        "duplicate_action": "route",
        "record_calls": False,
        "dial_timeout_seconds": 30,
        "max_attempts": 3,
        "conversion_seconds": 60,
        "payout": "0.0000",
        "fallback_number": None,
        "closed_message": None,
    }


async def test_campaign_reads_back_every_setting(tenant: Tenant) -> None:
    settings = {
        "name": "Medicare",
        "description": "Seniors, 65+",
        "status": "active",
        "timezone": "America/Chicago",
        "routing_strategy": "weighted",
        "rtb_enabled": True,
        "auction_timeout_ms": 800,
        "concurrency_cap": 5,
        "hourly_cap": 10,
        "daily_cap": 100,
        "monthly_cap": 2000,
        "allowed_states": ["TX", "FL"],
        "dedupe_seconds": 86400,
        "duplicate_action": "route_to_original",
        "record_calls": True,
        "dial_timeout_seconds": 25,
        "max_attempts": 2,
        "conversion_seconds": 90,
        "payout": "25.5000",
        "fallback_number": "+14155550199",
        "closed_message": "We are closed.",
    }
    created = await post_campaign(tenant.client, **settings)
    read = (await tenant.client.get(f"/api/campaigns/{created['id']}")).json()
    assert {key: read[key] for key in settings} == {**settings, "allowed_states": ["FL", "TX"]}


async def test_name_is_trimmed(tenant: Tenant) -> None:
    assert (await post_campaign(tenant.client, name="  Auto insurance  "))["name"] == "Auto insurance"


async def test_fallback_number_is_normalised_to_e164(tenant: Tenant) -> None:
    body = await post_campaign(tenant.client, fallback_number="(415) 555-0100")
    assert body["fallback_number"] == "+14155550100"


async def test_allowed_states_are_upper_cased_sorted_and_unique(tenant: Tenant) -> None:
    body = await post_campaign(tenant.client, allowed_states=["tx", "CA", " ca ", "NY"])
    assert body["allowed_states"] == ["CA", "NY", "TX"]


async def test_payout_round_trips_as_an_exact_decimal(tenant: Tenant) -> None:
    body = await post_campaign(tenant.client, payout="12.3456")
    assert body["payout"] == "12.3456"
    read = await tenant.client.get(f"/api/campaigns/{body['id']}")
    assert read.json()["payout"] == "12.3456"


@pytest.mark.parametrize(
    ("field", "value", "reported"),
    [
        ("name", "", "name"),
        ("name", "   ", "name"),
        ("name", "x" * 201, "name"),
        ("timezone", "Mars/Olympus_Mons", "timezone"),
        ("concurrency_cap", -1, "concurrency_cap"),
        ("hourly_cap", -1, "hourly_cap"),
        ("daily_cap", -1, "daily_cap"),
        ("monthly_cap", -1, "monthly_cap"),
        ("allowed_states", ["CA", "ZZ"], "allowed_states.1"),
        ("dedupe_seconds", -1, "dedupe_seconds"),
        ("dedupe_seconds", 2_592_001, "dedupe_seconds"),
        ("dial_timeout_seconds", 4, "dial_timeout_seconds"),
        ("dial_timeout_seconds", 121, "dial_timeout_seconds"),
        ("max_attempts", 0, "max_attempts"),
        ("max_attempts", 11, "max_attempts"),
        ("conversion_seconds", -1, "conversion_seconds"),
        ("conversion_seconds", 7201, "conversion_seconds"),
        ("auction_timeout_ms", 49, "auction_timeout_ms"),
        ("auction_timeout_ms", 1001, "auction_timeout_ms"),
        ("payout", "-0.01", "payout"),
        ("payout", "1.23456", "payout"),
        ("fallback_number", "12345", "fallback_number"),
        ("fallback_number", "call me", "fallback_number"),
        ("closed_message", "x" * 1001, "closed_message"),
        ("routing_strategy", "fastest", "routing_strategy"),
        ("duplicate_action", "ignore", "duplicate_action"),
        ("status", "paused", "status"),
        ("status", "archived", "status"),
        ("payot", 5, "payot"),
    ],
    ids=lambda value: str(value)[:20],
)
async def test_invalid_field_is_a_422_naming_it(
    tenant: Tenant, field: str, value: Any, reported: str
) -> None:
    response = await tenant.client.post("/api/campaigns", json={"name": "Valid name", field: value})
    assert _fields(response) == [reported]
    assert response.json()["error"]["code"] == "validation_error"


LOWEST = {
    "dedupe_seconds": 0,
    "dial_timeout_seconds": 5,
    "max_attempts": 1,
    "conversion_seconds": 0,
    "auction_timeout_ms": 50,
    "payout": "0.0000",
    "daily_cap": 0,
}
HIGHEST = {
    "dedupe_seconds": 2_592_000,
    "dial_timeout_seconds": 120,
    "max_attempts": 10,
    "conversion_seconds": 7200,
    "auction_timeout_ms": 1000,
    "closed_message": "x" * 1000,
    "name": "n" * 200,
}


@pytest.mark.parametrize("limits", [LOWEST, HIGHEST], ids=["lowest", "highest"])
async def test_range_limits_are_inclusive(tenant: Tenant, limits: dict[str, Any]) -> None:
    body = await post_campaign(tenant.client, **limits)
    assert {key: body[key] for key in limits} == limits


async def test_duplicate_name_is_a_field_error(tenant: Tenant) -> None:
    await post_campaign(tenant.client, name="Home warranty")
    response = await tenant.client.post("/api/campaigns", json={"name": "Home warranty"})
    assert response.json()["error"]["details"] == [
        {"field": "name", "message": "a campaign with this name already exists"}
    ]
    assert response.status_code == 422


async def test_rename_to_a_taken_name_is_a_field_error(tenant: Tenant) -> None:
    await post_campaign(tenant.client, name="Pest control")
    other = await post_campaign(tenant.client, name="Roofing")
    response = await tenant.client.patch(f"/api/campaigns/{other['id']}", json={"name": "Pest control"})
    assert _fields(response) == ["name"]
    assert (await tenant.client.get(f"/api/campaigns/{other['id']}")).json()["name"] == "Roofing"


async def test_the_same_name_is_free_in_another_account(tenant: Tenant, other_tenant: Tenant) -> None:
    await post_campaign(tenant.client, name="Debt relief")
    assert (await post_campaign(other_tenant.client, name="Debt relief"))["name"] == "Debt relief"


async def test_flow_id_must_name_a_published_flow_of_the_account(tenant: Tenant) -> None:
    flow_id = "0b7c3a52-3f7e-4df4-8d6e-2f5b1f1f9d11"
    created = await tenant.client.post("/api/campaigns", json={"name": "IVR", "flow_id": flow_id})
    assert created.json()["error"]["details"] == [{"field": "flow_id", "message": "call flow not found"}]
    campaign = await post_campaign(tenant.client)
    patched = await tenant.client.patch(f"/api/campaigns/{campaign['id']}", json={"flow_id": flow_id})
    assert _fields(patched) == ["flow_id"]
    flow = await tenant.client.post(
        "/api/call-flows", json={"name": "IVR", "template": "after_hours_voicemail"}
    )
    draft = await tenant.client.patch(f"/api/campaigns/{campaign['id']}", json={"flow_id": flow.json()["id"]})
    assert _fields(draft) == ["flow_id"]  # not published yet
    await tenant.client.post(f"/api/call-flows/{flow.json()['id']}/publish")
    linked = await tenant.client.patch(
        f"/api/campaigns/{campaign['id']}", json={"flow_id": flow.json()["id"]}
    )
    assert linked.json()["flow_id"] == flow.json()["id"]


async def test_patch_changes_only_the_fields_sent(tenant: Tenant) -> None:
    campaign = await post_campaign(tenant.client, daily_cap=50, payout="4.5000", record_calls=True)
    response = await tenant.client.patch(
        f"/api/campaigns/{campaign['id']}", json={"payout": "7.25", "timezone": "America/Denver"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["payout"], body["timezone"]) == ("7.2500", "America/Denver")
    assert (body["daily_cap"], body["record_calls"], body["name"]) == (50, True, campaign["name"])


async def test_patch_null_clears_caps_fallback_and_closed_message(tenant: Tenant) -> None:
    campaign = await post_campaign(
        tenant.client, hourly_cap=3, fallback_number="+14155550100", closed_message="Closed"
    )
    response = await tenant.client.patch(
        f"/api/campaigns/{campaign['id']}",
        json={"hourly_cap": None, "fallback_number": None, "closed_message": None},
    )
    body = response.json()
    assert (body["hourly_cap"], body["fallback_number"], body["closed_message"]) == (None, None, None)


@pytest.mark.parametrize("field", ["name", "status", "timezone", "payout", "max_attempts", "allowed_states"])
async def test_patch_null_on_a_field_that_cannot_be_empty_is_refused(tenant: Tenant, field: str) -> None:
    campaign = await post_campaign(tenant.client)
    response = await tenant.client.patch(f"/api/campaigns/{campaign['id']}", json={field: None})
    assert _fields(response) == [field]


async def test_patch_validates_like_create(tenant: Tenant) -> None:
    campaign = await post_campaign(tenant.client)
    response = await tenant.client.patch(
        f"/api/campaigns/{campaign['id']}",
        json={"fallback_number": "555", "daily_cap": -2, "timezone": "Nowhere/City", "colour": "red"},
    )
    assert sorted(_fields(response)) == ["colour", "daily_cap", "fallback_number", "timezone"]


async def test_unknown_campaign_is_404(tenant: Tenant) -> None:
    response = await tenant.client.get("/api/campaigns/7a4b1c54-9a1e-4c55-bb51-3f4e7a7b3e10")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "campaign not found", "details": None}


async def test_reporting_role_reads_campaigns_but_cannot_change_them(
    app: FastAPI, tenant: Tenant, session: AsyncSession
) -> None:
    campaign = await post_campaign(tenant.client)
    async with await key_client(app, session, tenant.auth, role=Role.REPORTING) as reporter:
        read = await reporter.get(f"/api/campaigns/{campaign['id']}")
        change = await reporter.patch(f"/api/campaigns/{campaign['id']}", json={"name": "x"})
        create = await reporter.post("/api/campaigns", json={"name": "y"})
    assert read.status_code == 200
    assert (change.status_code, create.status_code) == (403, 403)


async def _names(tenant: Tenant, **params: Any) -> list[str]:
    response = await tenant.client.get("/api/campaigns", params=params)
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


async def test_list_filters_by_name_case_insensitively(tenant: Tenant) -> None:
    for name in ("Solar West", "solar east", "Roofing"):
        await post_campaign(tenant.client, name=name)
    # Compared as sets: how PostgreSQL orders "S" against "s" depends on the database's collation.
    assert set(await _names(tenant, q="SOLAR")) == {"Solar West", "solar east"}


async def test_list_search_treats_wildcards_literally(tenant: Tenant) -> None:
    for name in ("100% payout", "1000 leads"):
        await post_campaign(tenant.client, name=name)
    assert await _names(tenant, q="0%") == ["100% payout"]
    assert await _names(tenant, q="_") == []


async def test_list_filters_by_status_strategy_and_rtb(tenant: Tenant) -> None:
    await post_campaign(
        tenant.client, name="A", status="active", routing_strategy="weighted", rtb_enabled=True
    )
    await post_campaign(tenant.client, name="B", status="active", routing_strategy="weighted")
    await post_campaign(tenant.client, name="C", routing_strategy="weighted", rtb_enabled=True)
    assert await _names(tenant, status="active") == ["A", "B"]
    assert await _names(tenant, routing_strategy="weighted", rtb_enabled="true") == ["A", "C"]
    assert await _names(tenant, status="active", rtb_enabled="false") == ["B"]
    assert await _names(tenant, routing_strategy="round_robin") == []


async def test_list_sorts_by_name_created_at_and_status(tenant: Tenant) -> None:
    await post_campaign(tenant.client, name="Beta", status="active")
    await post_campaign(tenant.client, name="Alpha")
    await post_campaign(tenant.client, name="Gamma")
    assert await _names(tenant) == ["Alpha", "Beta", "Gamma"]
    assert await _names(tenant, sort="-name") == ["Gamma", "Beta", "Alpha"]
    assert await _names(tenant, sort="-created_at") == ["Gamma", "Alpha", "Beta"]
    assert await _names(tenant, sort="status,-name") == ["Beta", "Gamma", "Alpha"]


async def test_unknown_sort_field_is_a_422_on_sort(tenant: Tenant) -> None:
    assert _fields(await tenant.client.get("/api/campaigns", params={"sort": "payout"})) == ["sort"]


async def test_invalid_filter_is_a_422_naming_it(tenant: Tenant) -> None:
    assert _fields(await tenant.client.get("/api/campaigns", params={"status": "deleted"})) == ["status"]


async def test_list_paginates_and_counts_every_match(tenant: Tenant) -> None:
    for index in range(5):
        await post_campaign(tenant.client, name=f"Campaign {index}")
    response = await tenant.client.get("/api/campaigns", params={"limit": 2, "offset": 2})
    body = response.json()
    assert body["total"] == 5
    assert [item["name"] for item in body["items"]] == ["Campaign 2", "Campaign 3"]


async def test_search_text_with_a_nul_character_is_a_422(tenant: Tenant) -> None:
    assert _fields(await tenant.client.get("/api/campaigns", params={"q": "a\x00b"})) == ["q"]


def test_update_refuses_null_exactly_where_the_column_cannot_be_null() -> None:
    columns = Campaign.__table__.columns
    refused = set(REQUIRED_ON_UPDATE)
    assert refused == {name for name in CampaignUpdate.model_fields if not columns[name].nullable}
