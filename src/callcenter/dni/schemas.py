"""Bodies of ``/api/tracking-tags``, ``/api/dni/track`` and ``/api/pools/{id}/health``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from callcenter.models.dni import NumberFormat, TrackingTag
from callcenter.publishers.schemas import Name, Search, no_nul, reject_null

MAX_SELECTORS = 20
MAX_CUSTOM_PARAMS = 20
MAX_PARAMS = 50
MAX_PARAM_VALUE = 500
MAX_URL = 2000

Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=4, max_length=40, pattern=r"^[A-Za-z0-9_-]+$"),
    Field(description="Public code in the script tag; generated when left out", examples=["lp-spring"]),
]
Selector = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(no_nul)
]
ParamName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-\[\]]+$"),
]


def _unique(values: list[str]) -> list[str]:
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        raise ValueError(f"must be unique; repeated: {', '.join(repeated)}")
    return values


Selectors = Annotated[list[Selector], Field(max_length=MAX_SELECTORS), AfterValidator(_unique)]
CustomParams = Annotated[list[ParamName], Field(max_length=MAX_CUSTOM_PARAMS), AfterValidator(_unique)]


class TagCreate(BaseModel):
    """A tag shows a pool's numbers (``pool_id``) or one static number (``number_id``): exactly one."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    code: Code | None = None
    campaign_id: uuid.UUID | None = Field(
        default=None, description="Defaults to the campaign of the pool or number"
    )
    pool_id: uuid.UUID | None = None
    number_id: uuid.UUID | None = None
    publisher_id: uuid.UUID | None = Field(
        default=None, description="Publisher credited when the URL names none"
    )
    selectors: Selectors = Field(
        default_factory=list, description="CSS selectors of elements whose phone number is swapped"
    )
    number_format: NumberFormat = NumberFormat.PAGE
    publisher_param: ParamName | None = Field(
        default="publisher", description="Query parameter naming the publisher (its id or name)"
    )
    custom_params: CustomParams = Field(
        default_factory=list, description="Query parameters copied onto calls besides UTMs and click ids"
    )


class TagUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    code: Code | None = None
    campaign_id: uuid.UUID | None = None
    pool_id: uuid.UUID | None = None
    number_id: uuid.UUID | None = None
    publisher_id: uuid.UUID | None = None
    selectors: Selectors | None = None
    number_format: NumberFormat | None = None
    publisher_param: ParamName | None = None
    custom_params: CustomParams | None = None

    _required = field_validator("name", "code", "selectors", "number_format", "custom_params")(reject_null)


class TagRead(BaseModel):
    id: uuid.UUID
    name: str
    code: str
    campaign_id: uuid.UUID | None
    pool_id: uuid.UUID | None
    number_id: uuid.UUID | None
    publisher_id: uuid.UUID | None
    selectors: list[str]
    number_format: NumberFormat
    publisher_param: str | None
    custom_params: list[str]
    script: str = Field(description="The script tag to paste into the landing page")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, tag: TrackingTag, *, public_url: str) -> TagRead:
        script = f'<script async src="{public_url.rstrip("/")}/js/t.js" data-tag="{tag.code}"></script>'
        fields = {name: getattr(tag, name) for name in cls.model_fields if name != "script"}
        return cls(**fields, script=script)


class TagFilters(BaseModel):
    campaign_id: uuid.UUID | None = None
    pool_id: uuid.UUID | None = None
    q: Search | None = Field(default=None, description="Part of the name or code")


# ---- public tracking ---------------------------------------------------------------------------------


def _text(limit: int) -> Any:
    """Visitor-supplied text is cut to ``limit`` and stripped of NULs rather than refused: a landing page
    with a very long URL must still get its number."""

    def clean(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, str):
            return value.replace("\x00", "")[:limit]
        return value

    return BeforeValidator(clean)


def _params(value: Any) -> Any:
    """Keeps the first ``MAX_PARAMS`` query parameters with sensible names; values become text."""
    if not isinstance(value, dict):
        return value
    kept: dict[str, str] = {}
    for key, raw in value.items():
        if len(kept) == MAX_PARAMS:
            break
        if not isinstance(key, str) or not key or len(key) > 64 or "\x00" in key:
            continue
        if isinstance(raw, list):
            raw = raw[0] if raw else ""
        if raw is None:
            raw = ""
        if isinstance(raw, dict):
            continue
        kept[key] = str(raw).replace("\x00", "")[:MAX_PARAM_VALUE]
    return kept


VisitorId = Annotated[
    str,
    StringConstraints(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$"),
    Field(description="The visitor's id, kept by t.js in a first-party cookie and localStorage"),
]


class TrackRequest(BaseModel):
    """What t.js posts on every page view and lease renewal."""

    tag: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    visitor_id: VisitorId | None = Field(default=None, description="A new id is issued when left out")
    page_url: Annotated[str, _text(MAX_URL)] = ""
    referrer: Annotated[str, _text(MAX_URL)] = ""
    params: Annotated[dict[str, str], BeforeValidator(_params)] = Field(
        default_factory=dict, description="The page's query parameters"
    )


class TrackResponse(BaseModel):
    number_e164: str | None = Field(description="null: keep the page's own number")
    number_formatted: str | None
    number_format: NumberFormat
    selectors: list[str]
    session_id: uuid.UUID
    visitor_id: str
    expires_at: datetime
    renew_seconds: int = Field(description="Renew the lease this often while the page is visible; 0: never")


class PoolHealth(BaseModel):
    pool_id: uuid.UUID
    window_hours: int
    size: int = Field(description="Numbers in the pool")
    leased_now: int = Field(description="Numbers leased to a visitor right now")
    available_now: int
    sessions: int = Field(description="Visitor sessions in the window")
    exhausted_events: int = Field(
        description="Times the pool ran out; shortages less than one lease apart count once"
    )
    overflow_count: int = Field(description="Visitors who found no free number in the window")
    peak_leased: int = Field(description="Most numbers leased at once in the window")
    peak_demand: int = Field(description="Most visitors wanting a number at once, overflowed ones included")
    recommended_size: int
