"""The outbox worker: retry schedule, attempt log, dead letter and replay, Standard Webhooks signatures,
timeouts, the SSRF guard, and claims that no longer hold."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls.extensions import CallEventName
from callcenter.integrations.events import IntegrationEvents
from callcenter.integrations.outbox import RETRY_DELAYS
from callcenter.integrations.signing import signature
from callcenter.kit.db import Database
from callcenter.kit.http import OutboundHttp
from callcenter.models.accounts import Role
from callcenter.models.base import utcnow
from callcenter.models.calls import Call, CallStatus
from callcenter.models.integrations import DeliveryStatus
from callcenter.worker.outbox import OutboxWorker
from callcenter.worker.repository import Outcome, claim_due, record
from tests.factories import LoggedIn, create_user, logged_in_client
from tests.integrations.conftest import Clock
from tests.integrations.helpers import attempts, deliveries, integration, routed_campaign
from tests.integrations.receiver import Receiver


async def _one_event(
    session: AsyncSession, owner: LoggedIn, event: CallEventName = CallEventName.COMPLETED
) -> Call:
    campaign, _ = await routed_campaign(session, owner)
    call = Call(
        id=uuid.uuid4(),
        account_id=owner.account_id,
        call_sid="CA" + uuid.uuid4().hex,
        campaign_id=campaign.id,
        caller="+12125550123",
        called="+14155550100",
        status=CallStatus.COMPLETED,
        started_at=utcnow(),
        attribution={},
    )
    session.add(call)
    await IntegrationEvents().emit(session, call, event)
    await session.flush()
    return call


def _verify(secret: str, headers: dict[str, str], body: str) -> bool:
    """A receiver's check, written from the Standard Webhooks specification."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body}".encode()
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(sig == f"v1,{expected}" for sig in headers["webhook-signature"].split(" "))


def test_signature_matches_the_standard_webhooks_reference_vector() -> None:
    assert (
        signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            '{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


async def test_endpoint_failing_three_times_then_succeeding_gets_exactly_one_successful_delivery(
    session: AsyncSession, owner: LoggedIn, worker: OutboxWorker, receiver: Receiver, clock: Clock
) -> None:
    receiver.fail_first = 3
    hook = await integration(owner, kind="webhook", event="completed", url=f"{receiver.url}/hook")
    await _one_event(session, owner)

    assert await worker.run_once() == 1  # at once: 500
    assert await worker.run_once() == 0  # not due before 5 s
    for delay in RETRY_DELAYS[1:4]:  # 5 s, 5 min, 30 min
        clock.advance(seconds=delay.total_seconds())
        assert await worker.run_once() == 1
    clock.advance(hours=48)
    assert await worker.run_once() == 0

    [delivery] = await deliveries(session)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        4,
        200,
    )
    log = await attempts(session, delivery.id)
    assert [(a.attempt, a.status_code, a.success) for a in log] == [
        (1, 500, False),
        (2, 500, False),
        (3, 500, False),
        (4, 200, True),
    ]
    assert all(a.latency_ms >= 0 and a.response_body == "ok" for a in log)
    assert len(receiver.requests) == 4
    assert len(set(receiver.ids())) == 1  # one message, retried
    assert all(_verify(hook["secret"], r.headers, r.body) for r in receiver.requests)
    assert receiver.requests[0].headers["content-type"] == "application/json"


async def test_retries_follow_the_schedule_then_the_delivery_is_dead_lettered_and_can_be_replayed(
    session: AsyncSession, owner: LoggedIn, worker: OutboxWorker, receiver: Receiver, clock: Clock
) -> None:
    receiver.status = 503
    hook = await integration(owner, kind="webhook", event="completed", url=f"{receiver.url}/hook")
    await _one_event(session, owner)

    await worker.run_once()
    for delay in RETRY_DELAYS[1:]:
        clock.advance(seconds=delay.total_seconds() - 1)
        assert await worker.run_once() == 0, f"attempted before its {delay} delay"
        clock.advance(seconds=1)
        assert await worker.run_once() == 1
    [delivery] = await deliveries(session)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 8)
    clock.advance(days=3)
    assert await worker.run_once() == 0

    listed = await owner.client.get(
        "/api/deliveries", params={"status": "failed", "integration_id": hook["id"]}
    )
    assert [d["id"] for d in listed.json()["items"]] == [str(delivery.id)]
    detail = (await owner.client.get(f"/api/deliveries/{delivery.id}")).json()
    assert [a["status_code"] for a in detail["attempt_log"]] == [503] * 8

    receiver.status = 200
    replayed = await owner.client.post(f"/api/deliveries/{delivery.id}/replay")
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["status"] == "pending"
    assert (await owner.client.post(f"/api/deliveries/{delivery.id}/replay")).status_code == 409
    assert await worker.run_once() == 1
    [delivery] = await deliveries(session)
    assert delivery.status is DeliveryStatus.DELIVERED
    assert len(set(receiver.ids())) == 1  # the replay keeps the message id


