"""The receiving side: check incoming calls and batches, run handlers, answer signed."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from chuanyu.core import storage
from chuanyu.core.db import write_scope
from chuanyu.core.errors import ChuanyuError
from chuanyu.exchange import audit, guard, idempotency, inbox, registry, throttle, wire
from chuanyu.exchange.envelope import HEADER_PREFIX, Envelope
from chuanyu.exchange.guard import Refusal
from chuanyu.exchange.registry import SERVICES, STREAMS

if TYPE_CHECKING:
    from chuanyu.node import Node

log = logging.getLogger(__name__)

HEAD_BYTES = 64  # of an unauthenticated body, kept in its audit record (never the whole body)
UNAVAILABLE_RETRY_S = 5  # suggested to a sender whose message could not be stored
# What a failing database or disk raises; storage.failure_reason tells them from bugs.
STORAGE_ERRORS = (DBAPIError, PoolTimeout, OSError)


@dataclass
class Answer:
    """Status, body and headers of a reply."""

    status: int
    body: bytes
    headers: dict[str, str]


def _reply(node: Node, env: Envelope | None, kind: str, status: int, data: Any) -> Answer:
    body = json.dumps(data, ensure_ascii=False).encode()
    headers = {"content-type": "application/json"}
    if env is not None and env.sender in node.descriptor.members:
        headers.update(wire.signed(node, env.answer(kind, wire.body_digest(body))))
    return Answer(status, body, headers)


@dataclass
class Request:
    """What arrived: the endpoint, headers and body, and the client's address."""

    kind: str
    name: str
    headers: Mapping[str, str]
    body: bytes
    address: str


def _problem(code: str, detail: str, status: int, errors: list[dict[str, str]] | None = None
             ) -> dict[str, Any]:
    return {"type": f"https://chuanyu.example/problems/{code}", "title": "exchange refusal",
            "status": status, "detail": detail, "code": code, "errors": errors or []}


def _refuse(node: Node, req: Request, env: Envelope | None, refusal: Refusal, digest: str,
            *, seen: bool = False) -> Answer:
    """Audit a refusal and answer it (signed when the sender is a member)."""
    if env is None and refusal.code == "bad_envelope":
        env = wire.malformed_but_signed(node, req.headers)
        refusal.verified = seen = env is not None
    if not refusal.verified:
        return _refuse_unverified(node, req, env, refusal)
    assert env is not None
    log.warning("refused %s %s from %s: %s", req.kind, req.name[:64], env.sender, refusal)
    if seen:
        refusal = _use_up(node, env, refusal)
    with write_scope(node) as session:
        audit.record(session=session, node=node, direction="in", peer=env.sender, kind=req.kind,
                     name=req.name[:64], message_id=env.message_id[:64], digest=digest,
                     outcome=refusal.code, detail=refusal.detail)
    reply_kind = "reply" if req.kind == "call" else "ack"
    return _reply(node, env, reply_kind, refusal.status,
                  _problem(refusal.code, refusal.detail, refusal.status, refusal.errors))


def _use_up(node: Node, env: Envelope, refusal: Refusal) -> Refusal:
    """Record an authentic message's id like any other; a replay of it is refused as such."""
    if not wire.valid_message_id(env.message_id):
        return refusal
    try:
        with write_scope(node) as session:
            guard.remember(session=session, node=node, env=env)
    except Refusal as replayed:
        return replayed
    return refusal


def _refuse_unverified(node: Node, req: Request, env: Envelope | None,
                       refusal: Refusal) -> Answer:
    """A bounded audit record per refusal, until the address has had its allowance; then 429
    and a count (one summary entry per address and minute)."""
    limiter = throttle.for_node(node)
    claimed = req.headers.get(HEADER_PREFIX + "sender", "")[:16]
    if not limiter.admit(req.address):
        due = limiter.count(req.address)
        if due is not None:
            _summarise(node, req, due)
        status = guard.STATUS["rate_limited"]
        message = "拒绝次数过多：本地址的请求暂不受理，请稍后再试"
        body = json.dumps(_problem("rate_limited", message, status), ensure_ascii=False).encode()
        return Answer(status, body, {"content-type": "application/json", "retry-after": "60"})
    log.warning("refused unauthenticated %s %s from %s (claims %r): %s", req.kind,
                req.name[:64], req.address, claimed, refusal)
    detail = {"sender": claimed, "sender_verified": False, "address": req.address,
              "size": len(req.body), "head": req.body[:HEAD_BYTES].decode("utf-8", "replace"),
              "reason": refusal.detail}
    with write_scope(node) as session:
        pending = limiter.unwritten(req.address)
        if pending is not None:
            _summary_entry(session=session, node=node, req=req, due=pending)
        audit.record(session=session, node=node, direction="in", peer="?", kind=req.kind,
                     name=req.name[:64], message_id="", digest=wire.body_digest(req.body),
                     outcome=refusal.code, detail=json.dumps(detail, ensure_ascii=False))
    reply_kind = "reply" if req.kind == "call" else "ack"
    signed_env = env if env is not None and env.sender in node.descriptor.members else None
    return _reply(node, signed_env, reply_kind, refusal.status,
                  _problem(refusal.code, refusal.detail, refusal.status, refusal.errors))


