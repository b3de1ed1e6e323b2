"""Building a bidder's ping: the bidder's configuration as the auction sees it, and its rendered request.

Rules:
- The request template, the endpoint URL and the header values may use these tokens: ``{requestId}``
  (the auction id, or the test ping's), ``{callerId}`` (E.164), ``{callerState}``, ``{callerZip}``,
  ``{campaignId}``, ``{minBid}`` (the campaign's floor for the bidder), ``{maxBid}`` (empty when none),
  ``{currency}``, ``{timestamp}`` (Unix seconds), ``{isoTimestamp}`` and ``{callStartTime}`` (ISO 8601,
  UTC). Any other token is refused when the bidder is saved.
- Values are encoded for where they land: URL-encoded in the URL and in form bodies, JSON-escaped in
  JSON bodies (the template supplies the quotes around strings), XML-escaped in XML bodies, raw in plain
  text bodies and headers.
- An empty template sends the default body of the content type (every token, JSON or form fields); GET
  sends no body (put tokens in the URL's query string instead).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from callcenter.kit.templating import (
    Encoder,
    has_tokens,
    json_encoder,
    raw_encoder,
    render_encoded,
    url_encoder,
)
from callcenter.routing import Caps

TOKENS = (
    "requestId",
    "callerId",
    "callerState",
    "callerZip",
    "campaignId",
    "minBid",
    "maxBid",
    "currency",
    "timestamp",
    "isoTimestamp",
    "callStartTime",
)

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
CONTENT_TYPES = (JSON, FORM, "application/xml", "text/xml", "text/plain")

DEFAULT_JSON_TEMPLATE = (
    '{"requestId": "{requestId}", "callerId": "{callerId}", "callerState": "{callerState}", '
    '"callerZip": "{callerZip}", "campaignId": "{campaignId}", "minBid": {minBid}, '
    '"currency": "{currency}", "timestamp": {timestamp}, "callStartTime": "{callStartTime}"}'
)
DEFAULT_FORM_TEMPLATE = "&".join(f"{token}={{{token}}}" for token in TOKENS)


def _xml_encoder(value: str) -> str:
    return escape(value, {'"': "&quot;", "'": "&apos;"})


def body_encoder(content_type: str) -> Encoder:
    if content_type == JSON:
        return json_encoder
    if content_type == FORM:
        return url_encoder
    if content_type.endswith("xml"):
        return _xml_encoder
    return raw_encoder


def default_template(content_type: str) -> str:
    return {JSON: DEFAULT_JSON_TEMPLATE, FORM: DEFAULT_FORM_TEMPLATE}.get(content_type, "")


@dataclass(frozen=True, slots=True, kw_only=True)
class BidderConfig:
    """A bidder as one auction pings it: its row's settings plus the campaign's floor (``min_bid`` is
    the higher of the bidder's own minimum and the campaign's floor for it)."""

    id: uuid.UUID
    name: str
    endpoint_url: str
    method: str
    content_type: str
    headers: dict[str, str]
    request_template: str
    timeout_ms: int
    bid_amount_path: str
    destination_path: str
    accepted_path: str | None
    currency_path: str | None
    duration_path: str | None
    bid_id_path: str | None
    expires_path: str | None
    min_bid: Decimal
    max_bid: Decimal | None
    currency: str
    caps: Caps = field(default_factory=Caps)

    @classmethod
    def of(cls, bidder: Any, *, floor: Decimal | None = None) -> BidderConfig:
        """From a ``Bidder`` row (or anything with its attributes) and the campaign's floor."""
        return cls(
            id=bidder.id,
            name=bidder.name,
            endpoint_url=bidder.endpoint_url,
            method=str(bidder.method),
            content_type=bidder.content_type,
            headers=dict(bidder.headers),
            request_template=bidder.request_template,
            timeout_ms=bidder.timeout_ms,
            bid_amount_path=bidder.bid_amount_path,
            destination_path=bidder.destination_path,
            accepted_path=bidder.accepted_path,
            currency_path=bidder.currency_path,
            duration_path=bidder.duration_path,
            bid_id_path=bidder.bid_id_path,
            expires_path=bidder.expires_path,
            min_bid=max(bidder.min_bid, floor) if floor is not None else bidder.min_bid,
            max_bid=bidder.max_bid,
            currency=bidder.currency,
            caps=Caps(
                concurrency=bidder.concurrency_cap,
                hourly=bidder.hourly_cap,
                daily=bidder.daily_cap,
                monthly=bidder.monthly_cap,
            ),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CallFacts:
    """What a ping tells bidders about the call."""

    request_id: uuid.UUID
    caller_id: str
    caller_state: str | None
    caller_zip: str | None
    campaign_id: uuid.UUID | None
    call_started_at: datetime


@dataclass(frozen=True, slots=True)
class BidRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: str | None

    def encoded_body(self) -> bytes | None:
        return None if self.body is None else self.body.encode()


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


@lru_cache(maxsize=256)
def _call_values(facts: CallFacts, now: datetime, encode: Encoder) -> dict[str, str]:
    # The same for every bidder of an auction (rendered together, at one ``now``): encoded once for each
    # place they land in.
    values = {
        "requestId": str(facts.request_id),
        "callerId": facts.caller_id,
        "callerState": facts.caller_state or "",
        "callerZip": facts.caller_zip or "",
        "campaignId": str(facts.campaign_id or ""),
        "timestamp": str(int(now.timestamp())),
        "isoTimestamp": now.astimezone(UTC).isoformat(timespec="milliseconds"),
        "callStartTime": facts.call_started_at.astimezone(UTC).isoformat(timespec="seconds"),
    }
    return {name: encode(value) for name, value in values.items()}


@lru_cache(maxsize=1024)
def _bidder_values(
    min_bid: Decimal, max_bid: Decimal | None, currency: str, encode: Encoder
) -> dict[str, str]:
    return {
        "minBid": encode(_money(min_bid)),
        "maxBid": encode(_money(max_bid)),
        "currency": encode(currency),
    }


def token_values(
    facts: CallFacts, bidder: BidderConfig, now: datetime, encode: Encoder = raw_encoder
) -> dict[str, str]:
    """Every token's value for ``bidder``'s ping about the call, encoded with ``encode``."""
    return {
        **_call_values(facts, now, encode),
        **_bidder_values(bidder.min_bid, bidder.max_bid, bidder.currency, encode),
    }


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a bidder's request settings make of every ping: each text, and whether it is a template to
    render (else it is final, its ``{{``/``}}`` already unescaped); the body's encoder; the Content-Type
    to add, if any."""

    method: str
    url: str
    url_rendered: bool
    headers: tuple[tuple[str, str, bool], ...]
    body: str | None
    body_rendered: bool
    body_encoder: Encoder
    content_type: str | None


@lru_cache(maxsize=1024)
def _shape(
    method: str, url: str, content_type: str, template: str, headers: tuple[tuple[str, str], ...]
) -> _Shape:
    # An auction renders every bidder's ping at once, and many calls' auctions run together: what depends
    # only on the bidder's settings is worked out once per distinct settings, not once per ping.
    method = method.upper()
    body = None if method == "GET" else template or default_template(content_type)
    has_content_type = any(name.lower() == "content-type" for name, _ in headers)

    def text(template: str) -> tuple[str, bool]:
        """The template and True when it has tokens to render, else the final text and False."""
        rendered = has_tokens(template)
        return (template if rendered else render_encoded(template, {})), rendered

    url_text, url_rendered = text(url)
    body_text, body_rendered = (None, False) if body is None else text(body)
    return _Shape(
        method=method,
        url=url_text,
        url_rendered=url_rendered,
        headers=tuple((name, *text(value)) for name, value in headers),
        body=body_text,
        body_rendered=body_rendered,
        body_encoder=body_encoder(content_type),
        content_type=None if body is None or has_content_type else content_type,
    )


def render_request(bidder: BidderConfig, facts: CallFacts, now: datetime) -> BidRequest:
    """The request a ping sends to ``bidder`` about the call described by ``facts``, at ``now``."""
    shape = _shape(
        bidder.method,
        bidder.endpoint_url,
        bidder.content_type,
        bidder.request_template,
        tuple(bidder.headers.items()),
    )
    url = shape.url
    if shape.url_rendered:
        url = render_encoded(url, token_values(facts, bidder, now, url_encoder))
    headers = {}
    for name, value, rendered in shape.headers:
        headers[name] = render_encoded(value, token_values(facts, bidder, now)) if rendered else value
    body = shape.body
    if body is not None:
        if shape.body_rendered:
            body = render_encoded(body, token_values(facts, bidder, now, shape.body_encoder))
        if shape.content_type is not None:
            headers["Content-Type"] = shape.content_type
    return BidRequest(shape.method, url, headers, body)
