"""Backlog, lag and inbox state of a node, for the status page and `chuanyu exchange status`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.exchange import audit
from chuanyu.exchange.models import (
    AuditEntry,
    Delivery,
    HeldEvent,
    InboxCursor,
    OutboxEvent,
    RefusedEvent,
    StreamHead,
)

RECENT_AUDIT = 10_000  # refusal counts cover this many of the newest audit entries

if TYPE_CHECKING:
    from chuanyu.node import Node


def outbound(*, session: Session, node: Node) -> list[dict[str, Any]]:
    """Per (subscriber, stream): published, acknowledged, backlog and age of the oldest unsent."""
    heads = {h.stream: h.last_seq for h in session.scalars(select(StreamHead))}
    deliveries = {(d.subscriber, d.stream): d for d in session.scalars(select(Delivery))}
    rows = []
    for subscriber, stream in node.descriptor.subscriptions_of(node.member):
        last = heads.get(stream, 0)
        delivery = deliveries.get((subscriber, stream))
        acked = delivery.acked_seq if delivery else 0
        lag_s = None
        if last > acked:
            oldest = session.scalar(select(OutboxEvent.created_at).where(
                OutboxEvent.stream == stream, OutboxEvent.seq == acked + 1))
            if oldest is not None:
                lag_s = round((clock.now() - clock.aware(oldest)).total_seconds(), 3)
        rows.append({"subscriber": subscriber, "stream": stream, "published": last,
                     "acked": acked, "backlog": last - acked, "lag_s": lag_s,
                     "last_error": delivery.last_error if delivery else None})
    return rows


def inbound(*, session: Session) -> list[dict[str, Any]]:
    """Per (producer, stream): applied sequence, events held behind a gap, last error."""
    held = dict(session.execute(
        select(HeldEvent.producer + ":" + HeldEvent.stream, func.count())
        .group_by(HeldEvent.producer, HeldEvent.stream)).all())
    return [{"producer": c.producer, "stream": c.stream, "applied": c.applied_seq,
             "held": held.get(f"{c.producer}:{c.stream}", 0), "last_error": c.last_error}
            for c in session.scalars(select(InboxCursor).order_by(InboxCursor.producer,
                                                                  InboxCursor.stream))]


def refusals(*, session: Session) -> dict[str, int]:
    """Incoming messages refused, by code, among the newest audit entries."""
    newest = session.scalar(select(func.max(AuditEntry.position))) or 0
    rows = session.execute(
        select(AuditEntry.outcome, func.count())
        .where(AuditEntry.position > newest - RECENT_AUDIT, AuditEntry.direction == "in",
               AuditEntry.outcome.not_in(("ok", "partial")))
        .group_by(AuditEntry.outcome).order_by(AuditEntry.outcome))
    return {outcome: int(n) for outcome, n in rows}


def refused_events(*, session: Session) -> list[dict[str, Any]]:
    """Events stepped over unapplied, per (producer, stream, code), with the newest seq."""
    rows = session.execute(
        select(RefusedEvent.producer, RefusedEvent.stream, RefusedEvent.code, func.count(),
               func.max(RefusedEvent.seq))
        .group_by(RefusedEvent.producer, RefusedEvent.stream, RefusedEvent.code)
        .order_by(RefusedEvent.producer, RefusedEvent.stream, RefusedEvent.code))
    return [{"producer": p, "stream": s, "code": c, "events": int(n), "last_seq": int(last)}
            for p, s, c, n, last in rows]


def summary(*, session: Session, node: Node) -> dict[str, Any]:
    """Everything the status page shows about the exchange."""
    out = outbound(session=session, node=node)
    checkpoint = audit.last_checkpoint(session=session)
    return {
        "member": node.member,
        "outbound": out,
        "inbound": inbound(session=session),
        "backlog": sum(r["backlog"] for r in out),
        "refusals": refusals(session=session),
        "refused_events": refused_events(session=session),
        "audit_entries": audit.count(session=session),
        "last_checkpoint": None if checkpoint is None else {
            "position": checkpoint.position, "hash": checkpoint.hash,
            "at": clock.aware(checkpoint.at).isoformat()},
    }
