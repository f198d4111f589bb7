"""Process-wide settings of a Chuanyu process (the command line and the node server)."""

from __future__ import annotations

import gc

# Allocations between collections of the youngest generation, then how many of those
# between collections of the next two (Python's defaults: 700, 10, 10).
GC_THRESHOLDS = (20_000, 50, 100)
_tuned = False


def tune_garbage_collector() -> None:
    """Collect cycles less often than Python's defaults (once per process).

    A node allocates many short-lived objects per request and per imported row, almost none
    of them in cycles; with the defaults the cyclic collector ran often enough to cost bulk
    loads a sixth of their time. What is alive at start-up (modules, reference tables) is
    collected once and then kept out of the collector's sight.
    """
    global _tuned
    if _tuned:
        return
    _tuned = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
