"""The faults of the soak: SIGKILL of a random node every 20–60 s, and one cut of the link.

A killed node is restarted at once on its own folder; the restart runs beside the fault loop, so
the partition is healed on time even while a node is still starting. After every recovery a
watcher measures how long the peers take to acknowledge everything published before it.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench import faults_checks as checks
from bench.faultproxy import Forwarder
from tests.support.nodes import LiveNode, wait_until

KILL_EVERY_S = (20.0, 60.0)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Chaos:
    """Kills, restarts and the partition, on a background thread until `stop` is set."""

    def __init__(self, nodes: dict[str, LiveNode], forwarders: list[Forwarder],
                 dbs: dict[str, Path], *, partition_at_s: float, partition_s: float) -> None:
        self.nodes = nodes
        self.forwarders = forwarders
        self.dbs = dbs
        self.partition_at_s = partition_at_s
        self.partition_s = partition_s
        self.kills: list[dict[str, Any]] = []
        self.partitions: list[dict[str, float]] = []
        self.catch_ups: list[dict[str, Any]] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.rng = random.Random(1414)
        self._thread = threading.Thread(target=self._run, daemon=True, name="chaos")
        self._restart: threading.Thread | None = None
        self._watchers: list[threading.Thread] = []

    def start(self) -> None:
        """Begin injecting faults."""
        self._started = time.monotonic()
        self._thread.start()

    def finish(self) -> None:
        """Stop injecting faults; wait for a restart in progress and a healed link."""
        self.stop.set()
        self._thread.join()
        if self._restart is not None:
            self._restart.join()

    def join_watchers(self) -> None:
        """Wait for every catch-up measurement (they end once the peers caught up)."""
        for watcher in self._watchers:
            watcher.join()

    def _elapsed(self) -> float:
        return time.monotonic() - self._started

    def _run(self) -> None:
        next_kill: float | None = self._elapsed() + self.rng.uniform(*KILL_EVERY_S)
        heal_at: float | None = None
        try:
            while not self.stop.wait(0.2):
                now = self._elapsed()
                if not self.partitions and now >= self.partition_at_s:
                    for forwarder in self.forwarders:
                        forwarder.cut()
                    self.partitions.append({"at_s": round(now, 1), "for_s": self.partition_s})
                    heal_at = now + self.partition_s
                    log(f"  partition: link cut for {self.partition_s:.0f} s")
                if heal_at is not None and now >= heal_at:
                    self._heal()
                    heal_at = None
                restarting = self._restart is not None and self._restart.is_alive()
                if next_kill is None and not restarting:
                    next_kill = now + self.rng.uniform(*KILL_EVERY_S)
                if next_kill is not None and now >= next_kill and not restarting:
                    self._kill(self.rng.choice(sorted(self.nodes)), now)
                    next_kill = None
        except BaseException as exc:  # surfaced by the main thread
            self.error = exc
        finally:
            if heal_at is not None:
                self._heal()

    def _heal(self) -> None:
        for forwarder in self.forwarders:
            forwarder.open()
        log("  partition healed")
        self._watch("partition")

    def _kill(self, member: str, at_s: float) -> None:
        self.nodes[member].kill()
        self._restart = threading.Thread(target=self._restart_node, args=(member, at_s),
                                         daemon=True, name=f"restart-{member}")
        self._restart.start()

    def _restart_node(self, member: str, at_s: float) -> None:
        began = time.monotonic()
        try:
            self.nodes[member].start()
        except BaseException as exc:  # surfaced by the main thread
            self.error = exc
            return
        restart_s = round(time.monotonic() - began, 2)
        self.kills.append({"member": member, "at_s": round(at_s, 1), "restart_s": restart_s})
        log(f"  kill -9 {member} at {at_s:.0f} s, answering again after {restart_s} s")
        self._watch(f"kill {member} at {at_s:.0f} s")

    def _watch(self, fault: str) -> None:
        """Measure, in the background, the catch-up after recovering from `fault`."""
        watcher = threading.Thread(target=self._catch_up, args=(fault,), daemon=True)
        watcher.start()
        self._watchers.append(watcher)

    def _catch_up(self, fault: str) -> None:
        began = time.monotonic()
        target = {(r["producer"], r["stream"]): r["published"]
                  for r in checks.stream_counts(self.dbs)}

        def caught_up() -> bool:
            return all(r["acked"] >= target.get((r["producer"], r["stream"]), 0)
                       for r in checks.stream_counts(self.dbs))

        try:
            wait_until(caught_up, timeout=900, interval=0.5, message=f"catch-up after {fault}")
            seconds: float | None = round(time.monotonic() - began, 2)
        except AssertionError:
            seconds = None
        self.catch_ups.append({"after": fault, "catch_up_s": seconds})
