"""Rewriting a node's own audit log: what the checkpoints and the peers' witnessed heads catch."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from chuanyu.exchange import audit, witness
from chuanyu.exchange.models import AuditCheckpoint, AuditEntry, AuditHead, OutboxEvent
from tests.conftest import Db


def _fill(db: Db, n: int, every: int = 5) -> None:
    db.node.settings.audit_checkpoint_every = every
    with db.scope() as session:
        for i in range(n):
            audit.record(session=session, node=db.node, direction="in", peer="SC", kind="call",
                         name="exchange.ping", message_id=f"m{i}", digest=f"{i:064x}",
                         outcome="ok")


def _published_heads(db: Db) -> list[witness.SignedHead]:
    """The heads this node sent its peers at each checkpoint (what they witnessed)."""
    with db.scope() as session:
        rows = session.scalars(select(OutboxEvent.payload).where(
            OutboxEvent.stream == witness.HEAD_STREAM).order_by(OutboxEvent.seq))
        return [witness.SignedHead.model_validate_json(p) for p in rows]


def _verify(db: Db, heads: list[witness.SignedHead] | None = None) -> audit.Verdict:
    with db.scope() as session:
        return audit.verify(
            session=session,
            member=db.node.member,
            public_key=db.node.descriptor.public_key(db.node.member),
            witnessed=heads or [],
        )


def _rehash_from(db: Db, position: int) -> None:
    """Recompute every hash from `position` on and move the head row, as a thorough admin would."""
    with db.scope() as session:
        prev = session.scalar(select(AuditEntry.hash).where(AuditEntry.position == position - 1))
        last: AuditEntry | None = None
        for entry in session.scalars(select(AuditEntry).where(AuditEntry.position >= position)
                                     .order_by(AuditEntry.position)):
            entry.prev_hash = prev or audit.GENESIS
            entry.hash = audit.entry_hash(entry)
            prev, last = entry.hash, entry
        head = session.get(AuditHead, 1)
        assert head is not None and last is not None
        head.position, head.hash = last.position, last.hash
        head.checkpointed_position = 0


def _append(db: Db, n: int, *, move_head: bool) -> None:
    """Add `n` entries with valid chain hashes directly in the table."""
    with db.scope() as session:
        last = session.scalar(select(AuditEntry).order_by(AuditEntry.position.desc()))
        assert last is not None
        prev_hash, position = last.hash, last.position
        for i in range(n):
            position += 1
            entry = AuditEntry(position=position, at=last.at, direction="in", peer="SC",
                               kind="call", name="exchange.ping", message_id=f"forged{i}",
                               digest="f" * 64, outcome="ok", detail="", prev_hash=prev_hash)
            entry.hash = audit.entry_hash(entry)
            session.add(entry)
            prev_hash = entry.hash
        if move_head:
            session.flush()
            session.execute(update(AuditHead).values(position=position, hash=prev_hash))


def test_every_checkpoint_sends_a_signed_head(db: Db) -> None:
    _fill(db, 12)
    heads = _published_heads(db)
    assert [h.position for h in heads] == [5, 10]
    assert all(witness.head_is_signed(db.node.descriptor.public_key("CQ"), h) for h in heads)


def test_intact_log_agrees_with_witnessed_heads(db: Db) -> None:
    _fill(db, 12)
    verdict = _verify(db, _published_heads(db))
    assert (verdict.problem, verdict.exit_code, verdict.witnessed) == (None, 0, 2)


def test_tampered_checkpoint_hash_is_a_bad_checkpoint(db: Db) -> None:
    _fill(db, 10)
    with db.scope() as session:
        session.execute(update(AuditCheckpoint).where(AuditCheckpoint.position == 5)
                        .values(hash="e" * 64))
    verdict = _verify(db)
    assert (verdict.problem, verdict.position, verdict.exit_code) == ("checkpoint", 5, 5)


def test_truncated_tail_is_found_by_the_head_row(db: Db) -> None:
    _fill(db, 10)
    with db.scope() as session:
        session.execute(delete(AuditCheckpoint).where(AuditCheckpoint.position > 5))
        session.execute(delete(AuditEntry).where(AuditEntry.position > 7))
    verdict = _verify(db)
    assert (verdict.problem, verdict.position, verdict.exit_code) == ("removed", 8, 3)


def test_truncated_tail_with_its_checkpoints_disagrees_with_a_witnessed_head(db: Db) -> None:
    _fill(db, 10)
    heads = _published_heads(db)
    with db.scope() as session:
        session.execute(delete(AuditCheckpoint).where(AuditCheckpoint.position > 5))
        session.execute(delete(AuditEntry).where(AuditEntry.position > 7))
    _rehash_from(db, 7)  # leaves the chain as it is, moves the head row to 7
    assert _verify(db).exit_code == 0  # nothing local is left to notice it
    verdict = _verify(db, heads)
    assert (verdict.problem, verdict.position, verdict.exit_code) == ("witness", 10, 6)


def test_rehashed_entry_without_checkpoints_disagrees_with_a_witnessed_head(db: Db) -> None:
    _fill(db, 12)
    heads = _published_heads(db)
    with db.scope() as session:
        session.execute(delete(AuditCheckpoint))
        session.execute(update(AuditEntry).where(AuditEntry.position == 3)
                        .values(outcome="bad_signature"))
    _rehash_from(db, 3)
    assert _verify(db).exit_code == 0
    verdict = _verify(db, heads)
    assert (verdict.problem, verdict.position, verdict.exit_code) == ("witness", 5, 6)


def test_entry_appended_after_the_last_checkpoint_is_found(db: Db) -> None:
    _fill(db, 10)
    _append(db, 2, move_head=False)
    verdict = _verify(db)
    assert (verdict.problem, verdict.position, verdict.exit_code) == ("altered", 11, 2)


def test_entries_appended_in_place_of_a_witnessed_tail_disagree(db: Db) -> None:
    _fill(db, 10)
    heads = _published_heads(db)
    with db.scope() as session:
        session.execute(delete(AuditCheckpoint).where(AuditCheckpoint.position > 5))
        session.execute(delete(AuditEntry).where(AuditEntry.position > 7))
        session.execute(update(AuditHead).values(
            position=7, hash=select(AuditEntry.hash).where(AuditEntry.position == 7)
            .scalar_subquery()))
    _append(db, 3, move_head=True)
    assert _verify(db).exit_code == 0
    verdict = _verify(db, heads)
    assert (verdict.problem, verdict.position, verdict.exit_code) == ("witness", 10, 6)


def test_head_with_a_forged_signature_is_not_trusted(db: Db) -> None:
    _fill(db, 10)
    real = _published_heads(db)[0]
    forged = real.model_copy(update={"hash": "e" * 64})
    verdict = _verify(db, [forged])
    assert (verdict.problem, verdict.witnessed, verdict.untrusted) == (None, 0, 1)
