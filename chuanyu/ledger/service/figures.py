"""Reported figures: totals as published, kept apart from the ledger's own counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.exchange import outbox
from chuanyu.ledger.errors import EntryExists, NotOwner
from chuanyu.ledger.models import LedgerFigure
from chuanyu.ledger.schemas import FigureCreate, FigureRead
from chuanyu.ledger.service.convert import to_figure_read
from chuanyu.ledger.service.entries import STREAM


def _new_figure(fig_id: str, owner: str, data: FigureCreate | FigureRead) -> LedgerFigure:
    """A figure row as first recorded, whether here or as a replica."""
    return LedgerFigure(
        id=fig_id,
        owner=owner,
        metric=data.metric,
        value=data.value,
        as_of_date=data.as_of,
        qualifier=data.qualifier,
        source=data.source,
        note=data.note,
        version=1,
        created_at=clock.now(),
    )


def put_figure(*, session: Session, member: str, data: FigureCreate) -> LedgerFigure:
    """Insert a figure owned by `member` and publish it (flushes only)."""
    fig_id = data.id or f"{member.lower()}-{data.metric}-{data.as_of.isoformat()}"
    if session.get(LedgerFigure, fig_id) is not None:
        raise EntryExists(f"公布数 {fig_id} 已存在")
    row = _new_figure(fig_id, member, data)
    session.add(row)
    session.flush()
    outbox.publish(
        session=session,
        stream=STREAM,
        event_type="figure.upserted",
        payload=to_figure_read(row).model_dump(mode="json"),
    )
    return row


def add_figure(*, session: Session, member: str, data: FigureCreate) -> FigureRead:
    """Record a published total."""
    row = put_figure(session=session, member=member, data=data)
    return to_figure_read(row)


def list_figures(*, session: Session, metric: str | None = None) -> list[FigureRead]:
    """Published totals, by metric and date."""
    query = select(LedgerFigure).order_by(LedgerFigure.metric, LedgerFigure.as_of_date)
    if metric:
        query = query.where(LedgerFigure.metric == metric)
    return [to_figure_read(r) for r in session.scalars(query)]


def apply_remote_figure(*, session: Session, producer: str, payload: dict[str, Any]) -> None:
    """Store the replica of a figure the other node recorded (flushes only)."""
    data = FigureRead.model_validate(payload)
    if data.owner != producer:
        raise NotOwner(f"{producer} 无权发布属于 {data.owner} 的公布数")
    row = session.get(LedgerFigure, data.id)
    if row is not None:
        if row.owner != producer:
            raise NotOwner(f"公布数 {data.id} 属于 {row.owner}")
        return
    session.add(_new_figure(data.id, producer, data))
    session.flush()
