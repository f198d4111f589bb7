"""The append-only, hash-chained audit log with signed checkpoints, and its verifier."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.exchange import signing, witness
from chuanyu.exchange.envelope import canonical_json
from chuanyu.exchange.models import AuditCheckpoint, AuditEntry, AuditHead

if TYPE_CHECKING:
    from chuanyu.node import Node

GENESIS = "0" * 64

# Exit codes of `chuanyu audit verify` (documented in the README; 1 is left to errors).
EXIT_CODES = {"ok": 0, "altered": 2, "removed": 3, "reordered": 4, "checkpoint": 5,
              "witness": 6}


def _stamp(moment: datetime) -> str:
    return clock.aware(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(entry: AuditEntry) -> str:
    """The hash an entry must carry: its content chained to its predecessor's hash."""
    content = [
        entry.prev_hash, _stamp(entry.at), entry.direction, entry.peer, entry.kind, entry.name,
        entry.message_id, entry.digest, entry.outcome, entry.detail,
    ]
    if entry.subject or entry.basis:  # entries written before these fields keep their hash
        content += [entry.subject, entry.basis]
    return hashlib.sha256(canonical_json(content)).hexdigest()


def _head(*, session: Session) -> AuditHead:
    query = select(AuditHead).where(AuditHead.id == 1)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    head = session.scalar(query)
    if head is None:
        head = AuditHead(id=1, position=0, hash=GENESIS, checkpointed_position=0)
        session.add(head)
        session.flush()
    return head


_ENTRIES = cast(Table, AuditEntry.__table__)
_HEADS = cast(Table, AuditHead.__table__)
_READ_HEAD = select(_HEADS.c.position, _HEADS.c.hash, _HEADS.c.checkpointed_position).where(
    _HEADS.c.id == 1)
_ADD_ENTRY = insert(_ENTRIES)
_MOVE_HEAD = update(_HEADS).where(_HEADS.c.id == 1).values(position=bindparam("p"),
                                                          hash=bindparam("h"))


def record(
    *,
    session: Session,
    node: Node,
    direction: str,
    peer: str,
    kind: str,
    name: str,
    message_id: str,
    digest: str,
    outcome: str,
    detail: str = "",
    subject: str = "",
    basis: str = "",
) -> AuditEntry:
    """Append one entry in the caller's transaction (the caller commits).

    `subject` and `basis` name whose personal data the message carried and on what ground
    (a consent or a legal basis); the citizen's data-use log is read from them.

    Core statements on the session's connection keep this cheap on the hot path of every
    message; the head row's lock (PostgreSQL) or the write slot (SQLite) orders appends.
    """
    session.flush()
    conn = session.connection()
    locked = _READ_HEAD if conn.dialect.name == "sqlite" else _READ_HEAD.with_for_update()
    row = conn.execute(locked).first()
    if row is None:
        head = _head(session=session)
        position, prev_hash, checkpointed = head.position, head.hash, head.checkpointed_position
    else:
        position, prev_hash, checkpointed = row
    entry = AuditEntry(
        position=position + 1, at=clock.now(), direction=direction, peer=peer, kind=kind,
        name=name, message_id=message_id, digest=digest, outcome=outcome, detail=detail,
        prev_hash=prev_hash, subject=subject[:18], basis=basis[:80],
    )
    entry.hash = entry_hash(entry)
    conn.execute(_ADD_ENTRY, {c.name: getattr(entry, c.key) for c in _ENTRIES.columns})
    conn.execute(_MOVE_HEAD, {"p": entry.position, "h": entry.hash})
    session.info["sqlite_wrote"] = True
    if entry.position - checkpointed >= node.settings.audit_checkpoint_every:
        head = _head(session=session)
        session.refresh(head)
        _checkpoint(session=session, node=node, head=head)
        session.flush()
    return entry


def _checkpoint(*, session: Session, node: Node, head: AuditHead) -> None:
    message = f"{node.member}:{head.position}:{head.hash}".encode()
    session.add(
        AuditCheckpoint(position=head.position, hash=head.hash, at=clock.now(),
                        signature=node.sign(message))
    )
    head.checkpointed_position, head.checkpointed_at = head.position, clock.now()
    witness.publish_head(session=session, node=node, position=head.position, hash_=head.hash)


def checkpoint_if_due(*, session: Session, node: Node) -> bool:
    """Sign a checkpoint when entries are waiting and the last one is older than T seconds."""
    head = _head(session=session)
    if head.position == head.checkpointed_position:
        return False
    last = head.checkpointed_at
    if last is not None and (
            (clock.now() - last).total_seconds() < node.settings.audit_checkpoint_seconds):
        return False
    _checkpoint(session=session, node=node, head=head)
    session.flush()
    return True


def last_checkpoint(*, session: Session) -> AuditCheckpoint | None:
    """The newest signed checkpoint."""
    return session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.position.desc()))


@dataclass
class Verdict:
    """Outcome of walking the chain: `problem` is None when every check passed."""

    entries: int
    checkpoints: int
    problem: str | None = None
    position: int | None = None
    message: str = ""
    witnessed: int = 0  # peers' heads the log was checked against
    untrusted: int = 0  # heads offered as witnessed but not signed by the member

    @property
    def exit_code(self) -> int:
        """Process exit code for `chuanyu audit verify`."""
        return EXIT_CODES[self.problem or "ok"]


