"""``callcenter simulate call``: one whole call against a running server, as Twilio would make it."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sqlalchemy import select

from callcenter.kit.db import Database
from callcenter.models.calls import Call, CallEvent
from callcenter.settings import Settings
from callcenter.telephony.emulator import OUTCOMES, TwilioEmulator


async def simulate_call(
    settings: Settings,
    *,
    server_url: str,
    to: str,
    from_: str,
    outcomes: list[str],
    duration: int,
    caller_state: str | None,
    digits: list[str],
    echo: Callable[[str], None],
) -> int:
    """Drives the call, prints each webhook and TwiML answer, then the journey; returns an exit code."""
    unknown = [o for o in outcomes if o not in OUTCOMES]
    if unknown:
        echo(f"unknown outcome(s) {unknown}; use {', '.join(OUTCOMES)}")
        return 2
    async with httpx.AsyncClient(timeout=20) as client:
        emulator = TwilioEmulator(
            client,
            public_url=settings.public_url,
            auth_token=settings.twilio_signing_token(),
            server_url=server_url,
        )
        try:
            transcript = await emulator.call(
                to=to,
                from_=from_,
                outcomes=outcomes,
                duration=duration,
                caller_state=caller_state,
                digits=digits,
            )
        except httpx.HTTPError as exc:
            echo(f"cannot reach the server at {server_url}: {exc}")
            return 1
    for number, step in enumerate(transcript.steps, start=1):
        path = step.url.removeprefix(settings.public_url.rstrip("/"))
        echo(f"\n[{number}] POST {path}  -> {step.status_code}")
        extra = {
            k: v for k, v in step.params.items() if k.startswith("Dial") or k in ("CallStatus", "Digits")
        }
        if extra:
            echo("    " + " ".join(f"{k}={v}" for k, v in extra.items()))
        if step.body:
            echo("    " + step.body)
    await _print_journey(settings, transcript.call_sid, echo)
    return 0


async def _print_journey(settings: Settings, call_sid: str, echo: Callable[[str], None]) -> None:
    database = Database(settings)
    try:
        async with database.sessionmaker() as session:
            call = (await session.scalars(select(Call).where(Call.call_sid == call_sid))).first()
            if call is None:
                echo(f"\nno call record for {call_sid} (unknown number?)")
                return
            events = (
                await session.scalars(
                    select(CallEvent).where(CallEvent.call_id == call.id).order_by(CallEvent.seq)
                )
            ).all()
    finally:
        await database.dispose()
    echo(
        f"\ncall {call.id} ({call_sid}): {call.status}, connected {call.connected_seconds}s, "
        f"converted={call.converted}, revenue {call.revenue}, payout {call.payout}"
    )
    echo("journey:")
    for event in events:
        reason = f" [{event.reason}]" if event.reason else ""
        latency = f" {event.latency_ms:.2f} ms" if event.latency_ms is not None else ""
        detail = ", ".join(f"{k}={v}" for k, v in event.detail.items() if v is not None)
        echo(f"  {event.seq:>2}. {event.type}{reason}{latency}  {detail}")
