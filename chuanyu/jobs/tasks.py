"""Background work of the jobs domain, started with the node's server: the search indexer
(the index's one writer, fed from the queue) and a periodic expiry sweep."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from chuanyu.core.db import write_scope
from chuanyu.jobs import indexing
from chuanyu.jobs.service import postings
from chuanyu.node import Node

log = logging.getLogger(__name__)

SWEEP_EVERY_S = 600.0
FIRST_SWEEP_S = 5.0


class ExpirySweep:
    """Expires this region's postings past their end date, shortly after start and then
    every `every_s` seconds; the peer learns of each expiry through the stream."""

    def __init__(self, node: Node, *, every_s: float = SWEEP_EVERY_S,
                 first_s: float = FIRST_SWEEP_S) -> None:  # fmt: skip
        self.node = node
        self.every_s = every_s
        self.first_s = first_s
        self.swept = 0
        self.rounds = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="jobs-expiry", daemon=True)

    def start(self) -> None:
        """Run in a daemon thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self._stop.set()
        self._thread.join(timeout=10)

    def sweep(self) -> int:
        """One sweep; returns how many postings expired."""
        with write_scope(self.node) as session:
            n = postings.expire_due(session=session, member=self.node.member,
                                    end_batch=session.commit)
        self.swept += n
        self.rounds += 1
        return n

    def _run(self) -> None:
        wait = self.first_s
        while not self._stop.wait(wait):
            wait = self.every_s
            try:
                if n := self.sweep():
                    log.info("expired %d postings past their end date", n)
            except Exception:  # the sweep must outlive a failed round; the next one retries
                log.exception("posting expiry sweep failed; retrying at the next round")


def start(node: Node) -> Callable[[], None] | None:
    """Start the indexer (bringing the index up to date in the background, or waiting for
    the writer another process holds) and the sweep."""
    indexing.indexer_for(node, start=True, background=True)
    sweep = ExpirySweep(node)
    sweep.start()
    node.extras["jobs.sweep"] = sweep

    def stop() -> None:
        sweep.stop()
        indexing.stop_indexing(node)

    return stop
