"""Assembles the call engine with the capabilities that plug into it (see calls/extensions.py).

One line per capability: each one's module supplies its implementation of the extension interface.
"""

from __future__ import annotations

from callcenter.calls.inbound import Engine
from callcenter.calls.resilience import FallbackCache
from callcenter.dni.attribution import VisitorAttribution
from callcenter.flows.runner import FlowEngine
from callcenter.integrations.events import IntegrationEvents, OutboxPixels
from callcenter.kit.http import HttpClient
from callcenter.live import LiveState
from callcenter.rtb.bidding import RtbBids
from callcenter.settings import Settings


def build_call_engine(
    settings: Settings, live: LiveState, fallback_cache: FallbackCache, *, pings: HttpClient
) -> Engine:
    return Engine(
        live=live,
        public_url=settings.public_url,
        fallback_cache=fallback_cache,
        attribution=VisitorAttribution(),
        flows=FlowEngine(settings.public_url),
        bids=RtbBids(pings),
        events=IntegrationEvents(),
        pixels=OutboxPixels(),
    )
