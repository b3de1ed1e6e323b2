"""The database stops: callers still reach the fallback number, and the calls are written afterwards."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.app import create_app
from callcenter.calls.background import flush_deferred
from callcenter.kit.db import Database
from callcenter.models.accounts import Account
from callcenter.models.calls import Call, CallEvent
from callcenter.settings import Settings
from callcenter.telephony.emulator import TwilioEmulator
from tests.calls.factories import make_campaign, make_number, make_target

CALLER = "+12125550123"
FALLBACK = "+14155550999"
REFUSED = 1
PRODUCTION_DEADLINE_MS: int = Settings.model_fields["voice_deadline_ms"].default


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A TCP server that accepts connections and never answers: a database that hangs."""

    writers: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.read()

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()


@asynccontextmanager
async def database_down(app: FastAPI, settings: Settings, *, port: int = REFUSED) -> AsyncIterator[None]:
    """The app's database is one that refuses connections (port 1) or hangs (a silent server's port)."""
    healthy: Database = app.state.database
    app.state.database = Database(
        settings.model_copy(update={"database_url": f"postgresql+asyncpg://x@127.0.0.1:{port}/x"})
    )
    try:
        yield
    finally:
        await app.state.database.dispose()
        app.state.database = healthy


@pytest.mark.parametrize("failure", ["refused", "hanging"])
async def test_callers_reach_the_fallback_number_while_the_database_is_down(
    session: AsyncSession, account: Account, twilio, app, settings, silent_server: int, failure: str
) -> None:
    campaign = await make_campaign(session, account_id=account.id, fallback_number=FALLBACK)
    await make_target(session, campaign=campaign)
    to = (await make_number(session, campaign=campaign)).number
    await twilio.call(to=to, from_=CALLER)  # a normal call fills the process's fallback cache

    port = REFUSED if failure == "refused" else silent_server
    app.state.settings = settings.model_copy(update={"voice_deadline_ms": PRODUCTION_DEADLINE_MS})
    async with database_down(app, settings, port=port):
        during = await twilio.call(to=to, from_="+13105550111")

    assert f"<Number>{FALLBACK}</Number>" in during.twiml[0]
    assert (await session.scalars(select(Call).where(Call.call_sid == during.call_sid))).first() is None

    written = await flush_deferred(app.state.database, app.state.call_engine, app.state.deferred_calls)

    assert written == 1  # the call, with the status callback that arrived during the outage
    call = (await session.scalars(select(Call).where(Call.call_sid == during.call_sid))).one()
    await session.refresh(call)
    assert (call.campaign_id, call.disposition, call.provider_status) == (
        campaign.id,
        "fallback",
        "completed",
    )
    events = (
        await session.scalars(select(CallEvent).where(CallEvent.call_id == call.id).order_by(CallEvent.seq))
    ).all()
    expected_reason = "deadline_exceeded" if failure == "hanging" else "engine_error"
    assert [(e.type, e.reason) for e in events][:3] == [
        ("number_lookup", None),
        ("error", expected_reason),
        ("fallback", expected_reason),
    ]


async def test_the_voice_webhook_waits_for_the_configured_deadline(
    session: AsyncSession, account: Account, twilio, app, settings, silent_server: int
) -> None:
    campaign = await make_campaign(session, account_id=account.id, fallback_number=FALLBACK)
    await make_target(session, campaign=campaign)
    to = (await make_number(session, campaign=campaign)).number
    await twilio.call(to=to, from_=CALLER)
    app.state.settings = settings.model_copy(update={"voice_deadline_ms": PRODUCTION_DEADLINE_MS + 500})
    async with database_down(app, settings, port=silent_server):
        answer = asyncio.create_task(twilio.call(to=to, from_="+13105550112", send_status=False))
        done, _ = await asyncio.wait({answer}, timeout=PRODUCTION_DEADLINE_MS / 1000 + 0.1)
        assert not done  # still waiting for the database past the default deadline
        during = await answer
    assert f"<Number>{FALLBACK}</Number>" in during.twiml[0]


async def test_unknown_number_during_an_outage_hears_the_apology(twilio, app, settings) -> None:
    async with database_down(app, settings):
        transcript = await twilio.call(to="+14155558888", from_=CALLER, send_status=False)
    assert "can't take your call right now" in transcript.twiml[0]


async def test_a_recording_that_arrives_during_an_outage_is_stored_afterwards(
    session: AsyncSession, account: Account, twilio, app, settings
) -> None:
    campaign = await make_campaign(session, account_id=account.id, record_calls=True)
    await make_target(session, campaign=campaign)
    to = (await make_number(session, campaign=campaign)).number
    transcript = await twilio.call(to=to, from_=CALLER)
    recording = {
        "CallSid": transcript.call_sid,
        "RecordingSid": "RE" + "4" * 32,
        "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE44",
        "RecordingStatus": "completed",
    }

    async with database_down(app, settings):
        response = await twilio.post("/api/webhooks/recording", recording)
    assert response.status_code == 204  # Twilio does not send it again: it is kept

    assert await flush_deferred(app.state.database, app.state.call_engine, app.state.deferred_calls) == 1
    call = (await session.scalars(select(Call).where(Call.call_sid == transcript.call_sid))).one()
    await session.refresh(call)
    assert (call.recording_sid, call.recording_url) == (recording["RecordingSid"], recording["RecordingUrl"])


async def test_calls_answered_from_the_cache_are_written_when_the_server_stops(
    session: AsyncSession, account: Account, settings, database: Database, live
) -> None:
    campaign = await make_campaign(session, account_id=account.id, fallback_number=FALLBACK)
    await make_target(session, campaign=campaign)
    to = (await make_number(session, campaign=campaign)).number
    app = create_app(settings.model_copy(update={"run_outbox_worker": False}), database=database, live=live)
    app.state.deferred_calls.interval_s = 3600  # the periodic writer stays asleep: only the stop writes
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=settings.public_url) as c:
        twilio = TwilioEmulator(c, public_url=settings.public_url, auth_token=settings.twilio_signing_token())
        async with app.router.lifespan_context(app):  # start-up fills the fallback cache
            async with database_down(app, settings):
                during = await twilio.call(to=to, from_="+13105550113")
            assert f"<Number>{FALLBACK}</Number>" in during.twiml[0]
            assert (
                await session.scalars(select(Call).where(Call.call_sid == during.call_sid))
            ).first() is None

    call = (await session.scalars(select(Call).where(Call.call_sid == during.call_sid))).one()
    assert (call.disposition, call.provider_status) == ("fallback", "completed")
    assert len(app.state.deferred_calls) == 0
