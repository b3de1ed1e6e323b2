"""RedTrack postbacks: RAWCall when a call comes in, AnsweredCall when a buyer answers, ConvertedCall once
the call qualifies, each carrying the visitor's RedTrack click id.

Rules:
- The click id is the captured URL parameter named in the integration (``rtkclickid`` by default);
  without one nothing is sent, since RedTrack could not attribute the call.
- A call qualifies for ConvertedCall when it is converted (by the campaign's rule or a buyer's
  postback) or when it was connected at least the integration's ``conversion_seconds`` (30 by
  default). That is checked when the buyer answers, when the call converts and when it completes,
  because Twilio may report the end of the call before the dial result.
- One ConvertedCall per click id and integration, ever: a repeated callback, a second call of the same
  visitor or a conversion seen at two of those moments never sends a second one (the outbox's
  ``dedupe_key`` is unique).
- The postback is ``<url>?clickid=<id>&type=<type>``, plus ``&sum=<revenue>`` on ConvertedCall; ``url``
  is the integration's URL (e.g. ``https://track.example.com/postback``) with its own query kept.
"""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal
from enum import StrEnum
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from callcenter.calls.extensions import CallEventName
from callcenter.integrations.schemas import RedTrackSettings
from callcenter.integrations.tokens import money_text


class ConversionType(StrEnum):
    RAW = "RAWCall"
    ANSWERED = "AnsweredCall"
    CONVERTED = "ConvertedCall"


REDTRACK_EVENTS = frozenset(
    {CallEventName.INCOMING, CallEventName.ANSWERED, CallEventName.CONVERTED, CallEventName.COMPLETED}
)


def conversion_types(
    event: CallEventName, *, converted: bool, connected_seconds: int, settings: RedTrackSettings
) -> list[ConversionType]:
    qualifies = converted or connected_seconds >= settings.conversion_seconds
    types = {
        CallEventName.INCOMING: [ConversionType.RAW],
        CallEventName.ANSWERED: [ConversionType.ANSWERED],
    }.get(event, [])
    if qualifies and event in (CallEventName.ANSWERED, CallEventName.CONVERTED, CallEventName.COMPLETED):
        types.append(ConversionType.CONVERTED)
    return types


def postback_url(base: str, *, click_id: str, type: ConversionType, amount: Decimal | None) -> str:
    parts = urlsplit(base)
    params = [("clickid", click_id), ("type", str(type))]
    if type is ConversionType.CONVERTED:
        params.append(("sum", money_text(amount) or "0.00"))
    query = "&".join(filter(None, (parts.query, urlencode(params, quote_via=quote))))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def dedupe_key(integration_id: uuid.UUID, click_id: str, type: ConversionType) -> str | None:
    """ConvertedCall happens once per click id; the click id is hashed to keep the key short."""
    if type is not ConversionType.CONVERTED:
        return None
    digest = hashlib.sha256(click_id.encode()).hexdigest()
    return f"redtrack:{integration_id}:{digest}:{type}"
