"""Waiting for the search index writer while another process holds it, and what the node
reports about its index meanwhile.

Only one process may write a node's index. A node that starts while another process still
holds the writer (a bulk load, a reindex, a node shutting down slowly) keeps trying, with
growing pauses, and takes the writer over as soon as it is free.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from chuanyu.core import clock
from chuanyu.jobs.enums import IndexState

log = logging.getLogger(__name__)

FIRST_RETRY_S = 1.0
MAX_RETRY_S = 30.0


def retry_delays(first: float, most: float) -> Iterator[float]:
    """Pauses between attempts: doubling from `first`, never longer than `most`."""
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, most)


@dataclass(frozen=True)
class IndexHealth:
    """The state of a node's index writer: since when, and the last error if any."""

    state: IndexState
    since: datetime | None = None
    error: str | None = None


class LockWaiter:
    """Calls `acquire` after each pause until it returns True or the waiter is stopped."""

    def __init__(self, acquire: Callable[[], bool], *, first_s: float | None = None,
                 most_s: float | None = None) -> None:  # fmt: skip
        self._acquire = acquire
        self._first = FIRST_RETRY_S if first_s is None else first_s
        self._most = MAX_RETRY_S if most_s is None else most_s
        self.since = clock.now()
        self.attempts = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="jobs-index-lock", daemon=True)

    @property
    def waiting(self) -> bool:
        """True until the writer is taken or the waiter stopped."""
        return self._thread.is_alive()

    def start(self) -> None:
        """Start trying in a daemon thread."""
        self._thread.start()

    def stop(self) -> None:
        """Give up waiting (the node is closing)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        for delay in retry_delays(self._first, self._most):
            if self._stop.wait(delay):
                return
            self.attempts += 1
            try:
                if self._acquire():
                    log.info("search index writer taken after %d attempts", self.attempts)
                    return
            except Exception as exc:  # keep waiting: the next attempt may well succeed
                log.exception("taking the search index writer failed; retrying")
                self.last_error = str(exc) or type(exc).__name__
