"""Bodies of the integrations routes: integrations, their deliveries, tokens, campaign URL parameters and
conversion postback tokens.

Request bodies forbid unknown fields (a typo is a 422 naming it). Rules that need the database (a
campaign of the account, tokens known to the campaign) are the service's.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from callcenter.calls.extensions import CallEventName
from callcenter.campaigns.schemas import StoredMoney
from callcenter.kit.fields import E164, Money, UsState, unique_states
from callcenter.kit.pagination import MAX_LIMIT
from callcenter.models.integrations import DeliveryStatus, HttpMethod, IntegrationKind, PostbackOutcome
from callcenter.publishers.schemas import Name, no_nul, reject_null

MAX_HEADERS = 30
TimeoutMs = Annotated[int, Field(ge=100, le=30_000, description="Per-request timeout")]
UrlTemplate = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(no_nul),
    Field(examples=["https://tracker.example/pixel?cid={call_id}&rev={revenue}"]),
]
BodyTemplate = Annotated[str, Field(max_length=20_000), AfterValidator(no_nul)]
ContentType = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=100, pattern=r"^[\w.+-]+/[\w.+-]+$"),
]
_HEADER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
# Set by the platform itself: a template may not replace them.
RESERVED_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "webhook-id", "webhook-timestamp",
     "webhook-signature"}
)  # fmt: skip


def _check_headers(headers: dict[str, str]) -> dict[str, str]:
    if len(headers) > MAX_HEADERS:
        raise ValueError(f"at most {MAX_HEADERS} headers")
    for name, value in headers.items():
        if not _HEADER_NAME.match(name):
            raise ValueError(f"not a valid header name: {name!r}")
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(f"the header {name} is set by the platform")
        if len(value) > 2000 or any(c in value for c in "\r\n\x00"):
            raise ValueError(f"the value of {name} must be one line of at most 2000 characters")
    return headers


Headers = Annotated[dict[str, str], AfterValidator(_check_headers)]
IdList = Annotated[list[uuid.UUID], Field(max_length=200)]
StateList = Annotated[list[UsState], AfterValidator(unique_states)]


class Conditions(BaseModel):
    """When an integration fires, besides its event: every condition set must hold (empty = any)."""

    model_config = ConfigDict(extra="forbid")

    converted: bool | None = Field(default=None, description="true: only converted calls; false: only others")
    publisher_ids: IdList = Field(default_factory=list)
    buyer_ids: IdList = Field(default_factory=list)
    target_ids: IdList = Field(default_factory=list)
    caller_states: StateList = Field(default_factory=list)
    min_connected_seconds: int | None = Field(default=None, ge=0, le=86_400)
    exclude_duplicates: bool = False


class RedTrackSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversion_seconds: int = Field(
        default=30, ge=0, le=7200, description="Connected seconds that make a ConvertedCall"
    )
    click_id_param: str = Field(
        default="rtkclickid",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$",
        description="The captured URL parameter holding RedTrack's click id",
    )


class IntegrationCreate(BaseModel):
    """A pixel, webhook or RedTrack postback.

    - ``event`` is required for pixels and webhooks; a RedTrack integration fires RAWCall on incoming,
      AnsweredCall on answered and ConvertedCall once the call qualifies, and takes no ``event``.
    - ``method`` defaults to GET for pixels and RedTrack, POST for webhooks (which are always POST).
    - ``url``, header values and ``body`` are ``{token}`` templates (see ``/api/integration-tokens``).
    """

    model_config = ConfigDict(extra="forbid")

    name: Name
    kind: IntegrationKind = IntegrationKind.PIXEL
    event: CallEventName | None = None
    campaign_id: uuid.UUID | None = Field(default=None, description="null: every campaign of the account")
    method: HttpMethod | None = None
    url: UrlTemplate
    headers: Headers = Field(default_factory=dict)
    body: BodyTemplate | None = None
    content_type: ContentType | None = None
    conditions: Conditions = Field(default_factory=Conditions)
    redtrack: RedTrackSettings | None = None
    timeout_ms: TimeoutMs = 5000
    active: bool = True


class IntegrationUpdate(BaseModel):
    """Only the fields sent change (the kind cannot). ``null`` clears ``campaign_id`` (account-wide),
    ``body`` and ``content_type``."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    event: CallEventName | None = None
    campaign_id: uuid.UUID | None = None
    method: HttpMethod | None = None
    url: UrlTemplate | None = None
    headers: Headers | None = None
    body: BodyTemplate | None = None
    content_type: ContentType | None = None
    conditions: Conditions | None = None
    redtrack: RedTrackSettings | None = None
    timeout_ms: TimeoutMs | None = None
    active: bool | None = None

    _required = field_validator(
        "name", "event", "method", "url", "headers", "conditions", "redtrack", "timeout_ms", "active"
    )(reject_null)


class IntegrationRead(BaseModel):
    id: uuid.UUID
    name: str
    kind: IntegrationKind
    event: CallEventName | None
    campaign_id: uuid.UUID | None
    method: HttpMethod
    url: str
    headers: dict[str, str]
    body: str | None
    content_type: str | None
    conditions: Conditions
    redtrack: RedTrackSettings | None
    timeout_ms: int
    active: bool
    secret: str | None = Field(
        description="Webhooks: the Standard Webhooks signing secret (whsec_...); ******** for users who "
        "cannot change integrations, who also see header values masked"
    )
    created_at: datetime
    updated_at: datetime


