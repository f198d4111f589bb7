"""Pruning what the exchange no longer needs: outbox events every subscriber acknowledged
longer ago than the retention time, and idempotency keys past their window.

Rows go in small batches, one short transaction each, so a large backlog never holds the
database for long. Unacknowledged events are never deleted (nor events of a stream nobody
subscribes to); the audit log is never touched. `chuanyu exchange prune` runs it by hand, the
relay's housekeeping every `EVERY_S`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.db import write_scope
from chuanyu.core.models import IdempotentRequest
from chuanyu.exchange.models import Delivery, IdempotentCall, OutboxEvent

if TYPE_CHECKING:
    from chuanyu.node import Node

log = logging.getLogger(__name__)

BATCH = 500  # rows deleted per transaction
EVERY_S = 3600.0  # how often the relay's housekeeping prunes
BACKGROUND_BATCHES = 40  # at most this many batches per table in one background run
# A caller retries a service call under its key within minutes (an officer within days): the
# provider's stored answers are kept this long.
CALL_KEY_WINDOW = timedelta(days=7)


@dataclass
class Pruned:
    """Rows pruned (or, in a dry run, that would be) per table."""

    outbox: int = 0
    exchange_calls: int = 0
    api_requests: int = 0

    @property
    def total(self) -> int:
        """Rows in every table."""
        return self.outbox + self.exchange_calls + self.api_requests


def acknowledged_floors(*, session: Session, node: Node) -> dict[str, int]:
    """Per stream this node feeds: the highest sequence number every subscriber acknowledged."""
    acked = {(d.subscriber, d.stream): d.acked_seq for d in session.scalars(select(Delivery))}
    floors: dict[str, int] = {}
    for subscriber, stream in node.descriptor.subscriptions_of(node.member):
        seen = acked.get((subscriber, stream), 0)
        floors[stream] = min(floors.get(stream, seen), seen)
    return floors


def _outbox_filters(*, session: Session, node: Node, cutoff: datetime) -> list[Any]:
    return [
        (OutboxEvent.stream == stream)
        & (OutboxEvent.seq <= floor)
        & (OutboxEvent.created_at < cutoff)
        for stream, floor in acknowledged_floors(session=session, node=node).items()
        if floor > 0
    ]


def _targets(node: Node, now: datetime) -> list[tuple[str, Any, Any]]:
    """(counter, primary-key column, condition factory) per table pruned."""
    cutoff = now - timedelta(days=node.settings.outbox_retention_days)
    return [
        ("outbox", OutboxEvent.id, lambda s: _outbox_filters(session=s, node=node, cutoff=cutoff)),
        ("exchange_calls", None, lambda _s: [IdempotentCall.created_at < now - CALL_KEY_WINDOW]),
        ("api_requests", IdempotentRequest.id, lambda _s: [IdempotentRequest.expires_at <= now]),
    ]


def count(*, session: Session, node: Node) -> Pruned:
    """What a prune would delete now (a dry run)."""
    out = Pruned()
    for name, _key, conditions in _targets(node, clock.now()):
        table = _TABLES[name]
        n = sum(session.scalar(select(func.count()).select_from(table).where(c)) or 0
                for c in conditions(session))
        setattr(out, name, int(n))
    return out


def prune_batch(*, session: Session, node: Node, table: str, now: datetime,
                limit: int = BATCH) -> int:
    """Delete up to `limit` prunable rows of one table (`Pruned` field name); flush only."""
    _name, key, conditions = next(t for t in _targets(node, now) if t[0] == table)
    model = _TABLES[table]
    done = 0
    for condition in conditions(session):
        if key is None:  # composite primary key: pick rows by it
            rows = session.execute(select(IdempotentCall.caller, IdempotentCall.service,
                                          IdempotentCall.key).where(condition)
                                   .limit(limit - done)).all()
            for caller, service, call_key in rows:
                session.execute(delete(IdempotentCall).where(
                    IdempotentCall.caller == caller, IdempotentCall.service == service,
                    IdempotentCall.key == call_key))
            done += len(rows)
        else:
            ids = list(session.scalars(select(key).where(condition).order_by(key)
                                       .limit(limit - done)))
            if ids:
                session.execute(delete(model).where(key.in_(ids)))
            done += len(ids)
        if done >= limit:
            break
    session.flush()
    return done


def prune(node: Node, *, max_batches: int | None = None, batch: int = BATCH) -> Pruned:
    """Prune every table in batches of `batch` rows, each batch its own transaction."""
    now = clock.now()
    out = Pruned()
    for name in ("outbox", "exchange_calls", "api_requests"):
        batches = 0
        while max_batches is None or batches < max_batches:
            with write_scope(node) as session:
                n = prune_batch(session=session, node=node, table=name, now=now, limit=batch)
            setattr(out, name, getattr(out, name) + n)
            batches += 1
            if n < batch:
                break
    if out.total:
        log.info("pruned %d acknowledged outbox events, %d exchange and %d API idempotency "
                 "keys", out.outbox, out.exchange_calls, out.api_requests)
    return out


_TABLES: dict[str, Any] = {"outbox": OutboxEvent, "exchange_calls": IdempotentCall,
                           "api_requests": IdempotentRequest}
