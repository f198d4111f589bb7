"""Relays racing to create a stream's first delivery cursor leave one row and log no error."""

from __future__ import annotations

import logging
import threading

import pytest
from sqlalchemy import func, select, text

from chuanyu.exchange.builtin import PROBE_STREAM
from chuanyu.exchange.models import Delivery
from chuanyu.exchange.relay import Relay, create_delivery
from tests.conftest import Db
from tests.support.nodes import wait_until


def _rows(db: Db) -> int:
    with db.scope() as session:
        return int(session.scalar(select(func.count()).select_from(Delivery)) or 0)


def test_a_relay_that_finds_the_cursor_created_meanwhile_takes_it(
        db: Db, caplog: pytest.LogCaptureFixture) -> None:
    with db.scope() as other:  # the other relay committed first
        create_delivery(session=other, subscriber="SC", stream=PROBE_STREAM)
    session = db.session()
    try:
        create_delivery(
            session=session, subscriber="SC", stream=PROBE_STREAM
        )  # this relay had read no row before
        delivery = Relay(db.node)._lock_delivery(session, "SC", PROBE_STREAM)
        assert delivery is not None and delivery.acked_seq == 0
        session.commit()
    finally:
        session.close()
    assert _rows(db) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.postgres
def test_two_relays_creating_the_cursor_at_once_leave_one_row(
        db: Db, caplog: pytest.LogCaptureFixture) -> None:
    if db.backend != "postgresql":
        pytest.skip("concurrent transactions of two relay processes: PostgreSQL")
    first = db.session()
    create_delivery(session=first, subscriber="SC", stream=PROBE_STREAM)  # not yet committed
    outcome: list[object] = []

    def second_relay() -> None:
        session = db.session()
        try:
            outcome.append(Relay(db.node)._lock_delivery(session, "SC", PROBE_STREAM))
            session.commit()
        except Exception as exc:  # reported by the assertion below
            outcome.append(exc)
        finally:
            session.close()

    thread = threading.Thread(target=second_relay)
    thread.start()

    def waiting() -> bool:
        with db.scope() as session:
            return bool(session.scalar(text(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
                "and datname = current_database()")))

    raced = wait_until(lambda: waiting() or outcome, message="the second relay to wait")
    assert raced is True, f"the second relay finished without waiting: {outcome}"
    first.commit()
    first.close()
    thread.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], Delivery), outcome
    assert _rows(db) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
