"""The Twilio provider: TwiML rendering with ``VoiceResponse`` and webhook signature checks.

Signatures are computed by Twilio over the URL it called, which is our ``PUBLIC_URL`` plus the path and
query, not whatever host a proxy in front of us rewrote: validating against ``PUBLIC_URL`` keeps the
check correct behind load balancers.
"""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from callcenter.telephony.instructions import (
    Dial,
    Gather,
    Hangup,
    Play,
    Record,
    Redirect,
    Say,
    VoiceReply,
)

TWIML_MEDIA_TYPE = "application/xml"


def _dial(response: VoiceResponse, dial: Dial) -> None:
    attributes: dict[str, object] = {"timeout": dial.timeout_seconds, "answer_on_bridge": True}
    if dial.action_url:
        attributes.update(action=dial.action_url, method="POST")
    if dial.caller_id:
        attributes["caller_id"] = dial.caller_id
    if dial.record:
        attributes["record"] = "record-from-answer-dual"
        if dial.recording_callback_url:
            attributes.update(
                recording_status_callback=dial.recording_callback_url,
                recording_status_callback_method="POST",
            )
    verb = response.dial(**attributes)
    if dial.destination.startswith("sip:"):
        verb.sip(dial.destination)
    else:
        verb.number(dial.destination)


def render(reply: VoiceReply) -> str:
    """The TwiML document for ``reply``."""
    response = VoiceResponse()
    for instruction in reply:
        match instruction:
            case Say(text=text, voice=voice, loop=loop):
                response.say(text, voice=voice, loop=loop if loop != 1 else None)
            case Play(url=url, loop=loop):
                response.play(url, loop=loop if loop != 1 else None)
            case Dial():
                _dial(response, instruction)
            case Gather():
                gather = response.gather(
                    action=instruction.action_url,
                    method="POST",
                    input="dtmf",
                    timeout=instruction.timeout_seconds,
                    finish_on_key=instruction.finish_on_key,
                    num_digits=instruction.num_digits,
                )
                if isinstance(instruction.prompt, Say):
                    gather.say(instruction.prompt.text, voice=instruction.prompt.voice)
                elif isinstance(instruction.prompt, Play):
                    gather.play(instruction.prompt.url)
            case Record():
                response.record(
                    action=instruction.action_url,
                    method="POST",
                    max_length=instruction.max_length_seconds,
                    play_beep=instruction.play_beep,
                    recording_status_callback=instruction.recording_callback_url,
                )
            case Redirect(url=url):
                response.redirect(url, method="POST")
            case Hangup():
                response.hangup()
    return str(response.to_xml(xml_declaration=True))


def signature_is_valid(auth_token: str, url: str, params: Mapping[str, str], signature: str) -> bool:
    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))


def sign(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The ``X-Twilio-Signature`` Twilio would send; used by the simulator and the tests."""
    return str(RequestValidator(auth_token).compute_signature(url, dict(params)))