async def test_a_reporting_user_sees_a_deliverys_header_names_not_their_values(
    app, session: AsyncSession, owner: LoggedIn
) -> None:  # type: ignore[no-untyped-def]
    await integration(owner, event="completed", url="http://127.0.0.1:9/px", headers={"X-Api-Key": "k3y"})
    await _one_event(session, owner)
    [delivery] = await deliveries(session)
    reporter = await create_user(session, account_id=owner.account_id, role=Role.REPORTING)
    async with logged_in_client(app, reporter) as reporting:
        masked = (await reporting.client.get(f"/api/deliveries/{delivery.id}")).json()["headers"]
    shown = (await owner.client.get(f"/api/deliveries/{delivery.id}")).json()["headers"]
    assert (masked["X-Api-Key"], shown["X-Api-Key"]) == ("********", "k3y")


async def test_replaying_every_failed_delivery_of_an_integration(
    session: AsyncSession, owner: LoggedIn, worker: OutboxWorker, receiver: Receiver, clock: Clock
) -> None:
    receiver.status = 500
    pixel = await integration(owner, event="completed", url=f"{receiver.url}/px")
    await _one_event(session, owner)
    await _one_event(session, owner)
    for _ in range(8):
        await worker.run_once()
        clock.advance(hours=11)
    assert {d.status for d in await deliveries(session)} == {DeliveryStatus.FAILED}

    response = await owner.client.post(f"/api/integrations/{pixel['id']}/replay-failed")
    assert response.json() == {"replayed": 2}
    receiver.status = 204
    assert await worker.run_once() == 2
    assert {d.status for d in await deliveries(session)} == {DeliveryStatus.DELIVERED}


async def test_a_timeout_and_a_refused_destination_are_failed_attempts(
    session: AsyncSession, owner: LoggedIn, database: Database, receiver: Receiver, clock: Clock
) -> None:
    receiver.delay_s = 1.0
    await integration(owner, name="Slow", event="completed", url=f"{receiver.url}/slow", timeout_ms=200)
    await _one_event(session, owner)
    strict = OutboundHttp(allow_private=False)
    try:
        await OutboxWorker(database, strict, clock=clock).run_once()
    finally:
        await strict.close()
    [delivery] = await deliveries(session)
    [attempt] = await attempts(session, delivery.id)
    assert attempt.success is False
    assert attempt.error is not None and attempt.error.startswith("Refused")
    assert receiver.requests == []  # never reached: loopback is refused without ALLOW_PRIVATE_URLS

    clock.advance(seconds=5)
    lenient = OutboundHttp(allow_private=True)
    try:
        await OutboxWorker(database, lenient, clock=clock).run_once()
    finally:
        await lenient.close()
    log = await attempts(session, delivery.id)
    assert log[1].error is not None and log[1].error.startswith("Timeout")
    assert log[1].status_code is None


async def test_a_redirect_delivers_a_pixel_but_not_a_webhook(
    session: AsyncSession, owner: LoggedIn, worker: OutboxWorker, receiver: Receiver
) -> None:
    receiver.status, receiver.headers = 302, {"Location": "https://elsewhere.example/"}
    await integration(owner, name="Pixel", event="completed", url=f"{receiver.url}/px")
    await integration(owner, name="Hook", kind="webhook", event="completed", url=f"{receiver.url}/hook")
    await _one_event(session, owner)
    assert await worker.run_once() == 2

    status = {d.kind: d.status for d in await deliveries(session)}
    assert status == {"pixel": DeliveryStatus.DELIVERED, "webhook": DeliveryStatus.PENDING}
    assert [r.path for r in receiver.requests].count("/px") == 1  # not followed


