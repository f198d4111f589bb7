"""Which process of a node runs the work that must run once per node.

A node on PostgreSQL may run as several processes (web workers, a `node work` process). Work
such as delivering the outbox or writing the search index must run in exactly one of them:
the one holding a PostgreSQL *session* advisory lock, taken on a connection of its own. The
server releases the lock when that connection ends, a crashed holder included, and a standby
polling with `pg_try_advisory_lock` takes over within a poll interval or two. TCP keep-alives
make a holder whose host vanished lose the lock within seconds as well.

On SQLite a node is one process, which always holds the lock.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from collections.abc import Callable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

POLL_S = 1.0
# Keep-alive probes on the lock's connection: a holder whose host or network vanished is
# dropped by the server after about idle + interval × count seconds.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
              "keepalives_count": 3, "connect_timeout": 5}


def lock_key(name: str) -> int:
    """A signed 64-bit advisory lock key for `name` (advisory locks are per database, so the
    name must tell apart every node sharing one)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def holder_label(name: str) -> str:
    """What the lock's connection calls itself in `pg_stat_activity` (application_name)."""
    return f"chuanyu-leader pid={os.getpid()} {name} host={socket.gethostname()}"[:63]


class LeaderLock:
    """Holds `name`'s advisory lock when it can and runs `on_acquire` / `on_release` as it is
    won and lost; `held` tells whether this process is the leader now. With `compete` false
    the process never tries: it serves the node beside processes that lead (web workers
    beside `chuanyu node work`)."""

    def __init__(self, engine: Engine, name: str, *, on_acquire: Callable[[], None],
                 on_release: Callable[[], None], poll_s: float = POLL_S,
                 compete: bool = True) -> None:  # fmt: skip
        self.name = name
        self.compete = compete
        self.key = lock_key(name)
        self.poll_s = poll_s
        self._on_acquire = on_acquire
        self._on_release = on_release
        self._sqlite = engine.dialect.name == "sqlite"
        self._engine: Engine | None = None
        if not self._sqlite:
            self._engine = create_engine(
                engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                connect_args={**KEEPALIVES, "application_name": holder_label(name)})
        self._conn: Connection | None = None
        self._held = False
        self._state_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def held(self) -> bool:
        """True while this process holds the lock (and runs the leader's work)."""
        return self._held

    def start(self) -> None:
        """Try once now (so the first process to start leads at once), then keep trying, or
        keep checking the held lock, in a daemon thread."""
        if not self.compete:
            return
        if self._sqlite:
            self._become_leader()
            return
        self._attempt()
        self._thread = threading.Thread(target=self._run, name="leader-lock", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop trying; when leading, stop the leader's work and release the lock."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        self._step_down()
        self._disconnect()
        if self._engine is not None:
            self._engine.dispose()

    def _run(self) -> None:
        while not self._stop.wait(self.poll_s):
            try:
                self._attempt()
            except Exception:  # a standby that stopped trying could never take over
                log.exception("leader lock %s: attempt failed; trying again", self.name)

    def _attempt(self) -> None:
        """One round: take the lock if free, or make sure the held one still is ours."""
        try:
            if self._held:
                assert self._conn is not None
                self._conn.execute(text("SELECT 1"))
                return
            if self._conn is None:
                assert self._engine is not None
                self._conn = self._engine.connect()
            taken = self._conn.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                       {"key": self.key}).scalar()
        except DBAPIError as exc:
            # The connection is gone, and with it any lock it held: another process may
            # lead by now, so this one must stop at once.
            log.warning("leader lock %s: connection lost (%s)", self.name, exc.__class__.__name__)
            self._step_down()
            self._disconnect()
            return
        if taken and not self._stop.is_set():
            self._become_leader()
        elif taken:
            self._disconnect()

    def _become_leader(self) -> None:
        with self._state_lock:
            if self._held:
                return
            self._held = True
        log.info("leader lock %s taken by pid %d", self.name, os.getpid())
        try:
            self._on_acquire()
        except Exception:  # a failed start must not leave the lock held with nothing running
            log.exception("starting the leader's work failed; releasing %s", self.name)
            self._step_down()
            self._disconnect()

    def _step_down(self) -> None:
        with self._state_lock:
            if not self._held:
                return
            self._held = False
        log.info("leader lock %s released by pid %d", self.name, os.getpid())
        try:
            self._on_release()
        except Exception:  # the lock is released regardless; the next leader starts afresh
            log.exception("stopping the leader's work failed (%s)", self.name)

    def _disconnect(self) -> None:
        """Close the lock's connection, which releases the lock on the server."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except DBAPIError:
                log.debug("closing the leader lock's connection failed", exc_info=True)
