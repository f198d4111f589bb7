"""The work a node runs once, in whichever of its processes leads: the exchange relay (which
also signs audit checkpoints and sends their heads to the witnesses) and every domain's
background tasks (the jobs indexer, the index's only writer, and the expiry sweep).

Every process serving a node starts its duties through `start`; a process that does not win
the node's leader lock (`core.leader`) waits as a standby and takes over when the leader
stops or dies. Processes of one node on SQLite are one process, which always leads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from chuanyu import domains
from chuanyu.core.db import is_sqlite, node_schema
from chuanyu.core.leader import LeaderLock
from chuanyu.node import Node

log = logging.getLogger(__name__)


def lock_name(node: Node) -> str:
    """The leader lock of a node: its member in its own schema (one database may hold many)."""
    return f"duties/{node_schema(node.settings)}/{node.member}"


class Duties:
    """Starts the node's once-per-node work when this process becomes the leader and stops
    it when the process stops leading."""

    def __init__(self, node: Node, *, relay: bool, tasks: bool) -> None:
        self.node = node
        self.relay = relay
        self.tasks = tasks
        self._stops: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def start_all(self) -> None:
        """Start the relay and the domains' tasks (the leader lock was just taken)."""
        with self._lock:
            if self.relay and self.node.relay is None:
                self.node.start_relay()
                self._stops.append(self._stop_relay)
            if self.tasks:
                for _, module in domains.domain_modules("tasks"):
                    if (stop := module.start(self.node)) is not None:
                        self._stops.append(stop)

    def stop_all(self) -> None:
        """Stop what `start_all` started, newest first (the leader lock is about to go)."""
        with self._lock:
            while self._stops:
                stop = self._stops.pop()
                try:
                    stop()
                except Exception:  # the others must still stop before the lock is released
                    log.exception("stopping %s failed", getattr(stop, "__qualname__", stop))

    def _stop_relay(self) -> None:
        relay, self.node.relay = self.node.relay, None
        if relay is not None:
            relay.stop()


def start(node: Node, *, relay: bool, tasks: bool) -> Callable[[], None]:
    """Lead the node's duties from this process whenever it holds the leader lock; returns
    the function that stops them (and releases the lock).

    With neither relay nor tasks, a process on PostgreSQL never leads (its searches only
    read the index: `node work` or another process writes it); on SQLite nothing starts and
    the process writes the index itself when it first searches, as a lone process must.
    """
    if not relay and not tasks and is_sqlite(node.engine):
        return lambda: None
    duties = Duties(node, relay=relay, tasks=tasks)
    leader = LeaderLock(node.engine, lock_name(node), on_acquire=duties.start_all,
                        on_release=duties.stop_all, compete=relay or tasks)
    node.leader = leader
    leader.start()

    def stop() -> None:
        leader.stop()
        node.leader = None

    return stop
