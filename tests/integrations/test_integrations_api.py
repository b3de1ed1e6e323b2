"""The integrations API: what may be saved (known tokens, valid JSON, safe URLs, the account's own rows),
the token list, campaign URL parameters and webhook secrets."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.integrations.tokens import BUILTIN_NAMES
from callcenter.models.accounts import Role
from tests.config_factories import create_campaign, create_publisher
from tests.factories import LoggedIn, create_user, logged_in_client
from tests.integrations.helpers import integration

URL = "http://127.0.0.1:9/px"


async def _refused(owner: LoggedIn, body: dict[str, Any]) -> dict[str, Any]:
    response = await owner.client.post("/api/integrations", json={"name": "Refused", **body})
    assert response.status_code == 422, response.text
    detail: dict[str, Any] = response.json()["error"]["details"][0]
    return detail


async def test_create_read_update_list_and_delete_an_integration(
    owner: LoggedIn, session: AsyncSession
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    created = await integration(
        owner,
        name="Lead pixel",
        event="converted",
        campaign_id=str(campaign.id),
        url=URL + "?c={call_id}",
        headers={"X-Token": "abc"},
        conditions={"converted": True},
    )
    assert created["method"] == "GET" and created["secret"] is None and created["active"] is True
    assert created["conditions"]["converted"] is True

    patched = await owner.client.patch(
        f"/api/integrations/{created['id']}",
        json={"method": "POST", "body": "rev={revenue}", "campaign_id": None},
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["method"], patched.json()["campaign_id"]) == ("POST", None)

    listed = await owner.client.get("/api/integrations", params={"event": "converted"})
    assert [i["id"] for i in listed.json()["items"]] == [created["id"]]
    assert (await owner.client.get("/api/integrations", params={"event": "incoming"})).json()["total"] == 0
    assert (await owner.client.delete(f"/api/integrations/{created['id']}")).status_code == 204
    assert (await owner.client.get(f"/api/integrations/{created['id']}")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"event": "completed", "url": URL + "?x={nope}"}, "url", "{nope}"),
        (
            {"event": "completed", "url": URL, "headers": {"X-A": "{secret_sauce}"}},
            "headers.X-A",
            "{secret_sauce}",
        ),
        ({"event": "completed", "url": URL, "method": "POST", "body": "a={bogus}"}, "body", "{bogus}"),
        ({"url": URL}, "event", "event"),
        ({"event": "completed", "url": URL, "body": "x"}, "body", "GET"),
        ({"kind": "webhook", "event": "completed", "url": URL, "method": "GET"}, "method", "POST"),
        ({"kind": "webhook", "event": "completed", "url": URL, "body": '{"a": {caller}'}, "body", "JSON"),
        ({"kind": "redtrack", "event": "completed", "url": URL}, "event", "RedTrack"),
        ({"event": "completed", "url": "ftp://example.com/x"}, "url", "http"),
        ({"event": "completed", "url": "{call_id}/x"}, "url", "http"),
        ({"event": "sometimes", "url": URL}, "event", ""),
        ({"event": "completed", "url": URL, "headers": {"Host": "evil"}}, "headers", "set by the platform"),
        ({"event": "completed", "url": URL, "headers": {"X-A": "a\r\nB: c"}}, "headers", "one line"),
        ({"event": "completed", "url": URL, "timeout_ms": 10}, "timeout_ms", ""),
        ({"kind": "pixel", "event": "completed", "url": URL, "redtrack": {}}, "redtrack", "RedTrack"),
    ],
)
async def test_invalid_integrations_are_refused_naming_the_field(
    owner: LoggedIn, body: dict[str, Any], field: str, says: str
) -> None:
    detail = await _refused(owner, body)
    assert detail["field"] == field
    assert says in detail["message"]


async def test_a_private_address_is_refused_unless_allowed(owner: LoggedIn) -> None:
    settings = owner.app.state.settings
    owner.app.state.settings = settings.model_copy(update={"allow_private_urls": False})
    try:
        detail = await _refused(owner, {"event": "completed", "url": "http://127.0.0.1:8080/px"})
    finally:
        owner.app.state.settings = settings
    assert detail["field"] == "url"
    assert "private" in detail["message"]


async def test_names_are_unique_and_references_must_be_the_accounts_own(
    owner: LoggedIn, other_owner: LoggedIn, session: AsyncSession
) -> None:
    await integration(owner, name="Twice", event="completed", url=URL)
    assert (await _refused(owner, {"name": "Twice", "event": "completed", "url": URL}))["field"] == "name"
    foreign = await create_publisher(session, account_id=other_owner.account_id)
    detail = await _refused(
        owner, {"event": "completed", "url": URL, "conditions": {"publisher_ids": [str(foreign.id)]}}
    )
    assert detail == {"field": "conditions.publisher_ids", "message": "publisher not found"}


async def test_webhooks_get_a_signing_secret_that_can_be_rotated(owner: LoggedIn) -> None:
    hook = await integration(owner, kind="webhook", event="completed", url=URL)
    assert hook["method"] == "POST"
    assert hook["secret"].startswith("whsec_")
    rotated = (await owner.client.post(f"/api/integrations/{hook['id']}/rotate-secret")).json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != hook["secret"]
    pixel = await integration(owner, name="Pixel", event="completed", url=URL)
    assert (await owner.client.post(f"/api/integrations/{pixel['id']}/rotate-secret")).status_code == 409


async def test_a_reporting_user_sees_neither_header_values_nor_the_signing_secret(
    app, session: AsyncSession, owner: LoggedIn
) -> None:  # type: ignore[no-untyped-def]
    hook = await integration(
        owner, kind="webhook", event="completed", url=URL, headers={"Authorization": "Bearer s3cret"}
    )
    reporter = await create_user(session, account_id=owner.account_id, role=Role.REPORTING)
    async with logged_in_client(app, reporter) as reporting:
        read = (await reporting.client.get(f"/api/integrations/{hook['id']}")).json()
        listed = (await reporting.client.get("/api/integrations")).json()["items"]
    for shown in (read, *listed):
        assert (shown["headers"], shown["secret"]) == ({"Authorization": "********"}, "********")
    owners = (await owner.client.get(f"/api/integrations/{hook['id']}")).json()
    assert owners["headers"] == {"Authorization": "Bearer s3cret"}
    assert owners["secret"] == hook["secret"] and hook["secret"].startswith("whsec_")


async def test_token_list_has_the_built_ins_and_the_campaigns_url_parameters(
    owner: LoggedIn, session: AsyncSession
) -> None:
    first = await create_campaign(session, account_id=owner.account_id)
    second = await create_campaign(session, account_id=owner.account_id)
    for campaign, name in ((first, "keyword"), (second, "sub_affiliate")):
        response = await owner.client.post(
            f"/api/campaigns/{campaign.id}/url-parameters", json={"name": name}
        )
        assert response.status_code == 201, response.text

    def names(response: Any) -> set[str]:
        return {token["name"] for token in response.json()["items"]}

    for_first = names(
        await owner.client.get("/api/integration-tokens", params={"campaign_id": str(first.id)})
    )
    assert for_first == BUILTIN_NAMES | {"keyword"}
    assert names(await owner.client.get("/api/integration-tokens")) == BUILTIN_NAMES | {
        "keyword",
        "sub_affiliate",
    }
    caller = next(
        t
        for t in (await owner.client.get("/api/integration-tokens")).json()["items"]
        if t["name"] == "caller"
    )
    assert caller == {
        "name": "caller",
        "group": "call",
        "description": "The caller's number, E.164",
        "example": "+12125550123",
    }

    # A campaign's parameter is a token for its own integrations and account-wide ones, not another's.
    await integration(
        owner, name="Own", event="completed", campaign_id=str(first.id), url=URL + "?k={keyword}"
    )
    await integration(owner, name="All", event="completed", url=URL + "?k={keyword}")
    detail = await _refused(
        owner, {"event": "completed", "campaign_id": str(second.id), "url": URL + "?k={keyword}"}
    )
    assert detail["field"] == "url"


async def test_url_parameters_cannot_shadow_built_ins_repeat_or_vanish_while_used(
    owner: LoggedIn, session: AsyncSession
) -> None:
    campaign = await create_campaign(session, account_id=owner.account_id)
    path = f"/api/campaigns/{campaign.id}/url-parameters"
    shadow = await owner.client.post(path, json={"name": "gclid"})
    assert shadow.status_code == 422 and shadow.json()["error"]["details"][0]["field"] == "name"
    assert (await owner.client.post(path, json={"name": "bad name"})).status_code == 422
    created = (await owner.client.post(path, json={"name": "keyword", "label": "Keyword"})).json()
    assert (await owner.client.post(path, json={"name": "keyword"})).status_code == 422
    relabelled = await owner.client.patch(f"{path}/{created['id']}", json={"label": "Search keyword"})
    assert relabelled.json()["label"] == "Search keyword"
    assert [p["name"] for p in (await owner.client.get(path)).json()["items"]] == ["keyword"]

    used = await integration(owner, name="Uses keyword", event="completed", url=URL + "?k={keyword}")
    refused = await owner.client.delete(f"{path}/{created['id']}")
    assert refused.status_code == 409
    assert refused.json()["error"]["details"] == {"integrations": ["Uses keyword"]}
    await owner.client.delete(f"/api/integrations/{used['id']}")
    assert (await owner.client.delete(f"{path}/{created['id']}")).status_code == 204
