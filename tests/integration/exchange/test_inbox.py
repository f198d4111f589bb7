"""Applying batches: in order, once; gaps held until filled; a failing event stops the run."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from chuanyu.exchange import inbox, registry
from chuanyu.exchange.builtin import PROBE_STREAM
from chuanyu.exchange.models import HeldEvent, ProbeEvent
from chuanyu.exchange.outbox import event_digest
from tests.conftest import Db


def _events(*seqs: int, stream: str = PROBE_STREAM) -> list[inbox.IncomingEvent]:
    out = []
    for seq in seqs:
        payload = json.dumps({"note": f"n{seq}"})
        out.append(inbox.IncomingEvent(seq, "probe", payload,
                                       event_digest(stream, seq, "probe", payload)))
    return out


def _apply(db: Db, *seqs: int, stream: str = PROBE_STREAM) -> inbox.BatchResult:
    with db.scope() as session:
        return inbox.apply_batch(
            session=session,
            node=db.node,
            producer="SC",
            stream=stream,
            events=_events(*seqs, stream=stream),
        )


def _applied(db: Db) -> list[int]:
    with db.scope() as session:
        return list(session.scalars(select(ProbeEvent.seq).order_by(ProbeEvent.id)))


def test_events_after_a_gap_are_held_until_it_is_filled(db: Db) -> None:
    result = _apply(db, 3, 4)
    assert (result.applied_seq, result.applied, result.held) == (0, 0, 2)
    assert _applied(db) == []
    result = _apply(db, 1, 2)
    assert (result.applied_seq, result.applied) == (4, 4)
    assert _applied(db) == [1, 2, 3, 4]
    with db.scope() as session:
        assert session.scalar(select(func.count()).select_from(HeldEvent)) == 0


def test_duplicates_are_ignored(db: Db) -> None:
    _apply(db, 1, 2, 3)
    result = _apply(db, 2, 3, 4)
    assert (result.duplicates, result.applied, result.applied_seq) == (2, 1, 4)
    assert _applied(db) == [1, 2, 3, 4]


def test_a_failing_event_stops_the_run_and_keeps_what_came_before(db: Db) -> None:
    calls: list[int] = []

    @registry.stream("test.fragile")
    def fragile(*, session, node, producer, event_type, payload, seq) -> None:  # type: ignore[no-untyped-def]
        calls.append(seq)
        if seq == 3:
            raise ValueError("cannot apply 3")

    try:
        result = _apply(db, 1, 2, 3, 4, stream="test.fragile")
        assert result.applied_seq == 2 and result.error is not None and "seq 3" in result.error
        again = _apply(db, 3, 4, stream="test.fragile")
        assert again.applied_seq == 2, "the poison event must hold back those after it"
    finally:
        registry.STREAMS.pop("test.fragile")
