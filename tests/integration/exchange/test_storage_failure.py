"""A node that cannot store (read-only database, full disk) says so, signed, and its health
check says so too; faults are injected at the database driver, where the real ones surface."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from chuanyu.core import storage
from chuanyu.core.db import write_scope
from chuanyu.exchange import status
from chuanyu.exchange.builtin import PROBE_STREAM
from chuanyu.exchange.client import PeerUnavailable
from chuanyu.exchange.models import AuditEntry, Delivery, ProbeEvent
from chuanyu.exchange.outbox import publish
from chuanyu.exchange.relay import Relay
from chuanyu.node import Node
from tests.conftest import AppClient, Db

WRITES = ("insert", "update", "delete", "begin immediate")


def _is_write(statement: str) -> bool:
    return statement.lstrip().lower().startswith(WRITES)


@contextmanager
def disk_full(node: Node) -> Iterator[None]:
    """Every write fails as it does when the disk is full."""
    engine: Engine = node.engine
    sqlite = engine.dialect.name == "sqlite"

    def fail(cursor: Any, statement: str, *_args: Any) -> None:  # noqa: ARG001
        if _is_write(statement):
            if sqlite:
                raise sqlite3.OperationalError("database or disk is full")
            import psycopg

            raise psycopg.errors.DiskFull("could not extend file: No space left on device")

    hooks = ("do_execute", "do_executemany", "do_execute_no_params")
    for hook in hooks:
        event.listen(engine, hook, fail)
    try:
        yield
    finally:
        for hook in hooks:
            event.remove(engine, hook, fail)


@contextmanager
def read_only(node: Node) -> Iterator[None]:
    """The database refuses writes (SQLite `query_only`, PostgreSQL read-only transactions)."""
    engine: Engine = node.engine
    pragma = ("PRAGMA query_only=ON" if engine.dialect.name == "sqlite"
              else "SET default_transaction_read_only = on")

    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(pragma)
        cur.close()
        if engine.dialect.name != "sqlite":
            dbapi_conn.commit()  # a SET inside a transaction rolled back would be undone

    engine.dispose()
    event.listen(engine, "connect", on_connect)
    try:
        yield
    finally:
        event.remove(engine, "connect", on_connect)
        engine.dispose()


FAULTS: dict[str, Callable[[Node], Any]] = {"disk_full": disk_full, "read_only": read_only}


def _relay_to(cq: AppClient, sc: AppClient) -> Relay:
    relay = Relay(cq.node)
    relay.peers._clients["SC"] = sc
    return relay


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_receiver_that_cannot_store_refuses_signed_and_the_sender_retries(
        client: AppClient, sc_client: AppClient, fault: str,
        caplog: pytest.LogCaptureFixture) -> None:
    with write_scope(client.node) as session:
        publish(
            session=session,
            stream=PROBE_STREAM,
            event_type="probe",
            payload={"note": "during the fault"},
        )
    relay = _relay_to(client, sc_client)
    with FAULTS[fault](sc_client.node):
        assert relay.pump() is False
    with write_scope(client.node) as session:
        delivery = session.get(Delivery, ("SC", PROBE_STREAM))
        assert delivery is not None and delivery.acked_seq == 0
        assert delivery.last_error is not None
        assert delivery.last_error.startswith("unavailable: SC 存储故障"), delivery.last_error
        sent = session.scalars(select(AuditEntry.outcome).where(AuditEntry.direction == "out"))
        assert list(sent) == ["unavailable"]
        row = next(r for r in status.summary(session=session, node=client.node)["outbound"]
                   if r["subscriber"] == "SC" and r["stream"] == PROBE_STREAM)
        assert "SC 存储故障" in row["last_error"]
    assert ("SC", PROBE_STREAM) in relay._retry_at, "the sender backs off and retries"
    assert not [r for r in caplog.records if r.levelname == "ERROR" or r.exc_info]
    relay._retry_at.clear()
    assert relay.pump() is True
    with write_scope(sc_client.node) as session:
        notes = session.scalars(select(ProbeEvent.note)).all()
    assert notes == ["during the fault"]
    with write_scope(client.node) as session:
        assert session.get(Delivery, ("SC", PROBE_STREAM)).last_error is None  # type: ignore[union-attr]


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_call_to_a_provider_that_cannot_store_is_unavailable_not_refused(
        client: AppClient, sc_client: AppClient, fault: str) -> None:
    client.node.exchange.peers._clients["SC"] = sc_client
    with FAULTS[fault](sc_client.node), pytest.raises(PeerUnavailable) as info:
        client.node.exchange.call("SC", "exchange.ping", {"note": "x"})
    assert info.value.maybe_delivered is False
    assert "SC 存储故障" in info.value.detail
    assert client.node.exchange.call("SC", "exchange.ping", {"note": "y"})["member"] == "SC"


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_the_write_probe_finds_a_database_that_refuses_writes(db: Db, fault: str) -> None:
    assert storage.check_write(db.node) is None
    with FAULTS[fault](db.node):
        reason = storage.check_write(db.node)
    assert reason in ({"disk_full": "磁盘已满", "read_only": "数据库只读"}[fault],)
    assert storage.check_write(db.node) is None


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_health_answers_503_when_the_database_refuses_writes(client: AppClient,
                                                             fault: str) -> None:
    assert client.get("/api/health").status_code == 200
    with FAULTS[fault](client.node):
        response = client.get("/api/health")
    assert response.status_code == 503
    problem = response.json()
    assert problem["status"] == "unavailable" and problem["code"] == "storage_unavailable"
    assert problem["detail"].startswith("CQ 存储故障")
    assert client.get("/api/health").json()["status"] == "ok"


def test_health_answers_503_when_the_disk_is_short_of_space(client: AppClient) -> None:
    settings = client.node.settings
    client.node.settings = settings.model_copy(update={"min_free_disk_mb": 10**12})
    response = client.get("/api/health")
    assert response.status_code == 503
    assert "磁盘剩余空间不足" in response.json()["detail"]
    client.node.settings = settings
    assert client.get("/api/health").status_code == 200


@pytest.mark.parametrize(("status", "code"), [(500, "unavailable"), (502, "unavailable"),
                                              (413, "too_large"), (429, "rate_limited")])
def test_an_unsigned_error_answer_is_not_taken_for_a_bad_signature(
        client: AppClient, status: int, code: str) -> None:
    import httpx

    from chuanyu.exchange import envelope
    from chuanyu.exchange.guard import Refusal

    sent = envelope.make("CQ", "SC", "batch", PROBE_STREAM, "0" * 64)
    with pytest.raises(Refusal) as info:
        Relay(client.node)._check_ack(sent, httpx.Response(status, text="Internal Server Error"))
    assert info.value.code == code
    assert f"HTTP {status}" in info.value.detail