class IntegrationFilters(BaseModel):
    campaign_id: uuid.UUID | None = None
    kind: IntegrationKind | None = None
    event: CallEventName | None = None
    active: bool | None = None


class TokenRead(BaseModel):
    name: str
    group: str
    description: str
    example: str


class TokenList(BaseModel):
    items: list[TokenRead]
    total: int


class SendTestRequest(BaseModel):
    """Sends the integration's request now, rendered for ``call_id`` (one of the account's calls) or for
    sample values; nothing is written to the outbox."""

    model_config = ConfigDict(extra="forbid")

    call_id: uuid.UUID | None = None
    event: CallEventName | None = Field(default=None, description="Defaults to the integration's event")


class RenderedRequest(BaseModel):
    method: str
    url: str
    headers: dict[str, str]
    body: str | None


class SentResponse(BaseModel):
    status_code: int
    body: str
    latency_ms: float


class SendTestResult(BaseModel):
    request: RenderedRequest | None = Field(description="null when the call does not qualify")
    response: SentResponse | None
    error: str | None
    success: bool


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    integration_id: uuid.UUID | None = Field(description="null for a call flow's pixel node")
    call_id: uuid.UUID | None
    event: str
    kind: IntegrationKind
    method: HttpMethod
    url: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempt: int
    started_at: datetime
    latency_ms: float
    success: bool
    status_code: int | None
    error: str | None
    response_body: str | None


class DeliveryDetail(DeliveryRead):
    headers: dict[str, str]
    body: str | None
    attempt_log: list[AttemptRead]


class DeliveryFilters(BaseModel):
    integration_id: uuid.UUID | None = None
    call_id: uuid.UUID | None = None
    status: DeliveryStatus | None = None


class ReplayResult(BaseModel):
    replayed: int


ParameterName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"),
    Field(examples=["keyword"], description="The query parameter's name, as in ?keyword=..."),
]
Label = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(no_nul)]


class UrlParameterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ParameterName
    label: Label = ""


class UrlParameterUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Label


class UrlParameterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    campaign_id: uuid.UUID
    name: str
    label: str
    created_at: datetime


class PostbackTokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    campaign_id: uuid.UUID | None = Field(default=None, description="null: calls of every campaign")
    active: bool = True


class PostbackTokenUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    campaign_id: uuid.UUID | None = None
    active: bool | None = None

    _required = field_validator("name", "active")(reject_null)


class PostbackTokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    campaign_id: uuid.UUID | None
    active: bool
    token: str
    url: str = Field(description="Give this URL to the buyer; GET or POST")
    created_at: datetime
    updated_at: datetime


class PostbackLogRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    received_at: datetime
    method: str
    params: dict[str, Any]
    outcome: PostbackOutcome
    call_id: uuid.UUID | None
    amount: Decimal | None
    message: str


class PostbackParams(BaseModel):
    """What a conversion postback says: which call (``call_id``: our id or Twilio's CallSid; or the
    ``caller`` and how many minutes back to look) and, optionally, the conversion's ``amount``."""

    call_id: str | None = Field(default=None, max_length=64)
    caller: str | None = Field(default=None, max_length=32)
    within_minutes: int = Field(default=24 * 60, ge=1, le=30 * 24 * 60)
    amount: Money | None = None


class PostbackReply(BaseModel):
    outcome: PostbackOutcome
    call_id: uuid.UUID | None
    revenue: StoredMoney | None
    message: str


# ---- telephony numbers (provider inventory) --------------------------------------------------------


class NumberSearch(BaseModel):
    """Query of ``GET /api/telephony/available-numbers``."""

    country: str = Field(default="US", pattern=r"^[A-Z]{2}$", description="ISO country code")
    toll_free: bool = False
    area_code: int | None = Field(default=None, ge=200, le=999)
    contains: str | None = Field(
        default=None, pattern=r"^[0-9A-Za-z*]{2,16}$", description="Digits or letters the number contains"
    )
    region: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$", description="State or province code")
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)


class ProviderNumberRead(BaseModel):
    """A number at the telephony provider: one for sale, or one of the provider account's. ``id`` is the
    tracking number's id when the number is one of yours; ``sid`` the provider's id when it is owned."""

    id: uuid.UUID | None
    sid: str | None
    phone_number: str
    friendly_name: str
    region: str | None = None
    locality: str | None = None
    postal_code: str | None = None
    iso_country: str | None = None
    capabilities: dict[str, bool] = Field(default_factory=dict)
    voice_url: str | None = None


class ProviderNumberList(BaseModel):
    items: list[ProviderNumberRead]
    total: int


class NumberPurchase(BaseModel):
    """Buys ``phone_number`` (from a search) and adds it as a tracking number, wired to this platform."""

    model_config = ConfigDict(extra="forbid")

    phone_number: E164
    friendly_name: Annotated[str, Field(max_length=200), AfterValidator(no_nul)] = ""
    campaign_id: uuid.UUID | None = None
    pool_id: uuid.UUID | None = None
    publisher_id: uuid.UUID | None = None


class NumberImport(BaseModel):
    """Adds numbers the provider account already has (by ``sids``, or ``all`` of the unclaimed ones) as
    unassigned tracking numbers, pointing their webhooks here unless ``configure`` is false."""

    model_config = ConfigDict(extra="forbid")

    sids: Annotated[list[Annotated[str, Field(pattern=r"^PN[0-9a-fA-F]{32}$")]], Field(max_length=500)] = (
        Field(default_factory=list)
    )
    all: bool = False
    configure: bool = True
