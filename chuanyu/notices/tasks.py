"""Background work of notices, started with the node's server: the delivery worker (the notice
outbox) and a periodic sweep that reminds staff of cases near or past their due date."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from chuanyu.core.db import write_scope
from chuanyu.node import Node
from chuanyu.notices import channels
from chuanyu.notices.delivery import DeliveryWorker

log = logging.getLogger(__name__)

SWEEP_EVERY_S = 900.0
FIRST_SWEEP_S = 10.0


def sweep_due(node: Node) -> int:
    """One round of due-date reminders; how many notices were written."""
    from chuanyu.window.service import notices as window_notices

    with write_scope(node) as session:
        return window_notices.remind_due(session=session, node=node)


class DueSweep:
    """Runs `sweep_due` shortly after start and then every `every_s` seconds."""

    def __init__(self, node: Node, *, every_s: float = SWEEP_EVERY_S,
                 first_s: float = FIRST_SWEEP_S) -> None:  # fmt: skip
        self.node = node
        self.every_s = every_s
        self.first_s = first_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="notices-due", daemon=True)

    def start(self) -> None:
        """Run in a daemon thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        wait = self.first_s
        while not self._stop.wait(wait):
            wait = self.every_s
            try:
                if n := sweep_due(self.node):
                    log.info("wrote %d due-date reminders", n)
            except Exception:  # the sweep must outlive a failed round; the next one retries
                log.exception("due-date reminder sweep failed; retrying at the next round")


def start(node: Node) -> Callable[[], None] | None:
    """Start the delivery worker and the due-date sweep; a misconfigured channel stops the
    start here rather than failing the first change that writes a notice."""
    channels.for_node(node)
    worker = DeliveryWorker(node)
    worker.start()
    node.extras["notices.worker"] = worker
    sweep = DueSweep(node)
    sweep.start()

    def stop() -> None:
        sweep.stop()
        worker.stop()
        node.extras.pop("notices.worker", None)

    return stop
