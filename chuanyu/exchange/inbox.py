"""Applying incoming event batches: in order, once, in one transaction with the cursor."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.exchange.models import HeldEvent, InboxCursor
from chuanyu.exchange.registry import STREAMS, Stream, StreamEvent

if TYPE_CHECKING:
    from chuanyu.core.node import Node

log = logging.getLogger(__name__)


@dataclass
class IncomingEvent:
    """One event of a batch, as received."""

    seq: int
    event_type: str
    payload: str
    digest: str


@dataclass
class BatchResult:
    """What applying a batch achieved."""

    applied_seq: int
    applied: int = 0
    duplicates: int = 0
    held: int = 0
    error: str | None = None


def _cursor(session: Session, producer: str, stream: str) -> InboxCursor:
    query = select(InboxCursor).where(InboxCursor.producer == producer,
                                      InboxCursor.stream == stream)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    cursor = session.scalar(query)
    if cursor is None:
        cursor = InboxCursor(producer=producer, stream=stream, applied_seq=0)
        session.add(cursor)
        session.flush()
    return cursor


def applied_seq(session: Session, producer: str, stream: str) -> int:
    """Last sequence number applied from `producer`'s `stream`."""
    value = session.scalar(select(InboxCursor.applied_seq).where(
        InboxCursor.producer == producer, InboxCursor.stream == stream))
    return value or 0


def apply_batch(
    session: Session, node: Node, producer: str, stream: str, events: list[IncomingEvent]
) -> BatchResult:
    """Apply what can be applied in sequence; hold events that arrive after a gap."""
    consumer = STREAMS[stream]
    cursor = _cursor(session, producer, stream)
    result = BatchResult(applied_seq=cursor.applied_seq)
    pending: dict[int, IncomingEvent] = {}
    for event in sorted(events, key=lambda e: e.seq):
        if event.seq <= cursor.applied_seq:
            result.duplicates += 1
        else:
            pending[event.seq] = event
    held_rows = {h.seq: h for h in session.scalars(select(HeldEvent).where(
        HeldEvent.producer == producer, HeldEvent.stream == stream))}
    run = _contiguous(cursor.applied_seq, pending, held_rows)
    if run and not _apply_all(session, node, consumer, producer, run):
        run = _apply_until_failure(session, node, consumer, producer, run, result)
    for event in run:
        held = held_rows.pop(event.seq, None)
        if held is not None:
            session.delete(held)
        pending.pop(event.seq, None)
    cursor.applied_seq += len(run)
    result.applied = len(run)
    if result.error:
        cursor.last_error = result.error
    for seq, event in pending.items():
        if seq > cursor.applied_seq + 1 and seq not in held_rows and result.error is None:
            session.add(HeldEvent(producer=producer, stream=stream, seq=seq,
                                  event_type=event.event_type, payload=event.payload,
                                  digest=event.digest))
            result.held += 1
    if result.error is None:
        cursor.last_error = None
    cursor.updated_at = clock.now()
    result.applied_seq = cursor.applied_seq
    session.flush()
    return result


def _contiguous(applied: int, pending: dict[int, IncomingEvent],
                held: dict[int, HeldEvent]) -> list[Any]:
    """The events that follow `applied` without a gap, from the batch or from those held."""
    run: list[Any] = []
    nxt = applied + 1
    while True:
        event = pending.get(nxt) or held.get(nxt)
        if event is None:
            return run
        run.append(event)
        nxt += 1


def _call(session: Session, node: Node, consumer: Stream, producer: str, run: list[Any]) -> None:
    if consumer.batched:
        events = [StreamEvent(e.seq, e.event_type, json.loads(e.payload)) for e in run]
        consumer.apply(session=session, node=node, producer=producer, events=events)
        return
    for event in run:
        consumer.apply(session=session, node=node, producer=producer,
                       event_type=event.event_type, payload=json.loads(event.payload),
                       seq=event.seq)


def _apply_all(session: Session, node: Node, consumer: Stream, producer: str,
               run: list[Any]) -> bool:
    """Apply a whole run in one savepoint (the fast path); False if any event failed."""
    try:
        with session.begin_nested():
            _call(session, node, consumer, producer, run)
            session.flush()
    except Exception:  # retried one by one to find and report the failing event
        return False
    return True


def _apply_until_failure(session: Session, node: Node, consumer: Stream, producer: str,
                         run: list[Any], result: BatchResult) -> list[Any]:
    """Apply one event per savepoint up to the first failure; a poison event stops the run."""
    done = []
    for event in run:
        try:
            with session.begin_nested():
                _call(session, node, consumer, producer, [event])
                session.flush()
        except Exception as exc:  # a poison event must not take the receiving node down
            log.exception("applying %s event %s failed", producer, event.seq)
            result.error = f"seq {event.seq}: {type(exc).__name__}: {exc}"
            break
        done.append(event)
    return done
