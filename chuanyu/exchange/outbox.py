"""Publishing events: written to the outbox in the caller's own transaction."""

from __future__ import annotations

import json
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.exchange import limits
from chuanyu.exchange.envelope import canonical_json
from chuanyu.exchange.models import Delivery, OutboxEvent, StreamHead
from chuanyu.exchange.signing import digest


def event_digest(stream: str, seq: int, event_type: str, payload: str) -> str:
    """Digest identifying one event; the leaves of a batch's digest tree."""
    return digest(canonical_json([stream, seq, event_type, payload]))


_HEADS = cast(Table, StreamHead.__table__)
_BUMP = (update(_HEADS).where(_HEADS.c.stream == bindparam("s"))
         .values(last_seq=_HEADS.c.last_seq + 1).returning(_HEADS.c.last_seq))
_FIRST = insert(_HEADS).values(stream=bindparam("s"), last_seq=1)
_ADD = insert(cast(Table, OutboxEvent.__table__))


def _next_seq(*, session: Session, stream: str) -> int:
    # Core statements on the session's connection: they share its transaction and savepoints,
    # so a rolled-back savepoint takes its sequence numbers with it (no gaps).
    conn = session.connection()
    result = conn.execute(_BUMP, {"s": stream}).scalar()
    if result is not None:
        return int(result)
    try:
        with session.begin_nested():
            session.connection().execute(_FIRST, {"s": stream})
    except IntegrityError:
        # Another process of the node published the stream's first event meanwhile.
        return int(session.connection().execute(_BUMP, {"s": stream}).scalar_one())
    return 1


def publish(*, session: Session, stream: str, event_type: str, payload: dict[str, Any]) -> int:
    """Add an event to `stream`; it is sent only if the caller's transaction commits.

    An event too large for any batch to carry to the stream's subscribers is refused here
    (`limits.EventTooLarge`, 422), before it could block the stream.
    """
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    limits.refuse_if_too_large(session.info.get("node"), stream, event_type, body)
    seq = _next_seq(session=session, stream=stream)
    session.connection().execute(_ADD, {
        "stream": stream, "seq": seq, "event_type": event_type, "payload": body,
        "digest": event_digest(stream, seq, event_type, body), "created_at": clock.now()})
    session.info["sqlite_wrote"] = True
    _wake_relay_after_commit(session=session)
    return seq


def _wake_relay_after_commit(*, session: Session) -> None:
    if session.info.get("wakes_relay"):
        return
    session.info["wakes_relay"] = True

    def _wake(sess: Session) -> None:
        node = sess.info.get("node")
        relay = getattr(node, "relay", None)
        if relay is not None:
            relay.wake()

    event.listen(session, "after_commit", _wake)


def last_seq(*, session: Session, stream: str) -> int:
    """Highest sequence number published on `stream`."""
    return session.scalar(select(StreamHead.last_seq).where(StreamHead.stream == stream)) or 0


def find_seq(*, session: Session, stream: str, event_type: str, mentioning: str) -> int | None:
    """The newest event of `event_type` on `stream` whose payload contains `mentioning` (an
    exact JSON fragment such as `"case_number": "CQ-…"`), or None."""
    return session.scalar(
        select(OutboxEvent.seq)
        .where(OutboxEvent.stream == stream, OutboxEvent.event_type == event_type,
               OutboxEvent.payload.contains(mentioning, autoescape=True))
        .order_by(OutboxEvent.seq.desc()).limit(1))


def acknowledged(*, session: Session, subscriber: str, stream: str, seq: int) -> bool:
    """True once `subscriber` has acknowledged `stream` up to event `seq`."""
    acked = session.scalar(select(Delivery.acked_seq).where(
        Delivery.subscriber == subscriber, Delivery.stream == stream))
    return acked is not None and acked >= seq
