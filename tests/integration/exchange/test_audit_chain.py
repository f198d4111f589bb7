"""The audit chain: appends, checkpoints, and naming the first tampered entry."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from chuanyu.exchange import audit
from chuanyu.exchange.models import AuditCheckpoint, AuditEntry
from tests.conftest import Db


def _fill(db: Db, n: int) -> None:
    with db.scope() as session:
        for i in range(n):
            audit.record(session=session, node=db.node, direction="in", peer="SC", kind="call",
                         name="exchange.ping", message_id=f"m{i}", digest=f"{i:064x}",
                         outcome="ok")


def _verify(db: Db) -> audit.Verdict:
    with db.scope() as session:
        return audit.verify(
            session=session,
            member=db.node.member,
            public_key=db.node.descriptor.public_key(db.node.member),
        )


def test_intact_chain_verifies_with_signed_checkpoints(db: Db) -> None:
    db.node.settings.audit_checkpoint_every = 5
    _fill(db, 12)
    verdict = _verify(db)
    assert verdict.problem is None and verdict.entries == 12 and verdict.checkpoints == 2
    assert verdict.exit_code == 0


def test_altered_entry_is_named(db: Db) -> None:
    _fill(db, 10)
    with db.scope() as session:
        session.execute(update(AuditEntry).where(AuditEntry.position == 4)
                        .values(outcome="bad_signature"))
    verdict = _verify(db)
    assert (verdict.problem, verdict.position, verdict.exit_code) == ("altered", 4, 2)


def test_removed_entry_is_named(db: Db) -> None:
    _fill(db, 10)
    with db.scope() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.position == 6))
    verdict = _verify(db)
    assert (verdict.problem, verdict.position, verdict.exit_code) == ("removed", 6, 3)


def test_removed_and_renumbered_entry_is_still_found(db: Db) -> None:
    _fill(db, 6)
    with db.scope() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.position == 3))
        for pos in (4, 5, 6):
            session.execute(update(AuditEntry).where(AuditEntry.position == pos)
                            .values(position=pos - 1))
    verdict = _verify(db)
    assert verdict.problem == "removed" and verdict.position == 3


def test_reordered_entries_are_named(db: Db) -> None:
    _fill(db, 8)
    with db.scope() as session:
        session.execute(update(AuditEntry).where(AuditEntry.position == 5).values(position=-5))
        session.execute(update(AuditEntry).where(AuditEntry.position == 6).values(position=5))
        session.execute(update(AuditEntry).where(AuditEntry.position == -5).values(position=6))
    verdict = _verify(db)
    assert (verdict.problem, verdict.position, verdict.exit_code) == ("reordered", 5, 4)


def test_truncated_tail_is_caught_by_the_checkpoint(db: Db) -> None:
    db.node.settings.audit_checkpoint_every = 5
    _fill(db, 10)
    with db.scope() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.position > 7))
    verdict = _verify(db)
    assert verdict.problem == "removed" and verdict.position == 8


def test_forged_checkpoint_signature_is_caught(db: Db) -> None:
    db.node.settings.audit_checkpoint_every = 4
    _fill(db, 4)
    with db.scope() as session:
        cp = session.scalar(select(AuditCheckpoint))
        assert cp is not None
        cp.signature = cp.signature[::-1]
    verdict = _verify(db)
    assert verdict.problem == "checkpoint" and verdict.exit_code == 5
