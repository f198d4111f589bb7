"""Synchronous service calls to other members: sign, send, check the signed reply, audit."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from pydantic import BaseModel

from chuanyu.core.db import write_scope
from chuanyu.core.errors import ChuanyuError, FieldError
from chuanyu.exchange import audit, envelope, guard, idempotency, registry, transport, wire
from chuanyu.exchange.guard import Refusal

if TYPE_CHECKING:
    from chuanyu.node import Node

log = logging.getLogger(__name__)

# Refusals by the exchange itself: the caller's own request was fine, the federation link failed.
EXCHANGE_CODES = {"unknown_member", "bad_signature", "not_permitted", "stale", "replayed",
                  "bad_payload", "too_large", "unavailable", "tls_mismatch"}
# Transport failures that happen before any byte of the request leaves this node.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass
class ExchangeRefused(ChuanyuError):
    """The other member refused the call (exchange check or domain rule)."""

    code: str = "refused"
    remote_status: int = 422
    status = 502
    title = "对方节点拒绝了请求"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.code not in EXCHANGE_CODES:
            self.status = self.remote_status  # type: ignore[misc]
            self.title = "对方节点：" + self.title  # type: ignore[misc]


@dataclass
class PeerUnavailable(ChuanyuError):
    """The other member could not be reached, or its reply did not arrive.

    `maybe_delivered`: the request may have reached the other member and been carried out
    (a timeout or a connection lost after sending), so its outcome is unknown; False only when
    no connection was made.
    """

    code: str = "peer_unavailable"
    maybe_delivered: bool = True
    status = 503
    title = "对方节点暂不可达"


class ExchangeClient:
    """Calls services of other members on behalf of one node."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.peers = transport.PeerClients(node)

    def close(self) -> None:
        """Release pooled connections."""
        self.peers.close()

    def call(self, member: str, service: str, payload: BaseModel | dict[str, Any], *,
             idempotency_key: str | None = None, timeout_s: float | None = None
             ) -> dict[str, Any]:
        """Call `service` on `member`; the verified reply body, or ExchangeRefused/PeerUnavailable.

        A state-changing service takes an `idempotency_key`: retrying with the same key after
        a lost reply gets the answer already given instead of running the service again.
        Do not hold an open write transaction across this call: the exchange audits the call
        in its own transaction. `timeout_s` bounds this call below the node's `call_timeout_s`
        (a page that can go on without the answer).
        """
        node = self.node
        data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
        held = registry.carried(service, data)
        data = idempotency.with_key(data, idempotency_key)
        body = json.dumps(data, ensure_ascii=False).encode()
        env = envelope.make(node.member, member, "call", service, wire.body_digest(body))
        peer = node.descriptor.members.get(member)
        if peer is None:
            raise ExchangeRefused(f"{member} is not a federation member", code="unknown_member")
        try:
            response = self.peers.get(member).post(
                f"{peer.base_url}/exchange/call/{service}", content=body,
                headers={**wire.signed(node, env), "content-type": "application/json"},
                timeout=httpx.USE_CLIENT_DEFAULT if timeout_s is None else timeout_s)
        except httpx.HTTPError as exc:
            self._audit(env, held, "unavailable", str(exc))
            raise PeerUnavailable(f"{member} 节点不可达: {exc}",
                                  maybe_delivered=not isinstance(exc, NOT_SENT)) from exc
        status = response.status_code
        if status >= 500 and envelope.HEADER_PREFIX + "sender" not in response.headers:
            # Not the peer's exchange answering (a proxy, a crashed worker): unknown outcome.
            self._audit(env, held, "unavailable", f"unsigned HTTP {status}")
            raise PeerUnavailable(f"{member} 节点暂不可用（HTTP {status}，答复未签名）")
        try:
            reply = wire.check_answer(node, env, response.headers, response.content)
        except Refusal as refusal:
            self._audit(env, held, refusal.code, f"reply rejected: {refusal.detail}")
            raise ExchangeRefused(f"reply from {member} rejected: {refusal.detail}",
                                  code=refusal.code) from None
        if response.status_code != 200:
            problem = _problem(response.content)
            code = str(problem.get("code") or "refused")
            detail = str(problem.get("detail") or response.text[:200])
            self._audit(env, held, code, detail, reply.digest)
            if code == "unavailable":  # the peer could not store: it carried nothing out
                raise PeerUnavailable(detail, code="peer_storage", maybe_delivered=False)
            raise ExchangeRefused(detail, code=code, remote_status=response.status_code,
                                  errors=[FieldError(e["field"], e["message"])
                                          for e in problem.get("errors", [])])
        self._audit(env, held, "ok", "", reply.digest)
        result: dict[str, Any] = response.json()
        return result

    def _audit(self, env: envelope.Envelope, held: tuple[str, str], outcome: str, detail: str,
               reply_digest: str = "") -> None:
        with write_scope(self.node) as session:
            audit.record(
                session=session,
                node=self.node,
                direction="out",
                peer=env.receiver,
                kind="call",
                name=env.name,
                message_id=env.message_id,
                digest=env.digest,
                outcome=outcome,
                subject=held[0],
                basis=held[1],
                detail=json.dumps(
                    {"reply_digest": reply_digest, "detail": detail}, ensure_ascii=False
                )
                if detail or reply_digest
                else "",
            )


def _problem(content: bytes) -> dict[str, Any]:
    try:
        value = json.loads(content)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


__all__ = ["ExchangeClient", "ExchangeRefused", "PeerUnavailable", "guard"]
