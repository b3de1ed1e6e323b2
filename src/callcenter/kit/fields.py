"""Validated field types shared by every schema: phone numbers, money, caps, time zones, US states.

Each raises a plain ``ValueError`` with a message a campaign manager understands; the error handler turns
it into a 422 naming the field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers
from pydantic import AfterValidator, Field

DEFAULT_REGION = "US"

US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
    "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP".split()
)


def normalize_e164(value: str) -> str:
    """``(415) 555-0100`` -> ``+14155550100``. National numbers are read as US numbers."""
    try:
        parsed = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {value!r}") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(f"not a valid phone number: {value!r}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalize_destination(value: str) -> str:
    """A target's destination: an E.164 number or a ``sip:user@host`` URI."""
    value = value.strip()
    if value.lower().startswith("sip:"):
        user_host = value[4:]
        user, at, host = user_host.partition("@")
        if not at or not user or not host or any(c.isspace() for c in user_host):
            raise ValueError("a SIP destination looks like sip:user@host")
        return "sip:" + user_host
    return normalize_e164(value)


def check_timezone(value: str) -> str:
    if value not in _TIMEZONES:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone: {value!r} (use an IANA name such as America/New_York)"
            ) from exc
    return value


def check_state(value: str) -> str:
    code = value.strip().upper()
    if code not in US_STATES:
        raise ValueError(f"unknown US state code: {value!r}")
    return code


_TIMEZONES = frozenset(available_timezones())

E164 = Annotated[str, AfterValidator(normalize_e164), Field(examples=["+14155550100"])]
Destination = Annotated[str, AfterValidator(normalize_destination), Field(examples=["+14155550100"])]
Timezone = Annotated[str, AfterValidator(check_timezone), Field(examples=["America/New_York"])]
UsState = Annotated[str, AfterValidator(check_state)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4, examples=["12.50"])]
MAX_CAP = 1_000_000
Cap = Annotated[int | None, Field(default=None, ge=0, le=MAX_CAP, description="null = unlimited")]


def unique_states(states: list[str]) -> list[str]:
    """Allowed-state lists are kept sorted and without repeats; empty means every state."""
    return sorted(set(states))
