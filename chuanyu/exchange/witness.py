"""Audit heads witnessed by peers: each checkpoint's signed head is sent to every other member.

A node's administrator can rewrite the node's own tables, checkpoints included, but not the
heads its peers already hold: `audit.verify` compares the local log with them.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.exchange import outbox, registry, signing
from chuanyu.exchange.models import WitnessedHead

if TYPE_CHECKING:
    from chuanyu.node import Node

log = logging.getLogger(__name__)

HEAD_STREAM = "exchange.audit_heads"
QUERY_SERVICE = "exchange.audit_witnessed"
MAX_HEADS = 1000


class SignedHead(BaseModel):
    """A member's audit head at one checkpoint: position, hash, time, its signature."""

    member: str = Field(max_length=8)
    position: int = Field(ge=1, lt=2**63)
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    at: str = Field(max_length=40)
    signature: str = Field(max_length=128)


class WitnessQuery(BaseModel):
    """Which of the caller's heads to return: the newest `limit`."""

    limit: int = Field(default=100, ge=1, le=MAX_HEADS)


class WitnessedHeads(BaseModel):
    """Heads of one member as witnessed by another, newest first."""

    witness: str
    member: str
    heads: list[SignedHead]


def head_message(member: str, position: int, hash_: str, at: str) -> bytes:
    """The exact bytes a head's signature covers."""
    return f"chuanyu-audit-head/1\n{member}\n{position}\n{hash_}\n{at}".encode()


def head_is_signed(key: Ed25519PublicKey, head: SignedHead) -> bool:
    """True when `head` carries its member's valid signature."""
    return signing.verify(key, head.signature,
                          head_message(head.member, head.position, head.hash, head.at))


def publish_head(*, session: Session, node: Node, position: int, hash_: str) -> None:
    """Send the signed head to every peer, in the checkpoint's own transaction."""
    at = clock.now().isoformat()
    head = SignedHead(member=node.member, position=position, hash=hash_, at=at,
                      signature=node.sign(head_message(node.member, position, hash_, at)))
    outbox.publish(
        session=session, stream=HEAD_STREAM, event_type="audit.head", payload=head.model_dump()
    )


@registry.stream(HEAD_STREAM, owner=registry.PRODUCER_ONLY)
def apply_head(*, session: Session, node: Node, producer: str, event_type: str,  # noqa: ARG001
               payload: dict[str, Any], seq: int) -> None:  # noqa: ARG001
    """Keep a peer's head; one that is not its own or not signed by it is refused."""
    head = SignedHead.model_validate(payload)
    if head.member != producer or not head_is_signed(node.descriptor.public_key(producer), head):
        raise ValueError(f"head at {head.position} is not signed by its producer {producer}")
    known = session.scalar(select(WitnessedHead).where(WitnessedHead.member == producer,
                                                       WitnessedHead.position == head.position))
    if known is not None:
        return
    session.add(WitnessedHead(member=producer, position=head.position, hash=head.hash,
                              at=head.at, signature=head.signature, received_at=clock.now()))


def witnessed_of(*, session: Session, member: str, limit: int = MAX_HEADS) -> list[SignedHead]:
    """The newest heads of `member` this node witnessed, newest first."""
    rows = session.scalars(select(WitnessedHead).where(WitnessedHead.member == member)
                           .order_by(WitnessedHead.position.desc()).limit(limit))
    return [SignedHead(member=r.member, position=r.position, hash=r.hash, at=r.at,
                       signature=r.signature) for r in rows]


@registry.service(QUERY_SERVICE, request=WitnessQuery, response=WitnessedHeads)
def answer_query(*, session: Session, node: Node, caller: str,
                 request: WitnessQuery) -> WitnessedHeads:
    """Tell a member which of its own heads this node witnessed."""
    return WitnessedHeads(witness=node.member, member=caller,
                          heads=witnessed_of(session=session, member=caller, limit=request.limit))


def fetch(node: Node) -> tuple[list[SignedHead], list[str]]:
    """Heads of this node witnessed by each peer (a signed call each); and the peers not heard."""
    from chuanyu.exchange.client import ExchangeRefused, PeerUnavailable

    heads: list[SignedHead] = []
    missing: list[str] = []
    for peer in node.descriptor.peers(node.member):
        try:
            reply = node.exchange.call(peer.id, QUERY_SERVICE, WitnessQuery(limit=MAX_HEADS))
            answer = WitnessedHeads.model_validate(reply)
        except (ExchangeRefused, PeerUnavailable, ValidationError) as exc:
            log.warning("witnessed heads from %s unavailable: %s", peer.id, exc)
            missing.append(peer.id)
            continue
        heads.extend(h for h in answer.heads if h.member == node.member)
    return heads, missing


def export(*, session: Session, node: Node, member: str) -> dict[str, Any]:
    """A file's content: the heads of `member` this node witnessed."""
    answer = WitnessedHeads(witness=node.member, member=member,
                            heads=witnessed_of(session=session, member=member, limit=2**31))
    return answer.model_dump()


def read_file(path: Path) -> WitnessedHeads:
    """Heads exported by a witness (their signatures are checked when they are used)."""
    return WitnessedHeads.model_validate(json.loads(path.read_text(encoding="utf-8")))
