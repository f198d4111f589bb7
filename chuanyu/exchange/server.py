"""The receiving side: check incoming calls and batches, run handlers, answer signed."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from chuanyu.core.db import session_scope
from chuanyu.core.errors import ChuanyuError
from chuanyu.exchange import audit, guard, inbox, wire
from chuanyu.exchange.envelope import Envelope
from chuanyu.exchange.guard import Refusal
from chuanyu.exchange.registry import SERVICES, STREAMS

if TYPE_CHECKING:
    from chuanyu.core.node import Node

log = logging.getLogger(__name__)


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


def _problem(code: str, detail: str, status: int, errors: list[dict[str, str]] | None = None
             ) -> dict[str, Any]:
    return {"type": f"https://chuanyu.example/problems/{code}", "title": "exchange refusal",
            "status": status, "detail": detail, "code": code, "errors": errors or []}


def _refuse(node: Node, env: Envelope | None, kind: str, name: str, refusal: Refusal,
            body_digest: str, *, errors: list[dict[str, str]] | None = None,
            seen: bool = False) -> Answer:
    """Audit a refusal and answer it (signed when the sender is known).

    `seen`: the message itself was authentic, so its id is used up like any other.
    """
    log.warning("refused %s %s from %s: %s", kind, name, env.sender if env else "?", refusal)
    with session_scope(node) as session:
        if seen and env is not None:
            guard.remember(session, node, env)
        audit.record(session, node, direction="in", peer=env.sender if env else "?", kind=kind,
                     name=name, message_id=env.message_id if env else "", digest=body_digest,
                     outcome=refusal.code, detail=refusal.detail)
    reply_kind = "reply" if kind == "call" else "ack"
    return _reply(node, env, reply_kind, refusal.status,
                  _problem(refusal.code, refusal.detail, refusal.status, errors))


def _admit(node: Node, env: Envelope, body: bytes, kind: str, name: str) -> None:
    """Refuse oversized bodies and envelopes that do not describe this endpoint's message."""
    if len(body) > node.settings.max_body_bytes:
        raise Refusal("bad_payload", f"body of {len(body)} bytes exceeds the limit", 413)
    if env.kind != kind or env.name != name:
        raise Refusal("bad_payload", f"envelope does not describe a {kind} of {name}")


def handle_call(node: Node, service: str, headers: Mapping[str, str], body: bytes) -> Answer:
    """Check and run one service call."""
    env: Envelope | None = None
    digest = wire.body_digest(body)
    try:
        env, signature = wire.read_envelope(headers)
        _admit(node, env, body, "call", service)
        guard.check(node, env, signature, digest,
                    permitted=lambda e: node.descriptor.may_call(e.sender, node.member, e.name)
                    and e.name in SERVICES)
        return _run_service(node, env, body, digest)
    except Refusal as refusal:
        return _refuse(node, env, "call", service, refusal, digest)


def _run_service(node: Node, env: Envelope, body: bytes, digest: str) -> Answer:
    spec = SERVICES[env.name]
    try:
        request = spec.request.model_validate_json(body)
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                  for e in exc.errors()]
        refusal = Refusal("bad_payload", "request body does not match the service's model")
        return _refuse(node, env, "call", env.name, refusal, digest, errors=errors, seen=True)
    try:
        with session_scope(node) as session:
            guard.remember(session, node, env)
            response = spec.handler(session=session, node=node, caller=env.sender,
                                    request=request)
            data = spec.response.model_validate(response).model_dump(mode="json")
            answer = _reply(node, env, "reply", 200, data)
            audit.record(session, node, direction="in", peer=env.sender, kind="call",
                         name=env.name, message_id=env.message_id, digest=digest, outcome="ok",
                         detail=json.dumps({"reply_digest": wire.body_digest(answer.body)}))
        return answer
    except ChuanyuError as err:
        with session_scope(node) as session:
            guard.remember(session, node, env)
            audit.record(session, node, direction="in", peer=env.sender, kind="call",
                         name=env.name, message_id=env.message_id, digest=digest,
                         outcome=err.code, detail=err.detail)
        return _reply(node, env, "reply", err.status, err.problem())


def handle_batch(node: Node, stream: str, headers: Mapping[str, str], body: bytes) -> Answer:
    """Check a batch of events and apply it in one transaction with the inbox cursor."""
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
            raise Refusal("not_permitted", f"this node has no consumer for stream {stream}")
        incoming = [inbox.IncomingEvent(int(e["seq"]), e["type"], e["payload"], e["digest"])
                    for e in events]
        with session_scope(node) as session:
            guard.remember(session, node, env)
            result = inbox.apply_batch(session, node, producer, stream, incoming)
            audit.record(session, node, direction="in", peer=producer, kind="batch", name=stream,
                         message_id=env.message_id, digest=root,
                         outcome="ok" if result.error is None else "partial",
                         detail=json.dumps({"leaves": leaves, "applied_seq": result.applied_seq,
                                            "duplicates": result.duplicates,
                                            "held": result.held, "error": result.error},
                                           ensure_ascii=False))
        return _reply(node, env, "ack", 200, {"applied_seq": result.applied_seq,
                                              "applied": result.applied, "held": result.held,
                                              "duplicates": result.duplicates,
                                              "error": result.error})
    except Refusal as refusal:
        return _refuse(node, env, "batch", stream, refusal, digest)
