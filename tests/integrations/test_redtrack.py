"""RedTrack postbacks: RAWCall, AnsweredCall and ConvertedCall with the visitor's click id (captured by
DNI), exactly one ConvertedCall per click id whatever Twilio repeats."""

from __future__ import annotations

import random
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.worker.outbox import OutboxWorker
from tests.calls.conftest import CheckedEmulator
from tests.factories import LoggedIn
from tests.integrations.helpers import deliveries, integration, visitor_call, visitor_campaign
from tests.integrations.receiver import Receiver

CLICK = "65f1c0ffee0123456789abcd"


async def _redtrack(owner: LoggedIn, receiver: Receiver, **fields: Any) -> dict[str, Any]:
    return await integration(
        owner, name="RedTrack", kind="redtrack", url=f"{receiver.url}/postback", **fields
    )


async def test_a_call_sends_raw_answered_and_converted_calls_with_the_click_id(
    session: AsyncSession,
    owner: LoggedIn,
    client: httpx.AsyncClient,
    twilio: CheckedEmulator,
    worker: OutboxWorker,
    receiver: Receiver,
) -> None:
    _, tag, pool_id = await visitor_campaign(session, owner, conversion_seconds=60)
    await _redtrack(owner, receiver)

    await visitor_call(client, twilio, tag=tag, pool_id=pool_id, params={"rtkclickid": CLICK}, duration=90)
    assert await worker.run_once() == 3

    sent = sorted((r.query["type"], r.query.get("sum")) for r in receiver.requests)
    assert sent == [("AnsweredCall", None), ("ConvertedCall", "25.00"), ("RAWCall", None)]
    assert {r.path for r in receiver.requests} == {"/postback"}
    assert {r.query["clickid"] for r in receiver.requests} == {CLICK}


async def test_converted_call_uses_its_own_threshold_of_thirty_seconds_by_default(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    _, tag, pool_id = await visitor_campaign(session, owner, conversion_seconds=120)
    await integration(owner, name="RedTrack", kind="redtrack", url="http://127.0.0.1:9/postback")

    await visitor_call(client, twilio, tag=tag, pool_id=pool_id, params={"rtkclickid": "short"}, duration=29)
    await visitor_call(
        client,
        twilio,
        tag=tag,
        pool_id=pool_id,
        params={"rtkclickid": "long"},
        duration=30,
        caller="+13125550100",
    )
    converted = [d.url for d in await deliveries(session, event="ConvertedCall")]
    assert len(converted) == 1
    assert (
        "clickid=long&type=ConvertedCall&sum=0.00" in converted[0]
    )  # not converted by the campaign: no revenue


async def test_threshold_and_click_id_parameter_are_configurable(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    _, tag, pool_id = await visitor_campaign(session, owner, custom_params=("rt",))
    await integration(
        owner,
        name="RedTrack",
        kind="redtrack",
        url="http://127.0.0.1:9/postback?source=calls",
        redtrack={"conversion_seconds": 10, "click_id_param": "rt"},
    )
    await visitor_call(client, twilio, tag=tag, pool_id=pool_id, params={"rt": "abc"}, duration=12)

    [converted] = await deliveries(session, event="ConvertedCall")
    assert converted.url == "http://127.0.0.1:9/postback?source=calls&clickid=abc&type=ConvertedCall&sum=0.00"


async def test_one_converted_call_per_click_id_even_when_callbacks_repeat_and_the_visitor_calls_again(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    _, tag, pool_id = await visitor_campaign(session, owner, conversion_seconds=60)
    await integration(owner, name="RedTrack", kind="redtrack", url="http://127.0.0.1:9/postback")

    visit: dict[str, Any] = {
        "tag": tag,
        "pool_id": pool_id,
        "params": {"rtkclickid": CLICK},
        "visitor_id": "visitor-one",
    }
    first = await visitor_call(client, twilio, **visit, duration=90)
    replays = first.callbacks() * 3
    random.Random(3).shuffle(replays)
    for step in replays:
        await twilio.post(step.url, step.params)
    await visitor_call(client, twilio, **visit, duration=95)

    labels = sorted(d.event for d in await deliveries(session))
    assert labels == ["AnsweredCall", "AnsweredCall", "ConvertedCall", "RAWCall", "RAWCall"]


async def test_converted_call_is_sent_once_when_the_status_arrives_before_the_dial_result(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    _, tag, pool_id = await visitor_campaign(session, owner, conversion_seconds=120)
    await integration(owner, name="RedTrack", kind="redtrack", url="http://127.0.0.1:9/postback")
    transcript = await visitor_call(
        client, twilio, tag=tag, pool_id=pool_id, params={"rtkclickid": CLICK}, duration=45, send_status=False
    )
    # The emulator already reported the dial result; Twilio sends the final status, then repeats both.
    status = dict(transcript.steps[0].params, CallStatus="completed", CallDuration="50")
    await twilio.post("/api/webhooks/status", status)
    await twilio.post(transcript.steps[1].url, transcript.steps[1].params)
    await twilio.post("/api/webhooks/status", status)

    assert len(await deliveries(session, event="ConvertedCall")) == 1


async def test_a_call_without_a_click_id_sends_nothing_to_redtrack(
    session: AsyncSession, owner: LoggedIn, client: httpx.AsyncClient, twilio: CheckedEmulator
) -> None:
    _, tag, pool_id = await visitor_campaign(session, owner)
    await integration(owner, name="RedTrack", kind="redtrack", url="http://127.0.0.1:9/postback")
    await visitor_call(client, twilio, tag=tag, pool_id=pool_id, params={"utm_source": "google"}, duration=90)
    assert await deliveries(session) == []


async def test_send_test_posts_a_sample_converted_call(owner: LoggedIn, receiver: Receiver) -> None:
    redtrack = await _redtrack(owner, receiver)
    result = (await owner.client.post(f"/api/integrations/{redtrack['id']}/test")).json()
    assert result["success"] is True
    [hit] = receiver.requests
    assert hit.query == {"clickid": "65f1c0ffee0123456789abcd", "type": "ConvertedCall", "sum": "25.00"}
