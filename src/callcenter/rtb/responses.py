"""Reading a bidder's answer: response field paths, parsing, and the verdict on the bid.

Paths name a field of the JSON response: ``bidAmount``, ``data.bid.amount``, ``bids[0].amount`` or
``bids.0.amount``; a leading ``$`` or ``$.`` (JSONPath style) is allowed.

Checks, in this order; the first failing one is the bid's rejection reason:

1. HTTP status: 204 is "no bid" (``not_accepted``); any other status outside 2xx is ``http_error``.
2. The body must be JSON (``invalid_body`` otherwise: HTML, malformed, empty).
3. ``accepted_path``, when set: a missing or false value (false, 0, "false", "no") is ``not_accepted``.
4. The amount: missing, null or zero is ``not_accepted`` (bidders answer "no bid" that way); not a
   non-negative number is ``invalid_body``.
5. ``currency_path``, when set and present, must name the bidder's currency (``currency_mismatch``).
6. The amount must be at least the floor (``below_min``) and at most ``max_bid`` (``above_max``).
7. The destination must be there (``no_destination``) and be an E.164 number (national US numbers
   are read as such) or a ``sip:`` URI (``invalid_destination``).
8. ``expires_path``, when set: seconds from now (a number up to 10^9), Unix seconds or milliseconds, or
   an ISO 8601 time; already past is ``expired``; unreadable is ``invalid_body``.
9. ``duration_path``, when set: the seconds of talk time the bidder pays for (0-86400), else
   ``invalid_body``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from callcenter.kit.fields import normalize_destination
from callcenter.models.rtb import BidRejection
from callcenter.rtb.requests import BidderConfig

RAW_BODY_CHARS = 2000
MAX_AMOUNT = Decimal(1_000_000)
MAX_DURATION_SECONDS = 86_400
_RELATIVE_EXPIRY_LIMIT = 10**9
_EPOCH_MS_FROM = 10**12
_TRUE = frozenset({"true", "yes", "1", "accepted", "y"})
_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_MISSING = object()


@lru_cache(maxsize=1024)
def parse_path(path: str) -> tuple[str | int, ...]:
    """``data.bids[0].amount`` -> ``("data", "bids", 0, "amount")``; ValueError when malformed."""
    text = path.strip()
    if text.startswith("$"):
        text = text[1:].lstrip(".")
    parts: list[str | int] = []
    position = 0
    while position < len(text):
        if parts and text[position] == "." and not text.startswith(".[", position):
            position += 1
        match = _SEGMENT.match(text, position) if position < len(text) else None
        if match is None:
            raise ValueError(f"not a field path: {path!r} (use a.b.c, a[0].b or $.a.b)")
        name, index = match.groups()
        parts.append(int(index) if index is not None else name)
        position = match.end()
    if not parts:
        raise ValueError("a field path cannot be empty")
    return tuple(parts)


def lookup(document: Any, path: str) -> Any:
    """The value at ``path`` in a parsed JSON document; ``_MISSING`` when there is none."""
    node = document
    for part in parse_path(path):
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part, _MISSING)
        elif isinstance(node, list) and (isinstance(part, int) or part.isdigit()):
            index = int(part)
            node = node[index] if index < len(node) else _MISSING
        else:
            return _MISSING
        if node is _MISSING:
            return _MISSING
    return node


@dataclass(frozen=True, slots=True)
class BidVerdict:
    """What a bidder answered and whether it is a valid bid (``reason`` None) or why not."""

    reason: BidRejection | None
    detail: str | None = None
    accepted: bool = False
    amount: Decimal | None = None
    currency: str | None = None
    destination: str | None = None
    external_bid_id: str | None = None
    duration_seconds: int | None = None
    expires_at: datetime | None = None
    parsed: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.reason is None


def rejected(reason: BidRejection, detail: str, **found: Any) -> BidVerdict:
    return BidVerdict(reason=reason, detail=detail[:500], **found)


class _Invalid(Exception):
    pass


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return value is True or (_is_number(value) and value != 0)


def _amount(value: Any) -> Decimal | None:
    """None for "no bid" (missing, null, zero); _Invalid for anything that is not a usable amount."""
    if value is _MISSING or value is None:
        return None
    if not (_is_number(value) or isinstance(value, str)):
        raise _Invalid(f"the bid amount is not a number: {value!r}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise _Invalid(f"the bid amount is not a number: {value!r}") from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise _Invalid(f"the bid amount is out of range: {value!r}")
    amount = amount.quantize(Decimal("0.0001"))
    return amount if amount > 0 else None


def _expiry(value: Any, now: datetime) -> datetime:
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            value = float(text)
        except ValueError:
            try:
                moment = datetime.fromisoformat(text)
            except ValueError as exc:
                raise _Invalid(f"the expiry is not a time: {text!r}") from exc
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if not _is_number(value) or not math.isfinite(value) or value < 0:
        raise _Invalid(f"the expiry is not a time: {value!r}")
    if value >= _EPOCH_MS_FROM:
        return datetime.fromtimestamp(value / 1000, UTC)
    if value >= _RELATIVE_EXPIRY_LIMIT:
        return datetime.fromtimestamp(value, UTC)
    return now + timedelta(seconds=value)


def _duration(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not _is_number(value) or not 0 <= value <= MAX_DURATION_SECONDS or int(value) != value:
        raise _Invalid(f"the duration is not a number of seconds: {value!r}")
    return int(value)


def _text(value: Any, limit: int) -> str | None:
    if value is _MISSING or value is None or isinstance(value, dict | list):
        return None
    return str(value).strip()[:limit] or None


def _optional(document: Any, path: str | None) -> Any:
    return _MISSING if not path else lookup(document, path)


def judge(bidder: BidderConfig, *, status: int, body: bytes, now: datetime) -> BidVerdict:
    """The verdict on one HTTP answer of ``bidder`` (see the module docstring for the checks)."""
    if status == 204:
        return rejected(BidRejection.NOT_ACCEPTED, "HTTP 204: no bid")
    if not 200 <= status < 300:
        return rejected(BidRejection.HTTP_ERROR, f"HTTP {status}")
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return rejected(BidRejection.INVALID_BODY, "the response is not JSON")
    if not isinstance(document, dict | list):
        return rejected(BidRejection.INVALID_BODY, "the response is not a JSON object")
    try:
        return _judge_document(bidder, document, now)
    except _Invalid as exc:
        return rejected(BidRejection.INVALID_BODY, str(exc))


def _judge_document(bidder: BidderConfig, document: Any, now: datetime) -> BidVerdict:
    accepted_value = _optional(document, bidder.accepted_path)
    raw_amount = lookup(document, bidder.bid_amount_path)
    raw_destination = lookup(document, bidder.destination_path)
    raw_currency = _optional(document, bidder.currency_path)
    raw_expiry = _optional(document, bidder.expires_path)
    raw_duration = _optional(document, bidder.duration_path)
    parsed = {
        name: value
        for name, value in (
            ("accepted", accepted_value),
            ("amount", raw_amount),
            ("destination", raw_destination),
            ("currency", raw_currency),
            ("expires", raw_expiry),
            ("duration", raw_duration),
            ("bid_id", _optional(document, bidder.bid_id_path)),
        )
        if value is not _MISSING
    }
    found: dict[str, Any] = {
        "parsed": parsed,
        "external_bid_id": _text(parsed.get("bid_id", _MISSING), 200),
        "destination": _text(raw_destination, 255),
    }
    if bidder.accepted_path and not _truthy(accepted_value):
        return rejected(BidRejection.NOT_ACCEPTED, f"{bidder.accepted_path} is {accepted_value!r}", **found)
    amount = _amount(raw_amount)
    if amount is None:
        return rejected(BidRejection.NOT_ACCEPTED, f"no bid amount at {bidder.bid_amount_path}", **found)
    found.update(accepted=True, amount=amount)
    currency = _text(raw_currency, 3)
    found["currency"] = (currency or bidder.currency).upper()
    if currency is not None and currency.upper() != bidder.currency.upper():
        return rejected(
            BidRejection.CURRENCY_MISMATCH, f"bid in {currency}, expected {bidder.currency}", **found
        )
    if amount < bidder.min_bid:
        return rejected(BidRejection.BELOW_MIN, f"{amount} is below the floor {bidder.min_bid}", **found)
    if bidder.max_bid is not None and amount > bidder.max_bid:
        return rejected(BidRejection.ABOVE_MAX, f"{amount} is above the maximum {bidder.max_bid}", **found)
    if found["destination"] is None:
        return rejected(BidRejection.NO_DESTINATION, f"no destination at {bidder.destination_path}", **found)
    try:
        found["destination"] = _destination(found["destination"])
    except ValueError as exc:
        return rejected(BidRejection.INVALID_DESTINATION, str(exc), **found)
    if raw_expiry is not _MISSING and raw_expiry is not None:
        expires_at = found["expires_at"] = _expiry(raw_expiry, now)
        if expires_at <= now:
            return rejected(BidRejection.EXPIRED, f"expired at {expires_at.isoformat()}", **found)
    if raw_duration is not _MISSING and raw_duration is not None:
        found["duration_seconds"] = _duration(raw_duration)
    return BidVerdict(reason=None, **found)


@lru_cache(maxsize=4096)
def _destination(value: str) -> str:
    # Buyers answer with the same few numbers all day, and parsing one costs more than the rest of a
    # bid's checks together (phonenumbers): a valid one is remembered (a refused one raises, never cached).
    return normalize_destination(value)


def truncated_body(body: bytes) -> str:
    return body[: RAW_BODY_CHARS * 4].decode("utf-8", errors="replace")[:RAW_BODY_CHARS]
