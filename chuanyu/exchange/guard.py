"""Checks every incoming message passes: member, signature, access right, skew, replay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.exchange import signing
from chuanyu.exchange.envelope import Envelope
from chuanyu.exchange.models import SeenMessage

if TYPE_CHECKING:
    from chuanyu.node import Node

STATUS = {
    "bad_envelope": 400,
    "unknown_member": 401,
    "bad_signature": 401,
    "not_permitted": 403,
    "stale": 401,
    "replayed": 409,
    "bad_payload": 422,
    "too_large": 413,
    "refused": 422,
    "unavailable": 503,
    "rate_limited": 429,
}
DETAIL_LIMIT = 300  # refusal details may quote what the sender chose; never at length


class Refusal(Exception):
    """A message refused with one of the exchange's codes.

    `verified`: the sender's signature over the envelope was checked and holds, so the refusal
    can be attributed to that member; otherwise the claimed sender is only a claim.
    """

    def __init__(self, code: str, detail: str, status: int | None = None, *,
                 verified: bool = False, errors: list[dict[str, str]] | None = None) -> None:
        detail = detail[:DETAIL_LIMIT]
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.status = status or STATUS.get(code, 422)
        self.verified = verified
        self.errors = errors or []


def authenticate(node: Node, env: Envelope, signature: str, body_digest: str) -> None:
    """Raise Refusal unless a member signed this envelope and the body matches its digest."""
    if env.sender not in node.descriptor.members:
        raise Refusal("unknown_member", f"sender {env.sender[:16]!r} is not a federation member")
    if body_digest != env.digest:
        raise Refusal("bad_signature", "body does not match the signed digest")
    if not signing_holds(node, env, signature):
        raise Refusal("bad_signature", f"signature does not verify with {env.sender}'s key")


def signing_holds(node: Node, env: Envelope, signature: str) -> bool:
    """True when `env` carries a valid signature of the member it names as sender."""
    if env.sender not in node.descriptor.members:
        return False
    return signing.verify(node.descriptor.public_key(env.sender), signature, env.signing_bytes())


def check(
    node: Node,
    env: Envelope,
    signature: str,
    body_digest: str,
    *,
    permitted: Callable[[Envelope], bool],
) -> None:
    """Raise Refusal unless the envelope is signed, addressed here, permitted and fresh."""
    authenticate(node, env, signature, body_digest)
    if env.receiver != node.member:
        raise Refusal("not_permitted", f"message addressed to {env.receiver}, not {node.member}",
                      verified=True)
    if not permitted(env):
        raise Refusal("not_permitted", f"{env.sender} may not use {env.name} on {node.member}",
                      verified=True)
    skew = abs((clock.now() - env.sent_at()).total_seconds())
    if skew > node.settings.max_clock_skew_s:
        raise Refusal("stale", f"timestamp is {skew:.0f} s away from this node's clock",
                      verified=True)


def remember(*, session: Session, node: Node, env: Envelope) -> None:
    """Record the message id; Refusal('replayed') when it was seen before."""
    expires = clock.now() + timedelta(seconds=2 * node.settings.max_clock_skew_s)
    dialect = session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else pg_insert
    statement = insert(SeenMessage).values(sender=env.sender, message_id=env.message_id,
                                           expires_at=expires).on_conflict_do_nothing()
    result = session.execute(statement)
    if getattr(result, "rowcount", 1) == 0:
        raise Refusal("replayed", f"message id {env.message_id} was already received",
                      verified=True)


def forget_expired(*, session: Session) -> int:
    """Drop replay-store rows that can no longer pass the skew check anyway."""
    result = session.execute(delete(SeenMessage).where(SeenMessage.expires_at < clock.now()))
    return int(getattr(result, "rowcount", 0) or 0)
