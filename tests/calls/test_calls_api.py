"""The call log API: filters, the journey in the detail, tenant isolation."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from tests.calls.factories import make_campaign, make_number, make_target
from tests.factories import LoggedIn


async def _two_calls(session: AsyncSession, owner: LoggedIn, twilio) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    campaign = await make_campaign(session, account_id=owner.account_id, payout=Decimal("2"), max_attempts=1)
    await make_target(session, campaign=campaign, revenue=Decimal("9"))
    number = await make_number(session, campaign=campaign)
    converted = await twilio.call(to=number.number, from_="+12125550100", duration=120)
    missed = await twilio.call(to=number.number, from_="+13105550100", outcomes=["no-answer"])
    return converted.call_sid, missed.call_sid


async def test_call_list_filters_by_status_caller_and_conversion(session, owner: LoggedIn, twilio) -> None:
    converted_sid, missed_sid = await _two_calls(session, owner, twilio)

    everything = (await owner.client.get("/api/calls")).json()
    assert everything["total"] == 2
    converted = (await owner.client.get("/api/calls", params={"converted": "true"})).json()
    assert [c["call_sid"] for c in converted["items"]] == [converted_sid]
    by_status = (await owner.client.get("/api/calls", params={"status": "no_answer"})).json()
    assert [c["call_sid"] for c in by_status["items"]] == [missed_sid]
    by_caller = (await owner.client.get("/api/calls", params={"caller": "310555"})).json()
    assert [c["call_sid"] for c in by_caller["items"]] == [missed_sid]
    future = (await owner.client.get("/api/calls", params={"started_from": "2100-01-01T00:00:00Z"})).json()
    assert future["total"] == 0


async def test_call_detail_carries_the_journey_and_attempts(session, owner: LoggedIn, twilio) -> None:
    converted_sid, _ = await _two_calls(session, owner, twilio)
    listed = (await owner.client.get("/api/calls", params={"converted": "true"})).json()["items"][0]

    detail = (await owner.client.get(f"/api/calls/{listed['id']}")).json()

    assert detail["call_sid"] == converted_sid
    assert (detail["revenue"], detail["payout"], detail["converted"]) == ("9.0000", "2.0000", True)
    assert [e["type"] for e in detail["journey"]][:3] == ["number_lookup", "routing", "dial"]
    assert all({"type", "at", "detail", "reason"} <= set(e) for e in detail["journey"])
    assert [a["status"] for a in detail["attempts"]] == ["completed"]


async def test_unknown_sort_field_is_a_field_error(owner: LoggedIn) -> None:
    response = await owner.client.get("/api/calls", params={"sort": "password"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "sort"


async def test_a_number_with_calls_cannot_be_deleted_so_no_call_loses_it(
    session, owner: LoggedIn, twilio
) -> None:
    await _two_calls(session, owner, twilio)
    number_id = (await owner.client.get("/api/calls")).json()["items"][0]["number_id"]

    response = await owner.client.delete(f"/api/numbers/{number_id}")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "number_has_calls"
    assert (await owner.client.get(f"/api/numbers/{number_id}")).status_code == 200
    unassigned = await owner.client.patch(f"/api/numbers/{number_id}", json={"campaign_id": None})
    assert unassigned.status_code == 200


async def test_date_filter_without_utc_offset_is_a_field_error(owner: LoggedIn) -> None:
    response = await owner.client.get("/api/calls", params={"started_from": "2026-11-21T10:00:00"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "started_from"
