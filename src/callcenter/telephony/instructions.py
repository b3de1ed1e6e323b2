"""What to tell the caller's phone, independent of the telephony provider.

The call engine answers every webhook with a short sequence of these; the provider (Twilio here)
renders them into its own markup. Keeping the engine provider-neutral keeps Twilio swappable.
"""

from __future__ import annotations

from dataclasses import dataclass

VOICE = "Polly.Joanna"


@dataclass(frozen=True, slots=True)
class Say:
    text: str
    voice: str = VOICE
    loop: int = 1


@dataclass(frozen=True, slots=True)
class Play:
    url: str
    loop: int = 1


@dataclass(frozen=True, slots=True)
class Dial:
    """Ring one destination (E.164 number or ``sip:`` URI).

    ``action_url`` receives the dial result; without it the call simply continues with the next
    instruction when the dialed party hangs up or does not answer.
    """

    destination: str
    timeout_seconds: int
    action_url: str | None = None
    record: bool = False
    recording_callback_url: str | None = None
    caller_id: str | None = None


@dataclass(frozen=True, slots=True)
class Gather:
    """Collect digits; the result goes to ``action_url``. ``prompt`` is spoken while waiting."""

    action_url: str
    prompt: Say | Play | None = None
    num_digits: int | None = None
    timeout_seconds: int = 5
    finish_on_key: str = "#"


@dataclass(frozen=True, slots=True)
class Record:
    """Record a voicemail; the recording goes to ``action_url``."""

    action_url: str
    max_length_seconds: int = 120
    play_beep: bool = True
    recording_callback_url: str | None = None


@dataclass(frozen=True, slots=True)
class Redirect:
    url: str


@dataclass(frozen=True, slots=True)
class Hangup:
    pass


Instruction = Say | Play | Dial | Gather | Record | Redirect | Hangup
VoiceReply = tuple[Instruction, ...]

UNAVAILABLE_MESSAGE = (
    "We're sorry, we can't take your call right now. Please try again in a few minutes. Goodbye."
)
UNKNOWN_NUMBER_MESSAGE = "We're sorry, the number you dialed is not in service. Goodbye."


def say_and_hang_up(text: str) -> VoiceReply:
    return (Say(text), Hangup())
