"""Reading bidder answers: field paths, and the verdict with its reason for each kind of answer."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from callcenter.rtb.requests import BidderConfig
from callcenter.rtb.responses import judge, lookup, parse_path

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def bidder(**fields: Any) -> BidderConfig:
    defaults: dict[str, Any] = {
        "id": uuid.uuid4(),
        "name": "Bidder",
        "endpoint_url": "https://bids.example.com",
        "method": "post",
        "content_type": "application/json",
        "headers": {},
        "request_template": "",
        "timeout_ms": 2000,
        "bid_amount_path": "bidAmount",
        "destination_path": "destination",
        "accepted_path": None,
        "currency_path": None,
        "duration_path": None,
        "bid_id_path": None,
        "expires_path": None,
        "min_bid": Decimal("5"),
        "max_bid": Decimal("100"),
        "currency": "USD",
    }
    return BidderConfig(**{**defaults, **fields})


def verdict(body: Any, *, status: int = 200, **fields: Any):  # type: ignore[no-untyped-def]
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return judge(bidder(**fields), status=status, body=raw, now=NOW)


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("bidAmount", ("bidAmount",)),
        ("data.bid.amount", ("data", "bid", "amount")),
        ("bids[0].amount", ("bids", 0, "amount")),
        ("$.data.bids[1]", ("data", "bids", 1)),
        ("$data", ("data",)),
        ("bids.0.amount", ("bids", "0", "amount")),
    ],
)
def test_paths_are_dotted_with_optional_indexes_and_jsonpath_root(
    path: str, parts: tuple[object, ...]
) -> None:
    assert parse_path(path) == parts


@pytest.mark.parametrize("path", ["", "$", "a..b", "a[x]", "a.", "[0"])
def test_malformed_paths_are_refused(path: str) -> None:
    with pytest.raises(ValueError):
        parse_path(path)


def test_lookup_walks_objects_and_lists() -> None:
    document = {"data": {"bids": [{"amount": 1}, {"amount": 2}]}}
    assert lookup(document, "data.bids[1].amount") == 2
    assert lookup(document, "data.bids.0.amount") == 1
    missing = lookup(document, "data.nothing")
    assert missing is lookup(document, "$.data.bids[5].amount") is lookup(document, "data.bids.x")
    assert missing is not None


def test_a_valid_bid_is_parsed_with_every_field() -> None:
    result = verdict(
        {"bid": {"amount": "12.3456", "to": "(415) 555-0188", "cur": "usd", "secs": 90, "id": 77, "ttl": 30}},
        bid_amount_path="bid.amount",
        destination_path="bid.to",
        currency_path="bid.cur",
        duration_path="bid.secs",
        bid_id_path="bid.id",
        expires_path="bid.ttl",
    )
    assert result.valid
    assert (result.amount, result.destination, result.currency) == (Decimal("12.3456"), "+14155550188", "USD")
    assert (result.duration_seconds, result.external_bid_id) == (90, "77")
    assert result.expires_at == NOW + timedelta(seconds=30)
    assert result.parsed["amount"] == "12.3456"


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (204, b"", "not_accepted"),
        (500, {"error": "x"}, "http_error"),
        (302, b"", "http_error"),
        (200, b"<html>nope</html>", "invalid_body"),
        (200, b'{"bidAmount": 3', "invalid_body"),
        (200, b"", "invalid_body"),
        (200, b'"just a string"', "invalid_body"),
        (200, {"bidAmount": "lots", "destination": "+14155550100"}, "invalid_body"),
        (200, {"bidAmount": -1, "destination": "+14155550100"}, "invalid_body"),
        (200, {"bidAmount": True, "destination": "+14155550100"}, "invalid_body"),
        (200, {"destination": "+14155550100"}, "not_accepted"),
        (200, {"bidAmount": 0, "destination": "+14155550100"}, "not_accepted"),
        (200, {"bidAmount": None}, "not_accepted"),
        (200, {"bidAmount": 4.99, "destination": "+14155550100"}, "below_min"),
        (200, {"bidAmount": 100.01, "destination": "+14155550100"}, "above_max"),
        (200, {"bidAmount": 10}, "no_destination"),
        (200, {"bidAmount": 10, "destination": ""}, "no_destination"),
        (200, {"bidAmount": 10, "destination": "call me"}, "invalid_destination"),
        (200, {"bidAmount": 10, "destination": "sip:buyer@pbx.example.com"}, None),
    ],
)
def test_each_kind_of_answer_gets_its_reason(status: int, body: Any, reason: str | None) -> None:
    assert verdict(body, status=status).reason == reason


@pytest.mark.parametrize("accepted", [False, 0, "false", "no", None])
def test_a_false_accepted_field_is_not_accepted(accepted: Any) -> None:
    result = verdict({"ok": accepted, "bidAmount": 50, "destination": "+14155550100"}, accepted_path="ok")
    assert result.reason == "not_accepted"


@pytest.mark.parametrize("accepted", [True, 1, "true", "YES"])
def test_a_true_accepted_field_is_accepted(accepted: Any) -> None:
    result = verdict({"ok": accepted, "bidAmount": 50, "destination": "+14155550100"}, accepted_path="ok")
    assert result.valid


def test_missing_accepted_field_is_not_accepted_when_the_path_is_set() -> None:
    result = verdict({"bidAmount": 50, "destination": "+14155550100"}, accepted_path="ok")
    assert result.reason == "not_accepted"


def test_bid_in_another_currency_is_refused() -> None:
    result = verdict({"bidAmount": 50, "destination": "+14155550100", "c": "EUR"}, currency_path="c")
    assert (result.reason, result.accepted) == ("currency_mismatch", True)


@pytest.mark.parametrize(
    ("expires", "expected"),
    [
        (45, NOW + timedelta(seconds=45)),
        ("45", NOW + timedelta(seconds=45)),
        (int((NOW + timedelta(minutes=5)).timestamp()), NOW + timedelta(minutes=5)),
        (int((NOW + timedelta(minutes=5)).timestamp() * 1000), NOW + timedelta(minutes=5)),
        ("2026-11-21T15:10:00Z", NOW + timedelta(minutes=10)),
        ("2026-11-21T10:10:00-05:00", NOW + timedelta(minutes=10)),
    ],
)
def test_expiry_reads_seconds_epochs_and_iso_times(expires: Any, expected: datetime) -> None:
    result = verdict({"bidAmount": 50, "destination": "+14155550100", "e": expires}, expires_path="e")
    assert result.valid and result.expires_at == expected


def test_bid_already_expired_is_refused() -> None:
    result = verdict(
        {"bidAmount": 50, "destination": "+14155550100", "e": "2026-11-21T14:59:59Z"}, expires_path="e"
    )
    assert result.reason == "expired"


@pytest.mark.parametrize("field", ["e", "d"])
def test_unreadable_expiry_or_duration_is_an_invalid_body(field: str) -> None:
    result = verdict(
        {"bidAmount": 50, "destination": "+14155550100", field: "soon"}, expires_path="e", duration_path="d"
    )
    assert result.reason == "invalid_body"
