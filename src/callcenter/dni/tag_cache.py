"""A per-process cache of tracking tags by code, with their pool or static number.

Every ``/api/dni/track`` request starts by finding its tag; tags change rarely, and the request is on
the landing page's critical path. Rules, as for the call engine's route cache (calls/route_cache.py):

- An entry lives ``ttl_s`` seconds (2 by default): a change made through another server process reaches
  this one within that time.
- Any change to a tag committed by this process, and any configuration change the route cache sees
  (pools, numbers), empties the cache at once.
- Only configuration is cached; leases and sessions are always read from the database.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from callcenter.calls import route_cache
from callcenter.dni.repository import TagTarget
from callcenter.models.dni import TrackingTag

_generation = 0


@event.listens_for(Session, "after_flush")
def _tags_flushed(session: Session, _: Any) -> None:
    if any(isinstance(obj, TrackingTag) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info["tracking_tags_changed"] = True


@event.listens_for(Session, "after_commit")
def _tags_committed(session: Session) -> None:
    global _generation
    if session.info.pop("tracking_tags_changed", False):
        _generation += 1


@event.listens_for(Session, "after_soft_rollback")
def _tags_rolled_back(session: Session, _: Any) -> None:
    session.info.pop("tracking_tags_changed", None)


def generation() -> tuple[int, int]:
    """Read it before loading what is to be cached (see ``TagCache.put``)."""
    return _generation, route_cache.generation()


class TagCache:
    def __init__(self, ttl_s: float = 2.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[str, tuple[float, tuple[int, int], TagTarget]] = {}

    def get(self, code: str) -> TagTarget | None:
        entry = self._entries.get(code)
        if entry is None:
            return None
        loaded_at, loaded_in, target = entry
        if loaded_in != generation() or self._clock() - loaded_at > self.ttl_s:
            del self._entries[code]
            return None
        return target

    def put(self, code: str, target: TagTarget, *, loaded_in: tuple[int, int]) -> None:
        """Caches ``target``, loaded while the generation was ``loaded_in`` (so a change committed during
        the load is not hidden behind a fresh-looking entry)."""
        if self.ttl_s > 0 and loaded_in == generation():
            self._entries[code] = (self._clock(), loaded_in, target)
