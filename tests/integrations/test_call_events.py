"""Call events become outbox deliveries in the call's own transaction, for the integrations they fire, with
every token encoded for where it lands."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls.extensions import CallEventName
from callcenter.integrations.events import IntegrationEvents, OutboxPixels
from callcenter.models.base import utcnow
from callcenter.models.calls import Call, CallStatus
from callcenter.worker.outbox import OutboxWorker
from tests.calls.conftest import CheckedEmulator
from tests.factories import LoggedIn
from tests.integrations.helpers import deliveries, integration, routed_campaign
from tests.integrations.receiver import Receiver

CALLER = "+12125550123"


async def test_pixel_fires_on_its_event_with_tokens_url_encoded(
    session: AsyncSession, owner: LoggedIn, twilio: CheckedEmulator, worker: OutboxWorker, receiver: Receiver
) -> None:
    campaign, number = await routed_campaign(session, owner, name="Spring Sale & Co", conversion_seconds=60)
    url = (
        f"{receiver.url}/px?caller={{caller}}&campaign={{campaign_name}}&utm={{utm_source}}"
        "&rev={revenue}&converted={converted}&secs={connected_seconds}&event={event}"
    )
    await integration(owner, kind="pixel", event="completed", campaign_id=str(campaign.id), url=url)

    await twilio.call(to=number, from_=CALLER, duration=75)
    assert await worker.run_once() == 1

    [hit] = receiver.requests
    assert hit.method == "GET"
    assert hit.query == {
        "caller": CALLER,
        "campaign": "Spring Sale & Co",
        "utm": "",
        "rev": "25.00",
        "converted": "true",
        "secs": "75",
        "event": "completed",
    }
    # Encoded in the URL itself: the + of E.164, the spaces and & of the name.
    assert "caller=%2B12125550123" in hit.raw_query
    assert "campaign=Spring%20Sale%20%26%20Co" in hit.raw_query


async def test_spaces_ampersands_unicode_and_missing_values_are_encoded_in_url_and_json(
    session: AsyncSession, owner: LoggedIn, worker: OutboxWorker, receiver: Receiver
) -> None:
    campaign, _ = await routed_campaign(session, owner)
    response = await owner.client.post(
        f"/api/campaigns/{campaign.id}/url-parameters", json={"name": "keyword", "label": "Keyword"}
    )
    assert response.status_code == 201, response.text
    await integration(
        owner,
        name="Pixel",
        event="completed",
        campaign_id=str(campaign.id),
        url=f"{receiver.url}/px?kw={{keyword}}&src={{utm_source}}&city={{caller_city}}&term={{utm_term}}",
    )
    await integration(
        owner,
        name="Hook",
        kind="webhook",
        event="completed",
        campaign_id=str(campaign.id),
        url=f"{receiver.url}/hook",
        body='{"kw": "{keyword}", "src": "{utm_source}", "city": "{caller_city}", "term": "{utm_term}"}',
    )
    tricky = {"keyword": 'a b&c=d "quoted" é/ü', "src": "Spring & Summer ☀", "city": "São Paulo"}
    call = Call(
        id=uuid.uuid4(),
        account_id=owner.account_id,
        call_sid="CA" + uuid.uuid4().hex,
        campaign_id=campaign.id,
        caller=CALLER,
        called="+14155550100",
        caller_city=tricky["city"],
        status=CallStatus.COMPLETED,
        started_at=utcnow(),
        utm_source=tricky["src"],
        attribution={"keyword": tricky["keyword"]},
    )
    session.add(call)
    await IntegrationEvents().emit(session, call, CallEventName.COMPLETED)
    await session.flush()

    assert await worker.run_once() == 2
    pixel = next(r for r in receiver.requests if r.path == "/px")
    hook = next(r for r in receiver.requests if r.path == "/hook")
    expected = {"kw": tricky["keyword"], "src": tricky["src"], "city": tricky["city"], "term": ""}
    assert pixel.query == expected
    # Space, &, =, quotes and non-ASCII travel percent-encoded (UTF-8); "/" may stay as it is in a query.
    assert "kw=a%20b%26c%3Dd%20%22quoted%22%20%C3%A9" in pixel.raw_query
    assert f"city={quote('São Paulo', safe='')}" in pixel.raw_query
    assert json.loads(hook.body) == expected


async def test_deliveries_are_written_in_the_calls_transaction(
    session: AsyncSession, owner: LoggedIn
) -> None:
    campaign, _ = await routed_campaign(session, owner)
    await integration(owner, event="incoming", url="http://127.0.0.1:9/px?c={call_id}")
    savepoint = await session.begin_nested()
    call = Call(
        id=uuid.uuid4(),
        account_id=owner.account_id,
        call_sid="CA" + uuid.uuid4().hex,
        campaign_id=campaign.id,
        caller=CALLER,
        called="+14155550100",
        started_at=utcnow(),
        attribution={},
    )
    session.add(call)
    await IntegrationEvents().emit(session, call, CallEventName.INCOMING)
    await session.flush()
    assert [d.url for d in await deliveries(session)] == [f"http://127.0.0.1:9/px?c={call.id}"]

    await savepoint.rollback()
    assert await deliveries(session) == []


async def test_campaign_and_account_wide_integrations_fire_only_for_their_calls(
    session: AsyncSession, owner: LoggedIn, twilio: CheckedEmulator
) -> None:
    first, first_number = await routed_campaign(session, owner)
    _second, second_number = await routed_campaign(session, owner)
    own = await integration(
        owner, name="First only", event="routed", campaign_id=str(first.id), url="http://127.0.0.1:9/first"
    )
    everywhere = await integration(owner, name="All", event="routed", url="http://127.0.0.1:9/all")
    await integration(owner, name="Off", event="routed", url="http://127.0.0.1:9/off", active=False)
    await integration(owner, name="Other event", event="failed", url="http://127.0.0.1:9/failed")

    await twilio.call(to=second_number, from_=CALLER)
    assert [d.integration_id for d in await deliveries(session)] == [uuid.UUID(everywhere["id"])]
    await twilio.call(to=first_number, from_=CALLER)
    fired = {d.integration_id for d in await deliveries(session)}
    assert fired == {uuid.UUID(everywhere["id"]), uuid.UUID(own["id"])}


async def test_conditions_decide_which_calls_fire(
    session: AsyncSession, owner: LoggedIn, twilio: CheckedEmulator
) -> None:
    _campaign, number = await routed_campaign(session, owner, conversion_seconds=60)
    only_converted = await integration(
        owner,
        name="Converted",
        event="completed",
        url="http://127.0.0.1:9/converted",
        conditions={"converted": True},
    )
    await integration(
        owner,
        name="Long and from Texas",
        event="completed",
        url="http://127.0.0.1:9/tx",
        conditions={"min_connected_seconds": 30, "caller_states": ["TX"]},
    )

    await twilio.call(to=number, from_=CALLER, duration=20, caller_state="CA")
    assert await deliveries(session) == []
    await twilio.call(to=number, from_="+13125550100", duration=90, caller_state="CA")
    assert [d.integration_id for d in await deliveries(session)] == [uuid.UUID(only_converted["id"])]


async def test_each_event_fires_once_per_call_even_when_callbacks_repeat(
    session: AsyncSession, owner: LoggedIn, twilio: CheckedEmulator
) -> None:
    _, number = await routed_campaign(session, owner)
    for event in ("incoming", "routed", "answered", "converted", "completed", "failed"):
        url = f"http://127.0.0.1:9/{event}?secs={{connected_seconds}}&rev={{revenue}}"
        await integration(owner, name=event, event=event, url=url)
    transcript = await twilio.call(to=number, from_=CALLER, duration=90)
    for step in transcript.callbacks() * 3:
        await twilio.post(step.url, step.params)

    fired = await deliveries(session)
    assert [d.event for d in fired] == ["incoming", "routed", "answered", "converted", "completed"]
    # "answered" is told once the buyer's leg is settled: it carries the connected time and revenue.
    assert fired[2].url == "http://127.0.0.1:9/answered?secs=90&rev=25.00"


async def test_flow_pixel_nodes_are_delivered_through_the_outbox(
    session: AsyncSession, owner: LoggedIn, worker: OutboxWorker, receiver: Receiver
) -> None:
    campaign, _ = await routed_campaign(session, owner, revenue=Decimal("10"))
    call = Call(
        id=uuid.uuid4(),
        account_id=owner.account_id,
        call_sid="CA" + uuid.uuid4().hex,
        campaign_id=campaign.id,
        caller=CALLER,
        called="+14155550100",
        started_at=utcnow(),
        attribution={},
    )
    session.add(call)
    await OutboxPixels().enqueue(
        session, call, url=f"{receiver.url}/flow?node=menu", method="post", headers={"X-A": "1"}, body="a=1"
    )
    await session.flush()

    assert await worker.run_once() == 1
    [hit] = receiver.requests
    assert (hit.method, hit.path, hit.query, hit.body, hit.headers["x-a"]) == (
        "POST",
        "/flow",
        {"node": "menu"},
        "a=1",
        "1",
    )
    [delivery] = await deliveries(session)
    assert (delivery.integration_id, delivery.event, delivery.status) == (None, "flow_pixel", "delivered")
