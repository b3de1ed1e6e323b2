"""A Twilio stand-in that drives our webhooks exactly as Twilio does: signed form posts, the TwiML
followed verb by verb, dial outcomes, the final status callback.

Used by ``callcenter simulate call`` against a running server and by the test-suite against the app in
process. It is a client of the public webhook contract, never of our internals.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from callcenter.telephony.twilio import sign

ACCOUNT_SID = "AC" + "0" * 32
OUTCOMES = ("answered", "no-answer", "busy", "failed")
_DIAL_STATUS = {"answered": "completed", "no-answer": "no-answer", "busy": "busy", "failed": "failed"}


@dataclass(frozen=True, slots=True)
class Step:
    url: str
    params: dict[str, str]
    status_code: int
    body: str


@dataclass(slots=True)
class Transcript:
    call_sid: str
    steps: list[Step] = field(default_factory=list)

    @property
    def twiml(self) -> list[str]:
        return [s.body for s in self.steps if s.body.lstrip().startswith("<?xml")]

    def callbacks(self) -> list[Step]:
        """Every request after the first voice webhook: what Twilio may repeat."""
        return self.steps[1:]


def new_call_sid() -> str:
    return "CA" + uuid.uuid4().hex


class TwilioEmulator:
    def __init__(
        self, client: httpx.AsyncClient, *, public_url: str, auth_token: str, server_url: str | None = None
    ) -> None:
        """Signs requests for ``public_url`` (what the server's PUBLIC_URL says Twilio calls) and sends them
        to ``server_url`` when given (the server's own address, when it sits behind a public tunnel)."""
        self.client = client
        self.public_url = public_url.rstrip("/")
        self.server_url = (server_url or public_url).rstrip("/")
        self.auth_token = auth_token

    def absolute(self, url: str) -> str:
        return url if url.startswith("http") else self.public_url + url

    async def post(self, url: str, params: dict[str, str], *, signature: str | None = None) -> httpx.Response:
        """POSTs form ``params`` to ``url`` (absolute or a path), signed unless ``signature`` is given."""
        absolute = self.absolute(url)
        headers = {
            "X-Twilio-Signature": signature
            if signature is not None
            else sign(self.auth_token, absolute, params)
        }
        sent_to = self.server_url + absolute.removeprefix(self.public_url)
        return await self.client.post(sent_to, data=params, headers=headers)

    async def _step(self, transcript: Transcript, url: str, params: dict[str, str]) -> Step:
        response = await self.post(url, params)
        step = Step(
            url=self.absolute(url), params=dict(params), status_code=response.status_code, body=response.text
        )
        transcript.steps.append(step)
        return step

    async def call(
        self,
        *,
        to: str,
        from_: str,
        outcomes: Sequence[str] = ("answered",),
        duration: int = 90,
        caller_state: str | None = None,
        digits: Sequence[str] = (),
        voice_path: str = "/api/webhooks/voice",
        call_sid: str | None = None,
        send_status: bool = True,
    ) -> Transcript:
        """One whole call. ``outcomes`` apply to successive dials (the last one repeats); ``duration`` is
        the talk time of an answered dial."""
        transcript = Transcript(call_sid=call_sid or new_call_sid())
        base = {
            "CallSid": transcript.call_sid,
            "AccountSid": ACCOUNT_SID,
            "From": from_,
            "To": to,
            "Caller": from_,
            "Called": to,
            "CallStatus": "ringing",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
        }
        if caller_state:
            base.update(FromState=caller_state, CallerState=caller_state, FromCountry="US")
        pending_digits = list(digits)
        dials = 0
        talk_seconds = 0
        step = await self._step(transcript, voice_path, base)
        for _ in range(50):  # a bounded walk: a flow never needs this many steps
            if step.status_code != 200:
                break
            next_request = self._next(step.body, base, outcomes, dials, duration, pending_digits)
            if next_request is None:
                break
            url, params, dialed, talked = next_request
            dials += dialed
            talk_seconds += talked
            if url is None:
                break
            step = await self._step(transcript, url, params)
        if send_status:
            status = dict(base, CallStatus="completed", CallDuration=str(talk_seconds + 5))
            await self._step(transcript, "/api/webhooks/status", status)
        return transcript

    def _next(
        self,
        body: str,
        base: dict[str, str],
        outcomes: Sequence[str],
        dials: int,
        duration: int,
        digits: list[str],
    ) -> tuple[str | None, dict[str, str], int, int] | None:
        """Follows the TwiML verbs; returns the next request (url, params, dials made, seconds talked)."""
        root = ET.fromstring(body)  # noqa: S314 - our own server's response
        talked = 0
        dialed = 0
        for verb in root:
            if verb.tag == "Dial":
                outcome = outcomes[min(dials + dialed, len(outcomes) - 1)] if outcomes else "answered"
                dialed += 1
                answered = outcome == "answered"
                talked += duration if answered else 0
                action = verb.get("action")
                if action is None:
                    continue  # no action: Twilio goes on with the next verb after the dial
                params = dict(
                    base,
                    CallStatus="in-progress",
                    DialCallStatus=_DIAL_STATUS.get(outcome, "failed"),
                    DialCallSid=new_call_sid(),
                    DialCallDuration=str(duration if answered else 0),
                )
                if answered and verb.get("record"):
                    params["RecordingUrl"] = f"https://api.twilio.com/recordings/RE{uuid.uuid4().hex}"
                return action, params, dialed, talked
            if verb.tag == "Gather":
                # An empty entry in ``digits`` is a caller who stays silent at that prompt.
                pressed = digits.pop(0) if digits else ""
                if pressed:
                    return (
                        verb.get("action"),
                        dict(base, CallStatus="in-progress", Digits=pressed),
                        dialed,
                        talked,
                    )
                continue  # no input: Twilio goes on with the next verb (the timeout path)
            if verb.tag == "Redirect":
                return (verb.text or "").strip(), dict(base, CallStatus="in-progress"), dialed, talked
            if verb.tag == "Record":
                params = dict(
                    base,
                    CallStatus="in-progress",
                    RecordingUrl=f"https://api.twilio.com/recordings/RE{uuid.uuid4().hex}",
                    RecordingDuration="12",
                    Digits="hangup",
                )
                return verb.get("action"), params, dialed, talked
            if verb.tag == "Hangup":
                return None, {}, dialed, talked
        return None, {}, dialed, talked
