"""A per-process cache of what a tracking number routes to: the number, its pool, its campaign and the
campaign's assigned targets and buyers.

Reading that configuration is most of a voice webhook's database time, and it changes rarely.

Rules:
- An entry lives ``ttl_s`` seconds (2 by default): a change made through another server process reaches
  this one within that time. Live counters (caps, concurrency) are never cached: they come from the live
  state on every call, so caps hold exactly.
- Any configuration change committed by this process (ORM flushes and bulk UPDATE/DELETE statements on
  the configuration tables) empties every cache of the process at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from callcenter.calls.snapshot import RoutingConfig
from callcenter.models.buyers import Buyer, CampaignTarget, Target
from callcenter.models.campaigns import Campaign
from callcenter.models.integrations import Integration
from callcenter.models.numbers import NumberPool, PhoneNumber
from callcenter.models.publishers import Publisher, PublisherPayout

CONFIG_MODELS: tuple[type[Any], ...] = (
    Campaign,
    Buyer,
    Target,
    CampaignTarget,
    PhoneNumber,
    NumberPool,
    Publisher,
    PublisherPayout,
    Integration,  # not routing, but cached the same way (integrations/events.py)
)
_CONFIG_TABLES = frozenset(model.__tablename__ for model in CONFIG_MODELS)
_generation = 0


def _bump() -> None:
    global _generation
    _generation += 1


@event.listens_for(Session, "after_flush")
def _config_flushed(session: Session, _: Any) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, CONFIG_MODELS) for obj in changed):
        session.info["config_changed"] = True


@event.listens_for(Session, "do_orm_execute")
def _config_bulk_write(state: ORMExecuteState) -> None:
    table = getattr(state.statement, "table", None) if state.is_update or state.is_delete else None
    if table is not None and table.name in _CONFIG_TABLES:
        state.session.info["config_changed"] = True


@event.listens_for(Session, "after_commit")
def _config_committed(session: Session) -> None:
    if session.info.pop("config_changed", False):
        _bump()


@event.listens_for(Session, "after_soft_rollback")
def _config_rolled_back(session: Session, _: Any) -> None:
    session.info.pop("config_changed", None)


@dataclass(frozen=True, slots=True)
class NumberRoute:
    number: PhoneNumber
    pool: NumberPool | None
    campaign: Campaign | None
    config: RoutingConfig | None


def generation() -> int:
    """The process's configuration generation; read it before loading what is to be cached."""
    return _generation


class RouteCache:
    def __init__(self, ttl_s: float = 2.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[str, tuple[float, int, NumberRoute]] = {}

    def get(self, number: str) -> NumberRoute | None:
        entry = self._entries.get(number)
        if entry is None:
            return None
        loaded_at, generation, route = entry
        if generation != _generation or self._clock() - loaded_at > self.ttl_s:
            del self._entries[number]
            return None
        return route

    def put(self, number: str, route: NumberRoute, *, loaded_in: int) -> None:
        """Caches ``route``, loaded while the generation was ``loaded_in`` (so a change committed during
        the load is not hidden behind a fresh-looking entry)."""
        if self.ttl_s > 0 and loaded_in == _generation:
            self._entries[number] = (self._clock(), loaded_in, route)
