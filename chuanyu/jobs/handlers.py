"""Applying the other region's posting events (stream `jobs.postings`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from chuanyu.exchange import registry
from chuanyu.exchange.registry import StreamEvent
from chuanyu.jobs import events as posting_events
from chuanyu.jobs.service import replica
from chuanyu.node import Node


@registry.stream(
    posting_events.STREAM,
    owner=registry.Ownership(claimed=replica.claimed_origins, stored=replica.stored_origins),
    batched=True,
)
def apply_posting_events(
    *, session: Session, node: Node, producer: str, events: list[StreamEvent]
) -> None:
    """Upsert a whole run of the peer's events into our replica at once (the newest version
    of each posting wins); the index follows after the consumer's commit."""
    del producer, node
    employers: list[dict[str, Any]] = []
    postings: list[dict[str, Any]] = []
    for event in events:
        emps, posts = posting_events.decode(event.event_type, event.payload)
        employers += emps
        postings += posts
    replica.apply_rows(session=session, employers=employers, postings=postings)
