"""Which integrations fire for a call event, and the exact request each one sends. Pure: no I/O.

Rules:
- A pixel or webhook fires on its one event, for calls of its campaign (or of every campaign when it
  has none), when every condition holds (converted or not, publisher, buyer, target, caller state,
  minimum connected seconds, duplicates excluded).
- Values go through the encoder of where they land: URL-encoded in the URL (and in form bodies),
  JSON-escaped in JSON bodies, on one line in headers.
- A webhook is a JSON POST. Without a body template it sends the Standard Webhooks payload shape
  ``{"type": "call.<event>", "timestamp": ..., "data": {<every token>: <value or null>}}``.
- RedTrack (see ``redtrack.py``) turns events into RAWCall, AnsweredCall and ConvertedCall postbacks.
"""

from __future__ import annotations

import functools
import json
import uuid
from dataclasses import dataclass
from typing import Any

from callcenter.calls.extensions import CallEventName
from callcenter.integrations.redtrack import (
    REDTRACK_EVENTS,
    conversion_types,
    dedupe_key,
    postback_url,
)
from callcenter.integrations.schemas import Conditions, RedTrackSettings
from callcenter.integrations.tokens import NAME_TOKENS
from callcenter.kit.templating import Encoder, json_encoder, raw_encoder, render, tokens_in, url_encoder
from callcenter.models.calls import Call
from callcenter.models.integrations import HttpMethod, Integration, IntegrationKind

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
Values = dict[str, str | None]


def header_encoder(value: str) -> str:
    """Header values stay on one line whatever a token holds (no header injection)."""
    return value.replace("\r", " ").replace("\n", " ").replace("\x00", "")


def body_encoder(content_type: str) -> Encoder:
    media = content_type.split(";", 1)[0].strip().lower()
    if media == JSON or media.endswith("+json"):
        return json_encoder
    if media == FORM:
        return url_encoder
    return raw_encoder


@dataclass(frozen=True, slots=True)
class PlannedRequest:
    """One request to write to the outbox. ``label`` names what it reports (the call event, or the
    RedTrack conversion type); ``dedupe_key`` makes it happen at most once."""

    label: str
    method: HttpMethod
    url: str
    headers: dict[str, str]
    body: str | None
    dedupe_key: str | None = None


@dataclass(frozen=True)
class Rule:
    """An active integration, as plain data."""

    id: uuid.UUID
    account_id: uuid.UUID
    kind: IntegrationKind
    event: str | None
    campaign_id: uuid.UUID | None
    method: HttpMethod
    url: str
    headers: tuple[tuple[str, str], ...]
    body: str | None
    content_type: str | None
    conditions: Conditions
    redtrack: RedTrackSettings | None
    timeout_ms: int

    @classmethod
    def of(cls, row: Integration) -> Rule:
        return cls(
            id=row.id,
            account_id=row.account_id,
            kind=row.kind,
            event=row.event,
            campaign_id=row.campaign_id,
            method=row.method,
            url=row.url,
            headers=tuple(sorted((row.headers or {}).items())),
            body=row.body,
            content_type=row.content_type,
            conditions=Conditions.model_validate(row.conditions or {}),
            redtrack=RedTrackSettings.model_validate(row.settings or {})
            if row.kind is IntegrationKind.REDTRACK
            else None,
            timeout_ms=row.timeout_ms,
        )

    @property
    def templates(self) -> tuple[str, ...]:
        return (self.url, *(value for _, value in self.headers), *((self.body,) if self.body else ()))

    @property
    def tokens(self) -> set[str]:
        return set().union(*(tokens_in(template) for template in self.templates))

    @functools.cached_property
    def needs_names(self) -> bool:
        """Whether a template uses a name token (campaign, target, buyer or publisher name)."""
        return bool(self.tokens & NAME_TOKENS)

    def listens_to(self, event: CallEventName) -> bool:
        if self.kind is IntegrationKind.REDTRACK:
            return event in REDTRACK_EVENTS
        return self.event == event

    def covers(self, campaign_id: uuid.UUID | None) -> bool:
        return self.campaign_id is None or self.campaign_id == campaign_id


def conditions_hold(conditions: Conditions, call: Call) -> bool:
    if conditions.converted is not None and bool(call.converted) != conditions.converted:
        return False
    if conditions.exclude_duplicates and call.duplicate:
        return False
    checks: tuple[tuple[list[Any], Any], ...] = (
        (conditions.publisher_ids, call.publisher_id),
        (conditions.buyer_ids, call.buyer_id),
        (conditions.target_ids, call.target_id),
        (conditions.caller_states, call.caller_state),
    )
    if any(allowed and value not in allowed for allowed, value in checks):
        return False
    minimum = conditions.min_connected_seconds
    return minimum is None or (call.connected_seconds or 0) >= minimum


def default_payload(event: str, values: Values) -> str:
    return json.dumps({"type": f"call.{event}", "timestamp": values.get("iso_timestamp"), "data": values})


def http_request(rule: Rule, values: Values, *, label: str) -> PlannedRequest:
    """The request of a pixel or webhook for these token values."""
    headers = {name: render(value, values, encode=header_encoder) for name, value in rule.headers}
    body: str | None = None
    if rule.kind is IntegrationKind.WEBHOOK:
        body = render(rule.body, values, encode=json_encoder) if rule.body else default_payload(label, values)
        headers["Content-Type"] = rule.content_type or JSON
    elif rule.method is HttpMethod.POST:
        content_type = rule.content_type or FORM
        body = render(rule.body or "", values, encode=body_encoder(content_type))
        headers["Content-Type"] = content_type
    return PlannedRequest(
        label=label,
        method=HttpMethod.POST if rule.kind is IntegrationKind.WEBHOOK else rule.method,
        url=render(rule.url, values, encode=url_encoder),
        headers=headers,
        body=body,
    )


def redtrack_requests(rule: Rule, call: Call, values: Values, event: CallEventName) -> list[PlannedRequest]:
    assert rule.redtrack is not None  # every RedTrack rule has its settings
    click_id = values.get(rule.redtrack.click_id_param)
    if not click_id:
        return []
    base = render(rule.url, values, encode=url_encoder)
    headers = {name: render(value, values, encode=header_encoder) for name, value in rule.headers}
    types = conversion_types(
        event,
        converted=bool(call.converted),
        connected_seconds=call.connected_seconds or 0,
        settings=rule.redtrack,
    )
    return [
        PlannedRequest(
            label=str(type),
            method=rule.method,
            url=postback_url(base, click_id=click_id, type=type, amount=call.revenue),
            headers=headers,
            body=None,
            dedupe_key=dedupe_key(rule.id, click_id, type),
        )
        for type in types
    ]


def plan(
    rule: Rule,
    call: Call,
    values: Values,
    event: CallEventName,
    *,
    check_conditions: bool = True,
) -> list[PlannedRequest]:
    """The requests ``rule`` sends for ``event`` of ``call`` (none when a condition fails)."""
    if check_conditions and not conditions_hold(rule.conditions, call):
        return []
    if rule.kind is IntegrationKind.REDTRACK:
        return redtrack_requests(rule, call, values, event)
    return [http_request(rule, values, label=str(event))]
