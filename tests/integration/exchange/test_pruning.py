"""Pruning keeps what a peer may still need and the audit log, and deletes the rest in batches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from chuanyu.cli import app
from chuanyu.core import clock
from chuanyu.core.models import IdempotentRequest
from chuanyu.core.security import create_user
from chuanyu.exchange import audit, pruning
from chuanyu.exchange.builtin import PROBE_STREAM
from chuanyu.exchange.models import AuditEntry, Delivery, IdempotentCall, OutboxEvent
from chuanyu.exchange.outbox import publish
from chuanyu.exchange.witness import HEAD_STREAM
from tests.conftest import Db

NOW = clock.now().replace(microsecond=0)
OLD = NOW - timedelta(days=40)  # past the default retention of 30 days


def _publish(db: Db, stream: str, count: int, at: object) -> None:
    with clock.freeze(at), db.scope() as session:  # type: ignore[arg-type]
        for i in range(count):
            publish(session=session, stream=stream, event_type="probe", payload={"note": str(i)})


def _ack(db: Db, stream: str, seq: int) -> None:
    with db.scope() as session:
        session.merge(Delivery(subscriber="SC", stream=stream, acked_seq=seq, attempts=0))


def _seqs(db: Db, stream: str) -> list[int]:
    with db.scope() as session:
        return list(session.scalars(select(OutboxEvent.seq).where(OutboxEvent.stream == stream)
                                    .order_by(OutboxEvent.seq)))


def _audit_entries(db: Db) -> int:
    with db.scope() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_only_acknowledged_events_past_retention_are_pruned(db: Db) -> None:
    _publish(db, PROBE_STREAM, 10, OLD)
    _publish(db, PROBE_STREAM, 2, NOW)
    _ack(db, PROBE_STREAM, 6)  # 7–10 are old but SC has not acknowledged them
    _publish(db, HEAD_STREAM, 3, OLD)  # old, never acknowledged: no delivery row at all
    with db.scope() as session:
        audit.record(session=session, node=db.node, direction="out", peer="SC", kind="batch",
                     name=PROBE_STREAM, message_id="m1", digest="0" * 64, outcome="ok")
    entries = _audit_entries(db)
    with clock.freeze(NOW), db.scope() as session:
        assert pruning.count(session=session, node=db.node).outbox == 6
    with clock.freeze(NOW):
        pruned = pruning.prune(db.node, batch=4)
    assert pruned.outbox == 6
    assert _seqs(db, PROBE_STREAM) == [7, 8, 9, 10, 11, 12]
    assert _seqs(db, HEAD_STREAM) == [1, 2, 3]
    assert _audit_entries(db) == entries
    _publish(db, PROBE_STREAM, 1, NOW)  # numbering goes on after a prune
    assert _seqs(db, PROBE_STREAM)[-1] == 13


def test_acknowledged_events_within_retention_are_kept(db: Db) -> None:
    _publish(db, PROBE_STREAM, 5, NOW - timedelta(days=29))
    _ack(db, PROBE_STREAM, 5)
    with clock.freeze(NOW):
        assert pruning.prune(db.node).outbox == 0
    db.node.settings = db.node.settings.model_copy(update={"outbox_retention_days": 7})
    with clock.freeze(NOW):
        assert pruning.prune(db.node).outbox == 5


def test_a_batch_deletes_no_more_than_its_limit(db: Db) -> None:
    _publish(db, PROBE_STREAM, 9, OLD)
    _ack(db, PROBE_STREAM, 9)
    with db.scope() as session:
        assert pruning.prune_batch(session=session, node=db.node, table="outbox", now=NOW,
                                   limit=4) == 4
    assert _seqs(db, PROBE_STREAM) == [5, 6, 7, 8, 9]


def test_idempotency_keys_past_their_window_are_pruned(db: Db) -> None:
    with db.scope() as session:
        user = create_user(session=session, username="clerk-prune", password="test-password-1",
                           roles=["window_clerk"])
        for key, created in (("old", NOW - timedelta(days=8)), ("new", NOW - timedelta(hours=1))):
            session.add(IdempotentCall(caller="SC", service="exchange.ping", key=key,
                                       request_digest="0" * 64, created_at=created))
            session.add(IdempotentRequest(user_id=user.id, key=key, request_digest="0" * 64,
                                          route="/api/x", created_at=created,
                                          expires_at=created + timedelta(days=1)))
    with clock.freeze(NOW):
        pruned = pruning.prune(db.node)
    assert (pruned.exchange_calls, pruned.api_requests) == (1, 1)
    with db.scope() as session:
        assert list(session.scalars(select(IdempotentCall.key))) == ["new"]
        assert list(session.scalars(select(IdempotentRequest.key))) == ["new"]


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_prune_command(db: Db, monkeypatch: pytest.MonkeyPatch, dry_run: bool) -> None:
    monkeypatch.setattr("chuanyu.cli_support.get_settings", lambda: db.node.settings)
    _publish(db, PROBE_STREAM, 3, OLD)
    _ack(db, PROBE_STREAM, 3)
    args = ["exchange", "prune", "--member", "CQ"] + (["--dry-run"] if dry_run else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    verb = "would prune" if dry_run else "pruned"
    assert f"CQ: {verb} 3 acknowledged outbox events" in result.output
    assert _seqs(db, PROBE_STREAM) == ([1, 2, 3] if dry_run else [])


def test_the_relay_prunes_in_its_housekeeping(db: Db) -> None:
    from chuanyu.exchange.relay import Relay

    _publish(db, PROBE_STREAM, 3, OLD)
    _ack(db, PROBE_STREAM, 3)
    relay = Relay(db.node)
    with clock.freeze(NOW):
        relay._housekeeping()
    assert _seqs(db, PROBE_STREAM) == []
    _publish(db, PROBE_STREAM, 2, OLD)
    _ack(db, PROBE_STREAM, 5)
    relay._last_housekeeping = 0.0
    with clock.freeze(NOW):
        relay._housekeeping()  # pruned again only after pruning.EVERY_S
    assert _seqs(db, PROBE_STREAM) == [4, 5]
