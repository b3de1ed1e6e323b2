"""The ``{tokens}`` a pixel, webhook or postback template may use, and their values for one call.

Rules:
- Built-in tokens describe the call, its campaign, target, buyer and publisher, the visitor (UTMs and
  click ids) and the event. A campaign's custom URL parameters add tokens of their own name; their
  names may not shadow a built-in token.
- Every value is text: money with at least two decimals (``25.00``, ``12.3456``), booleans ``true`` /
  ``false``, times ISO 8601 in UTC. A value the call does not have is empty (never the text "None").
- Click ids other than ``gclid`` and custom parameters come from what DNI captured on the call
  (``call.attribution``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from callcenter.models.calls import Call


@dataclass(frozen=True, slots=True)
class TokenSpec:
    name: str
    group: str
    description: str
    example: str


def _specs(group: str, *rows: tuple[str, str, str]) -> tuple[TokenSpec, ...]:
    return tuple(TokenSpec(name, group, description, example) for name, description, example in rows)


CLICK_IDS = ("fbclid", "msclkid", "ttclid", "rtkclickid", "wbraid", "gbraid", "clickid")

BUILTIN_TOKENS: tuple[TokenSpec, ...] = (
    *_specs(
        "event",
        ("event", "The call event: incoming, routed, answered, converted, completed, failed", "converted"),
        ("timestamp", "When the event happened, Unix seconds", "1763726400"),
        ("iso_timestamp", "When the event happened, ISO 8601 UTC", "2025-11-21T12:00:00Z"),
    ),
    *_specs(
        "call",
        ("call_id", "The call's id", "0b6c3f7e-5d0c-4c0e-9a43-6b1d7b3f2a11"),
        ("call_sid", "Twilio's CallSid", "CA0123456789abcdef0123456789abcdef"),
        ("caller", "The caller's number, E.164", "+12125550123"),
        ("caller_digits", "The caller's number, digits only", "12125550123"),
        ("called", "The tracking number dialled, E.164", "+14155550100"),
        ("caller_state", "The caller's US state", "NY"),
        ("caller_zip", "The caller's ZIP code", "10001"),
        ("caller_city", "The caller's city", "New York"),
        ("status", "The call's status", "completed"),
        ("duration_seconds", "Length of the call, seconds", "95"),
        ("connected_seconds", "Time connected to the buyer, seconds", "90"),
        ("revenue", "Revenue of the call", "25.00"),
        ("payout", "Publisher payout of the call", "8.00"),
        ("converted", "Whether the call converted: true or false", "true"),
        ("duplicate", "Whether the call was a repeat caller: true or false", "false"),
        ("recording_url", "The recording's URL", "https://api.twilio.com/recordings/RE0123"),
        ("started_at", "When the call arrived, ISO 8601 UTC", "2025-11-21T11:58:25Z"),
        ("answered_at", "When the buyer answered, ISO 8601 UTC", "2025-11-21T11:58:40Z"),
        ("ended_at", "When the call ended, ISO 8601 UTC", "2025-11-21T12:00:00Z"),
    ),
    *_specs(
        "routing",
        ("campaign_id", "The campaign's id", "5b0f5a52-1f2c-4f64-9d5b-44b2c0b0c001"),
        ("campaign_name", "The campaign's name", "Medicare"),
        ("target_id", "The connected (or last tried) target's id", "5b0f5a52-1f2c-4f64-9d5b-44b2c0b0c002"),
        ("target_name", "The target's name", "Call center A"),
        ("buyer_id", "The buyer's id", "5b0f5a52-1f2c-4f64-9d5b-44b2c0b0c003"),
        ("buyer_name", "The buyer's name", "Acme Insurance"),
        ("publisher_id", "The publisher's id", "5b0f5a52-1f2c-4f64-9d5b-44b2c0b0c004"),
        ("publisher_name", "The publisher's name", "Top Affiliates"),
        ("number_id", "The tracking number's id", "5b0f5a52-1f2c-4f64-9d5b-44b2c0b0c005"),
        ("pool_id", "The number pool's id", "5b0f5a52-1f2c-4f64-9d5b-44b2c0b0c006"),
    ),
    *_specs(
        "visitor",
        ("visitor_session_id", "The website visit (DNI session)", "5b0f5a52-1f2c-4f64-9d5b-44b2c0b0c007"),
        ("utm_source", "utm_source of the visit", "google"),
        ("utm_medium", "utm_medium of the visit", "cpc"),
        ("utm_campaign", "utm_campaign of the visit", "spring sale"),
        ("utm_term", "utm_term of the visit", "medicare plans"),
        ("utm_content", "utm_content of the visit", "ad 1"),
        ("gclid", "Google Ads click id", "EAIaIQobChMI"),
        ("fbclid", "Meta click id", "IwAR2x"),
        ("msclkid", "Microsoft Ads click id", "7d5f0c1e"),
        ("ttclid", "TikTok click id", "E.C.P.v3"),
        ("rtkclickid", "RedTrack click id", "65f1c0ffee0123456789abcd"),
        ("wbraid", "Google Ads web-to-app click id", "CjkKCQ"),
        ("gbraid", "Google Ads app click id", "0AAAAA"),
        ("clickid", "A generic click id parameter", "abc123"),
    ),
)
BUILTIN_NAMES = frozenset(spec.name for spec in BUILTIN_TOKENS)

# Tokens whose value needs a row other than the call (one query, only when a template uses one).
NAME_TOKENS = frozenset({"campaign_name", "target_name", "buyer_name", "publisher_name"})


@dataclass(frozen=True, slots=True)
class CallNames:
    campaign_name: str | None = None
    target_name: str | None = None
    buyer_name: str | None = None
    publisher_name: str | None = None


def money_text(amount: Decimal | None) -> str | None:
    """``Decimal("25.0000")`` -> ``"25.00"``, ``Decimal("12.3456")`` -> ``"12.3456"``."""
    if amount is None:
        return None
    cents = amount.quantize(Decimal("0.01"))
    return str(cents) if cents == amount else format(amount.normalize(), "f")


def time_text(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _id(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool):
        return _bool(value)
    if isinstance(value, str | int | float | Decimal):
        return str(value)
    return None


def call_values(
    call: Call,
    *,
    event: str,
    now: datetime,
    names: CallNames = CallNames(),
) -> dict[str, str | None]:
    """Every token's value for ``call`` at ``event`` (custom parameters included, by their own name)."""
    values: dict[str, str | None] = {}
    for key, value in (call.attribution or {}).items():
        text = _scalar(value)
        if text is not None:
            values[key] = text
    values.update(
        event=event,
        timestamp=str(int(now.timestamp())),
        iso_timestamp=time_text(now),
        call_id=_id(call.id),
        call_sid=call.call_sid,
        caller=call.caller,
        caller_digits="".join(c for c in call.caller if c.isdigit()),
        called=call.called,
        caller_state=call.caller_state,
        caller_zip=call.caller_zip,
        caller_city=call.caller_city,
        status=str(call.status) if call.status is not None else None,
        duration_seconds=str(call.duration_seconds or 0),
        connected_seconds=str(call.connected_seconds or 0),
        revenue=money_text(call.revenue),
        payout=money_text(call.payout),
        converted=_bool(bool(call.converted)),
        duplicate=_bool(bool(call.duplicate)),
        recording_url=call.recording_url,
        started_at=time_text(call.started_at),
        answered_at=time_text(call.answered_at),
        ended_at=time_text(call.ended_at),
        campaign_id=_id(call.campaign_id),
        campaign_name=names.campaign_name,
        target_id=_id(call.target_id),
        target_name=names.target_name,
        buyer_id=_id(call.buyer_id),
        buyer_name=names.buyer_name,
        publisher_id=_id(call.publisher_id),
        publisher_name=names.publisher_name,
        number_id=_id(call.number_id),
        pool_id=_id(call.pool_id),
        visitor_session_id=_id(call.visitor_session_id),
        utm_source=call.utm_source,
        utm_medium=call.utm_medium,
        utm_campaign=call.utm_campaign,
        utm_term=call.utm_term,
        utm_content=call.utm_content,
        gclid=call.gclid,
    )
    for click_id in CLICK_IDS:
        values[click_id] = _scalar((call.attribution or {}).get(click_id))
    return values


def sample_values(event: str, custom: Iterable[str] = ()) -> dict[str, str | None]:
    """Example values of every token (the token list's examples), for previews and checks on save."""
    values: dict[str, str | None] = {spec.name: spec.example for spec in BUILTIN_TOKENS}
    values["event"] = event
    for name in custom:
        values.setdefault(name, f"sample-{name}")
    return values
