"""Bodies of ``/api/rtb/*`` and ``/api/campaigns/{id}/bidders``.

Create and update bodies forbid unknown fields. Updates are applied with ``exclude_unset``: a field left
out keeps its value; ``null`` clears the nullable ones (optional paths, ``max_bid``, caps) and is refused
on the others. Rules that need two fields at once (a JSON template with the content type, ``max_bid`` with
``min_bid``) and the endpoint's address are checked by the service on the merged values.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from callcenter.auth.context import AuthContext
from callcenter.auth.credentials import headers_for
from callcenter.kit.fields import E164, Cap, Money, UsState
from callcenter.kit.templating import unknown_tokens
from callcenter.models.buyers import PartyStatus
from callcenter.models.rtb import Bid, BidderMethod, BidRejection
from callcenter.rtb.auction import PingResult
from callcenter.rtb.repository import AnalyticsRow, BidderAssignment
from callcenter.rtb.requests import CONTENT_TYPES, TOKENS, BidRequest
from callcenter.rtb.responses import parse_path

MAX_TIMEOUT_MS = 10_000
MIN_TIMEOUT_MS = 50
MAX_HEADERS = 30
# Set by the HTTP layer from the request itself; a bidder's configuration may not override them.
RESERVED_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection", "upgrade"})
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    return value


def _known_tokens(value: str) -> str:
    unknown = unknown_tokens(value, TOKENS)
    if unknown:
        known = ", ".join(f"{{{t}}}" for t in TOKENS)
        raise ValueError(f"unknown token(s) {', '.join(f'{{{t}}}' for t in unknown)}; known: {known}")
    return value


def _path(value: str) -> str:
    parse_path(value)
    return value.strip()


def _headers(value: dict[str, str]) -> dict[str, str]:
    if len(value) > MAX_HEADERS:
        raise ValueError(f"at most {MAX_HEADERS} headers")
    for name, header in value.items():
        if not _HEADER_NAME.match(name):
            raise ValueError(f"not a valid header name: {name!r}")
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(f"the {name} header is set by the platform")
        if any(c in header for c in "\r\n\x00") or len(header) > 2000:
            raise ValueError(f"the value of {name} must be one line of at most 2000 characters")
        _known_tokens(header)
    return value


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _money_scale(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"))


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_no_nul)
]
EndpointUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(_no_nul),
    AfterValidator(_known_tokens),
    Field(examples=["https://bids.example.com/ping?caller={callerId}"]),
]
Method = Annotated[BidderMethod, BeforeValidator(_lower)]


def _content_type(value: str) -> str:
    if value not in CONTENT_TYPES:
        raise ValueError(f"one of: {', '.join(CONTENT_TYPES)}")
    return value


ContentType = Annotated[str, BeforeValidator(_lower), AfterValidator(_content_type)]
Headers = Annotated[dict[str, str], AfterValidator(_headers), Field(examples=[{"Authorization": "Bearer x"}])]
Template = Annotated[
    str,
    Field(max_length=20_000, description="Request body with {tokens}; empty sends the default body"),
    AfterValidator(_no_nul),
    AfterValidator(_known_tokens),
]
TimeoutMs = Annotated[int, Field(ge=MIN_TIMEOUT_MS, le=MAX_TIMEOUT_MS, description="Per-bidder timeout")]
Path = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(_path),
    Field(examples=["data.bid.amount"]),
]
Currency = Annotated[str, BeforeValidator(_upper), StringConstraints(pattern=r"^[A-Z]{3}$")]
StoredMoney = Annotated[Decimal, AfterValidator(_money_scale)]
BidderStatus = Literal[PartyStatus.ACTIVE, PartyStatus.PAUSED]

# Fields of BidderUpdate that a bidder always has: leaving one out keeps it, null is refused.
REQUIRED_ON_UPDATE = (
    "name",
    "status",
    "endpoint_url",
    "method",
    "content_type",
    "headers",
    "request_template",
    "timeout_ms",
    "bid_amount_path",
    "destination_path",
    "min_bid",
    "currency",
)


class BidderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    status: BidderStatus = PartyStatus.ACTIVE
    endpoint_url: EndpointUrl
    method: Method = BidderMethod.POST
    content_type: ContentType = "application/json"
    headers: Headers = Field(default_factory=dict)
    request_template: Template = ""
    timeout_ms: TimeoutMs = 2000
    bid_amount_path: Path = "bidAmount"
    destination_path: Path = "destination"
    accepted_path: Path | None = None
    currency_path: Path | None = None
    duration_path: Path | None = None
    bid_id_path: Path | None = None
    expires_path: Path | None = None
    min_bid: Money = Decimal(0)
    max_bid: Money | None = None
    currency: Currency = "USD"
    concurrency_cap: Cap = None
    hourly_cap: Cap = None
    daily_cap: Cap = None
    monthly_cap: Cap = None


class BidderUpdate(BaseModel):
    """Only the fields sent are changed; ``status`` may also be ``archived`` (the same as DELETE)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    status: PartyStatus | None = None
    endpoint_url: EndpointUrl | None = None
    method: Method | None = None
    content_type: ContentType | None = None
    headers: Headers | None = None
    request_template: Template | None = None
    timeout_ms: TimeoutMs | None = None
    bid_amount_path: Path | None = None
    destination_path: Path | None = None
    accepted_path: Path | None = None
    currency_path: Path | None = None
    duration_path: Path | None = None
    bid_id_path: Path | None = None
    expires_path: Path | None = None
    min_bid: Money | None = None
    max_bid: Money | None = None
    currency: Currency | None = None
    concurrency_cap: Cap = None
    hourly_cap: Cap = None
    daily_cap: Cap = None
    monthly_cap: Cap = None

    @field_validator(*REQUIRED_ON_UPDATE)
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value


class BidderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    status: PartyStatus
    endpoint_url: str
    method: BidderMethod
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
    min_bid: StoredMoney
    max_bid: StoredMoney | None
    currency: str
    concurrency_cap: int | None
    hourly_cap: int | None
    daily_cap: int | None
    monthly_cap: int | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def shown_to(cls, bidder: Any, auth: AuthContext) -> BidderRead:
        """Header values are credentials: masked for who may not change the bidder (auth/credentials)."""
        read = cls.model_validate(bidder)
        return read.model_copy(update={"headers": headers_for(auth, read.headers)})


class BidderFilters(BaseModel):
    status: PartyStatus | None = Field(default=None, description="Archived bidders show only here")
    q: str | None = Field(default=None, max_length=200, pattern=r"^[^\x00]*$", description="Name contains")


class CampaignBidderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bidder_id: uuid.UUID
    min_bid: Money | None = Field(default=None, description="The campaign's floor; null: the bidder's own")


class CampaignBidderUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_bid: Money | None = None


class CampaignBidderRead(BaseModel):
    """An assignment with the bidder's own fields and the floor auctions use."""

    id: uuid.UUID
    campaign_id: uuid.UUID
    bidder_id: uuid.UUID
    min_bid: StoredMoney | None = Field(description="The campaign's floor, null when none")
    effective_min_bid: StoredMoney = Field(description="The higher of the bidder's minimum and the floor")
    name: str
    status: PartyStatus
    endpoint_url: str
    created_at: datetime

    @classmethod
    def of(cls, assignment: BidderAssignment) -> CampaignBidderRead:
        link, bidder = assignment
        return cls(
            id=link.id,
            campaign_id=link.campaign_id,
            bidder_id=bidder.id,
            min_bid=link.min_bid,
            effective_min_bid=assignment.effective_min_bid,
            name=bidder.name,
            status=bidder.status,
            endpoint_url=bidder.endpoint_url,
            created_at=link.created_at,
        )


class BidRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    auction_id: uuid.UUID
    bidder_id: uuid.UUID
    bidder_name: str
    at: datetime
    pinged: bool
    cached: bool
    accepted: bool
    valid: bool
    won: bool
    reason: BidRejection | None
    detail: str | None
    amount: StoredMoney | None
    currency: str | None
    destination: str | None
    external_bid_id: str | None
    duration_seconds: int | None
    expires_at: datetime | None
    http_status: int | None
    latency_ms: float | None
    raw_body: str | None
    parsed: dict[str, Any]

    @classmethod
    def of(cls, bid: Bid, bidder_name: str) -> BidRead:
        fields = {name: getattr(bid, name) for name in cls.model_fields if name != "bidder_name"}
        return cls(**fields, bidder_name=bidder_name)


class AuctionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    call_id: uuid.UUID
    campaign_id: uuid.UUID | None
    started_at: datetime
    duration_ms: float
    deadline_ms: int
    bidders: int
    valid_bids: int
    winning_bid_id: uuid.UUID | None
    winning_bidder_id: uuid.UUID | None
    winning_amount: StoredMoney | None


class AuctionDetail(AuctionRead):
    bids: list[BidRead]


class AuctionFilters(BaseModel):
    call_id: uuid.UUID | None = None
    campaign_id: uuid.UUID | None = None
    bidder_id: uuid.UUID | None = Field(default=None, description="Auctions the bidder took part in")
    started_from: datetime | None = None
    started_to: datetime | None = None


class AnalyticsFilters(BaseModel):
    campaign_id: uuid.UUID | None = None
    started_from: datetime | None = Field(default=None, description="Default: 7 days ago")
    started_to: datetime | None = Field(default=None, description="Default: now")


class BidderAnalytics(BaseModel):
    """One bidder's auctions in a period.

    ``pings``: requests sent; ``bids``: answers carrying an accepted bid (valid or not); ``wins``: bids
    that won their auction; ``win_rate`` = wins / bids. Latencies are over pings; ``timeouts`` and
    ``errors`` (http_error, invalid_body) count pings; ``average_bid`` is over accepted bids.
    """

    id: uuid.UUID = Field(description="The bidder's id")
    name: str
    pings: int
    bids: int
    valid_bids: int
    wins: int
    win_rate: float | None
    average_latency_ms: float | None
    p95_latency_ms: float | None
    timeouts: int
    errors: int
    average_bid: StoredMoney | None

    @classmethod
    def of(cls, row: AnalyticsRow) -> BidderAnalytics:
        return cls(
            id=row.bidder_id,
            name=row.name,
            pings=row.pings,
            bids=row.bids,
            valid_bids=row.valid_bids,
            wins=row.wins,
            win_rate=round(row.wins / row.bids, 4) if row.bids else None,
            average_latency_ms=None if row.average_latency_ms is None else round(row.average_latency_ms, 3),
            p95_latency_ms=row.p95_latency_ms,
            timeouts=row.timeouts,
            errors=row.errors,
            average_bid=row.average_bid,
        )


class TestPingCreate(BaseModel):
    """The call a test ping pretends to be; ``campaign_id`` applies that campaign's floor."""

    model_config = ConfigDict(extra="forbid")

    caller_id: E164 = "+12125550123"
    caller_state: UsState | None = "CA"
    caller_zip: Annotated[str, StringConstraints(max_length=16, pattern=r"^[0-9A-Za-z -]*$")] | None = "90210"
    campaign_id: uuid.UUID | None = None


class PingRequestRead(BaseModel):
    method: str
    url: str
    headers: dict[str, str]
    body: str | None


class PingResponseRead(BaseModel):
    status: int | None
    body: str | None
    latency_ms: float | None


class PingVerdictRead(BaseModel):
    valid: bool
    reason: BidRejection | None
    detail: str | None
    accepted: bool
    amount: StoredMoney | None
    currency: str | None
    destination: str | None
    external_bid_id: str | None
    duration_seconds: int | None
    expires_at: datetime | None
    parsed: dict[str, Any]


class TestPingRead(BaseModel):
    """What was sent, what came back (raw, truncated) and how the platform read it."""

    request: PingRequestRead
    response: PingResponseRead
    result: PingVerdictRead

    @classmethod
    def of(cls, request: BidRequest, result: PingResult) -> TestPingRead:
        verdict = result.verdict
        return cls(
            request=PingRequestRead(
                method=request.method, url=request.url, headers=request.headers, body=request.body
            ),
            response=PingResponseRead(
                status=result.http_status, body=result.raw_body, latency_ms=result.latency_ms
            ),
            result=PingVerdictRead(
                valid=verdict.valid,
                reason=verdict.reason,
                detail=verdict.detail,
                accepted=verdict.accepted,
                amount=verdict.amount,
                currency=verdict.currency,
                destination=verdict.destination,
                external_bid_id=verdict.external_bid_id,
                duration_seconds=verdict.duration_seconds,
                expires_at=verdict.expires_at,
                parsed=verdict.parsed,
            ),
        )
