"""Services and streams every node offers: a signed ping and a probe stream for delivery checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from pydantic import BaseModel, Field
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.exchange import registry
from chuanyu.exchange.models import ProbeEvent

if TYPE_CHECKING:
    from chuanyu.node import Node

PROBE_STREAM = "exchange.probe"


class Ping(BaseModel):
    """A ping carrying an arbitrary note (its size is up to the caller)."""

    note: str = Field(default="", max_length=1_000_000)


class Pong(BaseModel):
    """The answer to a ping."""

    member: str
    note: str
    at: str


@registry.service("exchange.ping", request=Ping, response=Pong)
def ping(*, session: Session, node: Node, caller: str, request: Ping) -> Pong:  # noqa: ARG001
    """Answer a signed ping: proves keys, access rights and the audit path end to end."""
    return Pong(member=node.member, note=request.note, at=clock.now().isoformat())


@registry.stream(PROBE_STREAM, owner=registry.PRODUCER_ONLY, batched=True)
def apply_probe(*, session: Session, node: Node, producer: str,  # noqa: ARG001
                events: list[registry.StreamEvent]) -> None:
    """Keep each probe event in the order it was applied (one multi-row insert per run)."""
    now = clock.now()
    session.connection().execute(insert(cast(Table, ProbeEvent.__table__)), [
        {"producer": producer, "seq": e.seq, "note": str(e.payload.get("note", "")),
         "applied_at": now} for e in events])
