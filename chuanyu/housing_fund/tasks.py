"""Background work of the housing fund: the certificate fetcher.

Once the depositor's consent arrives, the application's certificate is fetched here rather than
in a page request, so no page waits on the other region; while the depositing centre cannot be
reached each application is retried with backoff under its one idempotency key.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from chuanyu.core import clock
from chuanyu.core.db import read_scope, units_of
from chuanyu.exchange.client import PeerUnavailable
from chuanyu.housing_fund.errors import WrongState
from chuanyu.housing_fund.service import lending, waiting
from chuanyu.node import Node

log = logging.getLogger(__name__)


class CertificateFetcher:
    """Fetches due certificates every `every_s` seconds (or at once when woken)."""

    def __init__(self, node: Node, *, every_s: float | None = None) -> None:
        self.node = node
        self.every_s = every_s if every_s is not None else max(0.2, node.settings.relay_poll_s)
        self.fetched = 0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fund-fetcher", daemon=True)

    def start(self) -> None:
        """Run in a daemon thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)

    def wake(self) -> None:
        """Look for due fetches now."""
        self._wake.set()

    def round(self) -> int:
        """Fetch every due certificate once; returns how many fetches were made."""
        with read_scope(self.node) as session:
            due = waiting.due_fetches(session=session, node=self.node, now=clock.now())
        units = units_of(self.node)
        for number in due:
            if self._stop.is_set():
                break
            try:
                lending.fetch_certificate(
                    units=units, node=self.node, application_no=number, attempts=1
                )
                self.fetched += 1
            except PeerUnavailable as exc:
                log.info("certificate for %s not fetched yet, retrying later: %s", number,
                         exc.detail)
            except WrongState:
                pass  # decided meanwhile (another fetch, a renewal)
        return len(due)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.round()
            except Exception:  # the fetcher must outlive a failed round; the next one retries
                log.exception("certificate fetch round failed; retrying at the next round")
            self._wake.wait(timeout=self.every_s)
            self._wake.clear()


def start(node: Node) -> Callable[[], None] | None:
    """Start the certificate fetcher."""
    fetcher = CertificateFetcher(node)
    fetcher.start()
    node.extras["housing_fund.fetcher"] = fetcher
    return fetcher.stop