async def test_a_claim_that_expired_cannot_overwrite_a_later_result(
    session: AsyncSession, owner: LoggedIn, receiver: Receiver
) -> None:
    await integration(owner, event="completed", url=f"{receiver.url}/px")
    await _one_event(session, owner)
    now = utcnow()
    [stale] = await claim_due(session, now=now, limit=10, lease_margin=timedelta(seconds=1))
    assert await claim_due(session, now=now, limit=10, lease_margin=timedelta(seconds=1)) == []
    later = now + timedelta(seconds=30)
    [fresh] = await claim_due(session, now=later, limit=10, lease_margin=timedelta(seconds=1))
    assert fresh.attempt == 2

    succeeded = Outcome(success=True, started_at=later, latency_ms=3, status_code=200)
    await record(session, [(fresh, succeeded)], now=later)
    failed = Outcome(success=False, started_at=now, latency_ms=9000, error="Timeout")
    await record(session, [(stale, failed)], now=later)
    [delivery] = await deliveries(session)
    assert delivery.status is DeliveryStatus.DELIVERED
    assert len(await attempts(session, delivery.id)) == 2  # both attempts are in the log


async def test_send_test_shows_the_rendered_request_and_the_response(
    session: AsyncSession, owner: LoggedIn, receiver: Receiver
) -> None:
    receiver.body = "thanks"
    hook = await integration(
        owner,
        kind="webhook",
        event="converted",
        url=f"{receiver.url}/hook?c={{caller}}",
        headers={"Authorization": "Bearer abc", "X-Campaign": "{campaign_name}"},
    )
    response = await owner.client.post(f"/api/integrations/{hook['id']}/test", json={})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["success"] is True
    assert result["request"]["method"] == "POST"
    assert result["request"]["url"] == f"{receiver.url}/hook?c=%2B12125550123"
    assert result["request"]["headers"]["X-Campaign"] == "Medicare"
    assert result["response"]["status_code"] == 200
    assert result["response"]["body"] == "thanks"
    [hit] = receiver.requests
    assert _verify(hook["secret"], hit.headers, hit.body)
    assert await deliveries(session) == []  # a test send is not an outbox delivery


async def test_send_test_for_a_real_call_applies_the_conditions(
    session: AsyncSession, owner: LoggedIn, receiver: Receiver
) -> None:
    call = await _one_event(session, owner)
    converted_only = await integration(
        owner, name="Converted only", event="completed", url=f"{receiver.url}/c?sid={{call_sid}}",
        conditions={"converted": True},
    )  # fmt: skip
    any_call = await integration(
        owner, name="Any", event="completed", url=f"{receiver.url}/a?sid={{call_sid}}"
    )

    refused = (
        await owner.client.post(
            f"/api/integrations/{converted_only['id']}/test", json={"call_id": str(call.id)}
        )
    ).json()
    assert refused == {
        "request": None,
        "response": None,
        "error": "the call does not qualify",
        "success": False,
    }
    sent = (
        await owner.client.post(f"/api/integrations/{any_call['id']}/test", json={"call_id": str(call.id)})
    ).json()
    assert sent["request"]["url"] == f"{receiver.url}/a?sid={call.call_sid}"
    assert [r.path for r in receiver.requests] == ["/a"]
    unknown = await owner.client.post(
        f"/api/integrations/{any_call['id']}/test", json={"call_id": str(uuid.uuid4())}
    )
    assert unknown.status_code == 422


async def test_deleting_an_integration_while_its_delivery_is_in_flight_loses_no_other_result(
    session: AsyncSession, owner: LoggedIn, receiver: Receiver
) -> None:
    doomed = await integration(owner, name="Doomed", event="completed", url=f"{receiver.url}/doomed")
    await integration(owner, name="Kept", event="completed", url=f"{receiver.url}/kept")
    await _one_event(session, owner)
    now = utcnow()
    claims = await claim_due(session, now=now, limit=10, lease_margin=timedelta(seconds=30))
    assert len(claims) == 2
    assert (await owner.client.delete(f"/api/integrations/{doomed['id']}")).status_code == 204

    ok = Outcome(success=True, started_at=now, latency_ms=2, status_code=200)
    await record(session, [(claim, ok) for claim in claims], now=now)
    [kept] = await deliveries(session)
    assert kept.status is DeliveryStatus.DELIVERED
    assert len(await attempts(session, kept.id)) == 1
