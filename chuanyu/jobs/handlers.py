"""Applying the other region's posting events (stream `jobs.postings`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from chuanyu.core.node import Node
from chuanyu.exchange import registry
from chuanyu.jobs import events
from chuanyu.jobs.service import replica


@registry.stream(events.STREAM)
def apply_posting_event(
    *, session: Session, node: Node, producer: str, event_type: str, payload: dict[str, Any],
    seq: int,
) -> None:  # fmt: skip
    """Upsert the peer's postings into our replica; the index follows after commit."""
    del producer, seq, node
    replica.apply_event(session, event_type, payload)