def _summarise(node: Node, req: Request, due: throttle.Tally) -> None:
    with write_scope(node) as session:
        _summary_entry(session=session, node=node, req=req, due=due)


def _summary_entry(*, session: Any, node: Node, req: Request, due: throttle.Tally) -> None:
    detail = {"address": due.address, "refused": due.count, "first_at": due.first_at.isoformat(),
              "last_at": due.last_at.isoformat()}
    audit.record(
        session=session,
        node=node,
        direction="in",
        peer="?",
        kind=req.kind,
        name=req.name[:64],
        message_id="",
        digest="",
        outcome="rate_limited",
        detail=json.dumps(detail, ensure_ascii=False),
    )


def _admit(node: Node, env: Envelope, body: bytes, kind: str, name: str) -> None:
    """Refuse oversized bodies and envelopes that do not describe this endpoint's message."""
    if len(body) > node.settings.max_body_bytes:
        raise Refusal("too_large", f"body of {len(body)} bytes exceeds this node's limit of "
                      f"{node.settings.max_body_bytes} bytes (GET /exchange/limits)")
    if env.kind != kind or env.name != name:
        raise Refusal("bad_payload", f"envelope does not describe a {kind} of {name[:64]}")


def handle_call(node: Node, service: str, headers: Mapping[str, str], body: bytes, *,
                address: str = "") -> Answer:
    """Check and run one service call."""
    req = Request("call", service, headers, body, address)
    try:
        return _handle_call(node, req)
    except STORAGE_ERRORS as exc:
        return _unavailable(node, req, exc)


def handle_batch(node: Node, stream: str, headers: Mapping[str, str], body: bytes, *,
                 address: str = "") -> Answer:
    """Check a batch of events and apply it in one transaction with the inbox cursor."""
    req = Request("batch", stream, headers, body, address)
    try:
        return _handle_batch(node, req)
    except STORAGE_ERRORS as exc:
        return _unavailable(node, req, exc)


def _unavailable(node: Node, req: Request, exc: Exception) -> Answer:
    """A signed `unavailable` refusal when this node cannot store (read-only database, disk
    full…): the sender keeps the message and retries later. Other errors propagate."""
    reason = storage.failure_reason(exc)
    if reason is None:
        raise exc
    try:
        env: Envelope | None = wire.read_envelope(req.headers)[0]
    except Refusal:
        env = None
    log.warning("cannot store %s %s from %s (%s): %s", req.kind, req.name[:64],
                env.sender if env else "?", reason, str(exc).splitlines()[0][:200])
    status = guard.STATUS["unavailable"]
    detail = f"{node.member} 存储故障（{reason}）：本次消息未处理，请稍后重试"
    answer = _reply(node, env, "reply" if req.kind == "call" else "ack", status,
                    _problem("unavailable", detail, status))
    answer.headers["retry-after"] = str(UNAVAILABLE_RETRY_S)
    return answer


def _handle_call(node: Node, req: Request) -> Answer:
    headers, body, service = req.headers, req.body, req.name
    env: Envelope | None = None
    digest = wire.body_digest(body)
    try:
        env, signature = wire.read_envelope(headers)
        _admit(node, env, body, "call", service)
        guard.check(node, env, signature, digest,
                    permitted=lambda e: node.descriptor.may_call(e.sender, node.member, e.name)
                    and e.name in SERVICES)
        return _run_service(node, req, env, digest)
    except Refusal as refusal:
        return _refuse(node, req, env, refusal, digest)


