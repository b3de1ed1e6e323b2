"""Process-level tuning applied when the server starts (not in tests, which never run the lifespan)."""

from __future__ import annotations

import gc

# A voice webhook allocates a few thousand short-lived objects; with CPython's default first-generation
# threshold (700) the collector runs several times per call and its full passes show up as latency
# spikes. Objects alive after start-up (modules, the app, caches) are frozen out of every collection.
GC_THRESHOLDS = (20_000, 20, 20)


def tune_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
