"""Two processes of one node publishing the first event of a stream at once (PostgreSQL): the
second waits for the first and takes the next sequence number instead of failing."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text

from chuanyu.exchange.builtin import PROBE_STREAM
from chuanyu.exchange.models import OutboxEvent
from chuanyu.exchange.outbox import publish
from chuanyu.node import Node
from tests.support.nodes import wait_until

pytestmark = pytest.mark.postgres


def _waiting_on_a_lock(node: Node) -> bool:
    with node.engine.connect() as conn:
        return bool(conn.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query ILIKE 'INSERT INTO exchange_stream_head%'")))


def test_concurrent_first_events_of_a_stream_get_consecutive_numbers(db) -> None:  # type: ignore[no-untyped-def]
    if db.backend != "postgresql":
        pytest.skip("only PostgreSQL runs several processes of one node")
    node = db.node
    first = node.sessions()
    assert (
        publish(session=first, stream=PROBE_STREAM, event_type="probe", payload={"note": "first"})
        == 1
    )  # not committed yet
    got: list[int] = []
    failed: list[BaseException] = []

    def other_process() -> None:
        try:
            with node.sessions() as session:
                got.append(
                    publish(
                        session=session,
                        stream=PROBE_STREAM,
                        event_type="probe",
                        payload={"note": "second"},
                    )
                )
                session.commit()
        except BaseException as exc:  # reported by the assertion below
            failed.append(exc)

    thread = threading.Thread(target=other_process)
    thread.start()
    try:
        wait_until(lambda: _waiting_on_a_lock(node), timeout=10,
                   message="the second publisher to wait for the first")
        first.commit()
    finally:
        first.close()
        thread.join(timeout=30)
    assert not failed, failed
    assert got == [2]
    with node.sessions() as session:
        seqs = session.scalars(select(OutboxEvent.seq).where(OutboxEvent.stream == PROBE_STREAM)
                               .order_by(OutboxEvent.seq)).all()
    assert seqs == [1, 2]
