"""Replication of the ledger: the other region's entries and figures arrive on `ledger.entries`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.exchange.registry import Ownership, stream
from chuanyu.ledger.models import LedgerEntry, LedgerFigure
from chuanyu.ledger.service.entries import STREAM, apply_remote_delete, apply_remote_entry
from chuanyu.ledger.service.figures import apply_remote_figure
from chuanyu.node import Node


def claimed_owner(event_type: str, payload: dict[str, Any]) -> list[str]:
    """The owner an upserted entry or figure names (a deletion names none)."""
    return [] if event_type == "entry.deleted" else [str(payload["owner"])]


def stored_owner(session: Session, event_type: str, payload: dict[str, Any]) -> list[str]:
    """The owner of the entry or figure this node already holds under the event's id."""
    table = LedgerFigure if event_type == "figure.upserted" else LedgerEntry
    owner = session.scalar(select(table.owner).where(table.id == str(payload["id"])))
    return [] if owner is None else [owner]


@stream(STREAM, owner=Ownership(claimed=claimed_owner, stored=stored_owner))
def apply_ledger_event(
    *,
    session: Session,
    node: Node,
    producer: str,
    event_type: str,
    payload: dict[str, Any],
    seq: int,
) -> None:
    """Apply one replicated ledger event in the consumer's transaction."""
    del node, seq  # ordering and de-duplication are the inbox's job
    if event_type == "entry.upserted":
        apply_remote_entry(session=session, producer=producer, payload=payload)
    elif event_type == "entry.deleted":
        apply_remote_delete(session=session, producer=producer, payload=payload)
    elif event_type == "figure.upserted":
        apply_remote_figure(session=session, producer=producer, payload=payload)
    else:
        raise ValueError(f"unknown ledger event type {event_type!r}")
