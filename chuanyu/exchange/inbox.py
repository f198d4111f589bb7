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
from chuanyu.exchange.registry import STREAMS

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
    while True:
        nxt = cursor.applied_seq + 1
        incoming = pending.pop(nxt, None)
        held = held_rows.pop(nxt, None)
        if incoming is None and held is None:
            break
        source: Any = incoming or held
        error = _apply_one(session, node, consumer.apply, producer, source)
        if error:
            result.error = f"seq {nxt}: {error}"
            cursor.last_error = result.error
            if incoming is not None:
                pending[nxt] = incoming
            break
        if held is not None:
            session.delete(held)
        cursor.applied_seq = nxt
        result.applied += 1
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


def _apply_one(session: Session, node: Node, apply: Any, producer: str, event: Any) -> str | None:
    """Run the stream's consumer in a savepoint; a failing event stops the batch, not the node."""
    try:
        with session.begin_nested():
            apply(session=session, node=node, producer=producer, event_type=event.event_type,
                  payload=json.loads(event.payload), seq=event.seq)
    except Exception as exc:  # a poison event must not take the receiving node down
        log.exception("applying %s event %s failed", producer, event.seq)
        return f"{type(exc).__name__}: {exc}"
    return None
