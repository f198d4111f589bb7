"""The leader lock: one holder per name on PostgreSQL, a standby taking over when the holder
stops or its connection dies; SQLite's single process always leads."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from chuanyu.core.leader import LeaderLock, lock_key
from tests.conftest import PG_SKIP_REASON, PG_URL
from tests.support.nodes import wait_until


class Recorder:
    """Counts how often a lock's work was started and stopped."""

    def __init__(self) -> None:
        self.started = 0
        self.stopped = 0

    def lock(self, engine: Engine, name: str) -> LeaderLock:
        return LeaderLock(engine, name, on_acquire=self._start, on_release=self._stop,
                          poll_s=0.05)

    def _start(self) -> None:
        self.started += 1

    def _stop(self) -> None:
        self.stopped += 1


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    if PG_SKIP_REASON:
        pytest.skip(PG_SKIP_REASON)
    engine = create_engine(PG_URL)
    yield engine
    engine.dispose()


def _holder_backends(engine: Engine, key: int) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = :key"), {"key": key}
        ).scalars())


def test_lock_keys_differ_per_name_and_fit_a_bigint() -> None:
    keys = {lock_key(f"duties/node_{m}/{m}") for m in ("cq", "sc", "x1")}
    assert len(keys) == 3
    assert all(-(2**63) <= k < 2**63 for k in keys)


@pytest.mark.postgres
def test_only_one_process_leads_and_a_standby_takes_over_when_it_stops(pg_engine: Engine) -> None:
    name = f"test/{uuid.uuid4().hex}"
    first, second = Recorder(), Recorder()
    a, b = first.lock(pg_engine, name), second.lock(pg_engine, name)
    a.start()
    b.start()
    try:
        assert a.held and not b.held
        assert (first.started, second.started) == (1, 0)
        assert len(_holder_backends(pg_engine, a.key)) == 1
        a.stop()
        assert first.stopped == 1
        wait_until(lambda: b.held, timeout=10, message="the standby to take the lock")
        assert second.started == 1 and first.started == 1
    finally:
        a.stop()
        b.stop()
    assert second.stopped == 1
    # The server drops the lock as the closed connection's backend exits.
    wait_until(lambda: _holder_backends(pg_engine, a.key) == [], timeout=10,
               message="the lock to be released")


@pytest.mark.postgres
def test_a_holder_whose_connection_dies_stops_and_the_standby_leads(pg_engine: Engine) -> None:
    name = f"test/{uuid.uuid4().hex}"
    first, second = Recorder(), Recorder()
    a, b = first.lock(pg_engine, name), second.lock(pg_engine, name)
    a.start()
    b.start()
    try:
        (backend,) = _holder_backends(pg_engine, a.key)
        with pg_engine.connect() as conn:  # what a crash of the holder's connection looks like
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        wait_until(lambda: b.held, timeout=10, message="the standby to take the lock")
        wait_until(lambda: first.stopped == 1, timeout=10, message="the old holder to stop")
        assert not a.held and second.started == 1
        # The old holder waits as a standby now and leads again once the lock is free.
        b.stop()
        wait_until(lambda: a.held, timeout=10, message="the first process to lead again")
        assert first.started == 2
    finally:
        a.stop()
        b.stop()


def test_a_process_on_sqlite_always_leads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    recorder = Recorder()
    lock = recorder.lock(engine, "duties/node_cq/CQ")
    lock.start()
    assert lock.held and recorder.started == 1
    lock.stop()
    assert not lock.held and recorder.stopped == 1
    engine.dispose()