def _checkpoint_signed(member: str, key: signing.Ed25519PublicKey, cp: AuditCheckpoint) -> bool:
    return signing.verify(key, cp.signature, f"{member}:{cp.position}:{cp.hash}".encode())


def verify(*, session: Session, member: str, public_key: signing.Ed25519PublicKey,
           witnessed: Sequence[witness.SignedHead] = ()) -> Verdict:
    """Check the chain, then the peers' witnessed heads, the checkpoints and the head row.

    Names the first entry altered, removed or reordered; a log that no longer contains a head
    a peer witnessed is a `witness` problem, however consistent it is locally.
    """
    checkpoints = {c.position: c for c in session.scalars(select(AuditCheckpoint))}
    trusted = [h for h in witnessed if h.member == member
               and witness.head_is_signed(public_key, h)]
    wanted = {h.position: "" for h in trusted}
    prev_hash, expected, count = GENESIS, 1, 0
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.position).execution_options(
        yield_per=2000))
    for entry in rows:
        count += 1
        if entry_hash(entry) != entry.hash:
            return Verdict(count, 0, "altered", entry.position,
                           f"entry {entry.position} ({entry.name}, {entry.message_id}) was altered")
        if entry.position > expected:
            return Verdict(count, 0, "removed", expected,
                           f"entry {expected} is missing (next present is {entry.position})")
        if entry.position < expected or entry.prev_hash != prev_hash:
            return _broken_link(session=session, entry=entry, count=count)
        cp = checkpoints.get(entry.position)
        if cp is not None and cp.hash != entry.hash:
            # The signature tells which side was changed: the checkpoint or the entry.
            if not _checkpoint_signed(member, public_key, cp):
                return Verdict(count, 0, "checkpoint", cp.position,
                               f"checkpoint at {cp.position} was altered (bad signature)")
            return Verdict(count, 0, "altered", entry.position,
                           f"entry {entry.position} differs from the signed checkpoint")
        if entry.position in wanted:
            wanted[entry.position] = entry.hash
        prev_hash, expected = entry.hash, expected + 1
    verdict = Verdict(count, len(checkpoints), witnessed=len(trusted),
                      untrusted=len(witnessed) - len(trusted))
    problem = (_against_witnesses(trusted, wanted, expected - 1)
               or _against_checkpoints(checkpoints, member, public_key, expected - 1)
               or _against_head_row(session=session, last=expected - 1, last_hash=prev_hash))
    if problem is not None:
        verdict.problem, verdict.position, verdict.message = problem
    return verdict


def _against_witnesses(heads: list[witness.SignedHead], found: dict[int, str],
                       last: int) -> tuple[str, int, str] | None:
    """The lowest witnessed head the log no longer contains as it was."""
    for head in sorted(heads, key=lambda h: h.position):
        if head.position > last:
            return ("witness", head.position,
                    f"the log ends at {last} but a peer witnessed its head at {head.position} "
                    f"({head.at}): entries were removed")
        if found.get(head.position) != head.hash:
            return ("witness", head.position,
                    f"entry {head.position} differs from the head a peer witnessed ({head.at}): "
                    f"the log up to it was rewritten")
    return None


def _against_checkpoints(checkpoints: dict[int, AuditCheckpoint], member: str,
                         key: signing.Ed25519PublicKey, last: int) -> tuple[str, int, str] | None:
    for cp in sorted(checkpoints.values(), key=lambda c: c.position):
        if cp.position > last:
            return ("removed", last + 1,
                    f"entries from {last + 1} on are missing (checkpoint at {cp.position})")
        if not _checkpoint_signed(member, key, cp):
            return ("checkpoint", cp.position, f"checkpoint at {cp.position} has a bad signature")
    return None


def _against_head_row(
    *, session: Session, last: int, last_hash: str
) -> tuple[str, int, str] | None:
    """The node moves its head row with every append: the chain must end where it says."""
    head = session.get(AuditHead, 1)
    position, hash_ = (head.position, head.hash) if head is not None else (0, GENESIS)
    if position > last:
        return ("removed", last + 1,
                f"entries from {last + 1} on are missing (the chain head is at {position})")
    if position < last:
        return ("altered", position + 1,
                f"entries after {position} were not written by this node (its head is there)")
    if hash_ != last_hash:
        return ("altered", last, f"entry {last} differs from the chain head")
    return None


def _broken_link(*, session: Session, entry: AuditEntry, count: int) -> Verdict:
    """Tell a reordering (predecessor appears later) from a removal (predecessor gone)."""
    if entry.prev_hash == GENESIS:
        return Verdict(count, 0, "reordered", entry.position,
                       f"entry {entry.position} belongs at the start of the chain")
    origin = session.scalar(select(AuditEntry.position).where(AuditEntry.hash == entry.prev_hash))
    if origin is not None and origin > entry.position:
        return Verdict(count, 0, "reordered", entry.position,
                       f"entry {entry.position} is out of order (its predecessor is at {origin})")
    return Verdict(count, 0, "removed", entry.position,
                   f"the entry before {entry.position} was removed")


def count(*, session: Session) -> int:
    """Number of entries in the chain."""
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