def _run_service(node: Node, req: Request, env: Envelope, digest: str) -> Answer:
    spec = SERVICES[env.name]
    try:
        key, request = idempotency.read_request(spec, req.body)
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                  for e in exc.errors()]
        refusal = Refusal("bad_payload", "request body does not match the service's model",
                          verified=True, errors=errors)
        return _refuse(node, req, env, refusal, digest, seen=True)
    payload = request.model_dump(mode="json")
    try:
        with write_scope(node) as session:
            guard.remember(session=session, node=node, env=env)

            def run() -> dict[str, Any]:
                response = spec.handler(session=session, node=node, caller=env.sender,
                                        request=request)
                return spec.response.model_validate(response).model_dump(mode="json")

            data, replayed = idempotency.answer(
                session=session, spec=spec, caller=env.sender, key=key, request=request, run=run
            )
            answer = _reply(node, env, "reply", 200, data)
            note = {"reply_digest": wire.body_digest(answer.body)}
            subject, basis = registry.carried(env.name, payload, session=session)
            audit.record(session=session, node=node, direction="in", peer=env.sender, kind="call",
                         name=env.name, message_id=env.message_id, digest=digest, outcome="ok",
                         detail=json.dumps({**note, "replayed": True} if replayed else note),
                         subject=subject, basis=basis)
        return answer
    except ChuanyuError as err:
        with write_scope(node) as session:
            guard.remember(session=session, node=node, env=env)
            subject, basis = registry.carried(env.name, payload, session=session)
            audit.record(session=session, node=node, direction="in", peer=env.sender, kind="call",
                         name=env.name, message_id=env.message_id, digest=digest,
                         outcome=err.code, detail=err.detail, subject=subject, basis=basis)
        return _reply(node, env, "reply", err.status, err.problem())


def _handle_batch(node: Node, req: Request) -> Answer:
    headers, body, stream = req.headers, req.body, req.name
    env: Envelope | None = None
    digest = wire.body_digest(body)
    try:
        env, signature = wire.read_envelope(headers)
        _admit(node, env, body, "batch", stream)
        producer, events, root, leaves = wire.parse_batch(stream, body)
        if producer != env.sender:
            raise Refusal("bad_payload", "batch producer differs from the sender")
        digest = root
        guard.check(node, env, signature, root,
                    permitted=lambda e: node.descriptor.may_subscribe(node.member, e.sender,
                                                                      e.name))
        if stream not in STREAMS:
            raise Refusal("not_permitted", f"this node has no consumer for stream {stream}",
                          verified=True)
        incoming = [inbox.IncomingEvent(e.seq, e.type, e.payload, e.digest)
                    for e in wire.checked_events(events)]
        return _apply(node, env, producer, stream, incoming, root, leaves)
    except Refusal as refusal:
        seen = refusal.verified and refusal.code == "bad_payload"
        return _refuse(node, req, env, refusal, digest, seen=seen)


def _apply(node: Node, env: Envelope, producer: str, stream: str,
           incoming: list[inbox.IncomingEvent], root: str, leaves: list[str]) -> Answer:
    with write_scope(node) as session:
        guard.remember(session=session, node=node, env=env)
        result = inbox.apply_batch(
            session=session, node=node, producer=producer, stream=stream, events=incoming
        )
        refused = [{"seq": r.seq, "code": r.code} for r in result.refused]
        audit.record(
            session=session,
            node=node,
            direction="in",
            peer=producer,
            kind="batch",
            name=stream,
            message_id=env.message_id,
            digest=root,
            outcome="ok" if result.error is None else "partial",
            detail=json.dumps(
                {
                    "leaves": leaves,
                    "applied_seq": result.applied_seq,
                    "duplicates": result.duplicates,
                    "held": result.held,
                    "refused": refused,
                    "error": result.error,
                },
                ensure_ascii=False,
            ),
        )
        for r in result.refused:
            audit.record(session=session, node=node, direction="in", peer=producer, kind="event",
                         name=stream, message_id=env.message_id, digest=r.digest,
                         outcome=r.code, detail=json.dumps(
                             {"seq": r.seq, "type": r.event_type, "detail": r.detail},
                             ensure_ascii=False))
    return _reply(node, env, "ack", 200, {"applied_seq": result.applied_seq,
                                          "applied": result.applied, "held": result.held,
                                          "duplicates": result.duplicates,
                                          "refused": refused, "error": result.error})
