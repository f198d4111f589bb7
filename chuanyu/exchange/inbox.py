"""Applying incoming event batches: in order, once, in one transaction with the cursor."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.exchange.models import HeldEvent, InboxCursor, RefusedEvent
from chuanyu.exchange.registry import STREAMS, Stream, StreamEvent

if TYPE_CHECKING:
    from chuanyu.node import Node

log = logging.getLogger(__name__)


@dataclass
class IncomingEvent:
    """One event of a batch, as received."""

    seq: int
    event_type: str
    payload: str
    digest: str


@dataclass
class Refused:
    """An event stepped over without being applied (the stream goes on past it)."""

    seq: int
    event_type: str
    digest: str
    code: str
    detail: str


@dataclass
class BatchResult:
    """What applying a batch achieved."""

    applied_seq: int
    applied: int = 0
    duplicates: int = 0
    held: int = 0
    refused: list[Refused] = field(default_factory=list)
    error: str | None = None


def _cursor(*, session: Session, producer: str, stream: str) -> InboxCursor:
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


def applied_seq(*, session: Session, producer: str, stream: str) -> int:
    """Last sequence number applied from `producer`'s `stream`."""
    value = session.scalar(select(InboxCursor.applied_seq).where(
        InboxCursor.producer == producer, InboxCursor.stream == stream))
    return value or 0


def apply_batch(
    *, session: Session, node: Node, producer: str, stream: str, events: list[IncomingEvent]
) -> BatchResult:
    """Apply what can be applied in sequence; hold events that arrive after a gap.

    An event writing a record `producer` does not own is refused (`not_owner`): nothing of it
    is applied, it is kept in `exchange_inbox_refused`, and the cursor moves past it.
    """
    consumer = STREAMS[stream]
    cursor = _cursor(session=session, producer=producer, stream=stream)
    result = BatchResult(applied_seq=cursor.applied_seq)
    pending: dict[int, IncomingEvent] = {}
    for event in sorted(events, key=lambda e: e.seq):
        if event.seq <= cursor.applied_seq:
            result.duplicates += 1
        else:
            pending[event.seq] = event
    held_rows = {h.seq: h for h in session.scalars(select(HeldEvent).where(
        HeldEvent.producer == producer, HeldEvent.stream == stream))}
    screened = _screen(
        session=session,
        consumer=consumer,
        producer=producer,
        run=_contiguous(cursor.applied_seq, pending, held_rows),
        result=result,
    )
    done = screened[
        : _apply(
            session=session,
            node=node,
            consumer=consumer,
            producer=producer,
            screened=screened,
            result=result,
        )
    ]
    for item in done:
        held = held_rows.pop(item.event.seq, None)
        if held is not None:
            session.delete(held)
        pending.pop(item.event.seq, None)
        if item.refusal is not None:
            _keep_refused(session=session, producer=producer, stream=stream, item=item)
            result.refused.append(item.refusal)
    cursor.applied_seq += len(done)
    result.applied = len(done) - len(result.refused)
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


@dataclass
class _Screened:
    """An event of the run with its decoded payload, and its refusal if it must not apply."""

    event: Any
    payload: dict[str, Any]
    refusal: Refused | None


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


def _screen(*, session: Session, consumer: Stream, producer: str, run: list[Any],
            result: BatchResult) -> list[_Screened]:
    """Decode the run and mark the events writing records `producer` does not own.

    An event whose owners cannot be read stops the run there, like one that fails to apply.
    """
    out: list[_Screened] = []
    for event in run:
        try:
            payload = json.loads(event.payload)
            if consumer.owner.stored is None:
                owners = consumer.owner.owners(session, event.event_type, payload)
            else:
                with session.begin_nested():  # a failed lookup must not spoil the transaction
                    owners = consumer.owner.owners(session, event.event_type, payload)
        except Exception as exc:  # an unreadable event must not take the receiving node down
            log.exception("reading the owners of %s event %s failed", producer, event.seq)
            result.error = f"seq {event.seq}: {type(exc).__name__}: {exc}"
            break
        others = sorted(owners - {producer})
        refusal = None
        if others:
            detail = f"{producer} 不是该事件所写记录的所有方（所有方：{'、'.join(others)}）"
            refusal = Refused(event.seq, event.event_type, event.digest, "not_owner", detail)
        out.append(_Screened(event, payload, refusal))
    return out


def _keep_refused(*, session: Session, producer: str, stream: str, item: _Screened) -> None:
    refusal = item.refusal
    assert refusal is not None
    session.add(RefusedEvent(producer=producer, stream=stream, seq=refusal.seq,
                             event_type=refusal.event_type, code=refusal.code,
                             detail=refusal.detail, payload=item.event.payload,
                             digest=refusal.digest, refused_at=clock.now()))


def _call(*, session: Session, node: Node, consumer: Stream, producer: str,
          run: list[_Screened]) -> None:
    if consumer.batched:
        events = [StreamEvent(s.event.seq, s.event.event_type, s.payload) for s in run]
        consumer.apply(session=session, node=node, producer=producer, events=events)
        return
    for item in run:
        consumer.apply(session=session, node=node, producer=producer,
                       event_type=item.event.event_type, payload=item.payload,
                       seq=item.event.seq)


def _apply(*, session: Session, node: Node, consumer: Stream, producer: str,
           screened: list[_Screened], result: BatchResult) -> int:
    """Apply the events not refused; how many of `screened` are now behind the cursor."""
    accepted = [s for s in screened if s.refusal is None]
    if not accepted or _apply_all(
        session=session, node=node, consumer=consumer, producer=producer, run=accepted
    ):
        return len(screened)
    failed = _apply_until_failure(
        session=session,
        node=node,
        consumer=consumer,
        producer=producer,
        run=accepted,
        result=result,
    )
    if failed is None:
        return len(screened)
    return next(i for i, s in enumerate(screened) if s.event.seq == failed)


def _apply_all(*, session: Session, node: Node, consumer: Stream, producer: str,
               run: list[_Screened]) -> bool:
    """Apply a whole run in one savepoint (the fast path); False if any event failed."""
    try:
        with session.begin_nested():
            _call(session=session, node=node, consumer=consumer, producer=producer, run=run)
            session.flush()
    except Exception:  # retried one by one to find and report the failing event
        return False
    return True


def _apply_until_failure(*, session: Session, node: Node, consumer: Stream, producer: str,
                         run: list[_Screened], result: BatchResult) -> int | None:
    """Apply one event per savepoint up to the first failure; the failing seq, if any."""
    for item in run:
        try:
            with session.begin_nested():
                _call(session=session, node=node, consumer=consumer, producer=producer, run=[item])
                session.flush()
        except Exception as exc:  # a poison event must not take the receiving node down
            log.exception("applying %s event %s failed", producer, item.event.seq)
            result.error = f"seq {item.event.seq}: {type(exc).__name__}: {exc}"
            return int(item.event.seq)
    return None
