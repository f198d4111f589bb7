"""Building and checking signed HTTP messages on both ends of the wire."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chuanyu.core import clock
from chuanyu.exchange import envelope as envelopes
from chuanyu.exchange import guard
from chuanyu.exchange.envelope import Envelope, EnvelopeError
from chuanyu.exchange.guard import Refusal
from chuanyu.exchange.outbox import event_digest
from chuanyu.exchange.signing import digest, merkle_root

if TYPE_CHECKING:
    from chuanyu.node import Node


def signed(node: Node, env: Envelope) -> dict[str, str]:
    """Headers carrying `env` signed by this node."""
    return env.headers(node.sign(env.signing_bytes()))


def read_envelope(headers: Mapping[str, str]) -> tuple[Envelope, str]:
    """Envelope from headers, or Refusal naming what is missing or malformed."""
    try:
        return envelopes.from_headers(headers)
    except EnvelopeError as exc:
        code = "bad_signature" if str(exc) == "missing envelope signature" else "bad_envelope"
        raise Refusal(code, str(exc), errors=exc.errors) from None


# What a peer answers to each kind of message this node sends.
ANSWER_KIND = {"call": "reply", "batch": "ack"}


def check_answer(node: Node, sent: Envelope, headers: Mapping[str, str], body: bytes) -> Envelope:
    """The peer's signed answer to `sent` (a call's reply, a batch's acknowledgement).

    Refusal unless it answers this very message, comes from its receiver, matches its body,
    carries the receiver's signature and is dated within the allowed clock skew — the checks
    an incoming message passes, applied to the answer.
    """
    answer, signature = read_envelope(headers)
    expected = (sent.receiver, sent.sender, ANSWER_KIND[sent.kind], sent.message_id)
    if (answer.sender, answer.receiver, answer.kind, answer.in_reply_to) != expected:
        raise Refusal("bad_payload", f"the answer does not answer {sent.kind} {sent.message_id}")
    if body_digest(body) != answer.digest:
        raise Refusal("bad_signature", "the answer's body does not match its signed digest")
    if not guard.signing_holds(node, answer, signature):
        raise Refusal("bad_signature", f"the answer's signature does not verify with "
                                       f"{sent.receiver}'s key")
    skew = abs((clock.now() - answer.sent_at()).total_seconds())
    if skew > node.settings.max_clock_skew_s:
        raise Refusal("stale", f"the answer's timestamp is {skew:.0f} s away from this node's "
                               f"clock")
    return answer


def malformed_but_signed(node: Node, headers: Mapping[str, str]) -> Envelope | None:
    """The envelope a member did sign although some field of it is malformed, if any."""
    try:
        envelopes.from_headers(headers)
    except EnvelopeError as exc:
        if exc.raw is not None and guard.signing_holds(node, exc.raw, exc.signature):
            return exc.raw
    return None


def batch_body(producer: str, stream: str, rows: list[Any]) -> tuple[bytes, str, list[str]]:
    """Body, digest-tree root and leaves of a batch of outbox rows."""
    events = [{"seq": r.seq, "type": r.event_type, "payload": r.payload, "digest": r.digest}
              for r in rows]
    leaves = [r.digest for r in rows]
    body = json.dumps({"producer": producer, "stream": stream, "events": events},
                      ensure_ascii=False).encode()
    return body, merkle_root(leaves), leaves


def parse_batch(stream: str, body: bytes) -> tuple[str, list[dict[str, Any]], str, list[str]]:
    """Producer, events, recomputed root and leaves of a batch body; Refusal when malformed."""
    try:
        data = json.loads(body)
        producer = data["producer"]
        events = data["events"]
        if data["stream"] != stream or not isinstance(events, list):
            raise ValueError("stream mismatch")
        leaves = []
        for e in events:
            seq, etype, payload = int(e["seq"]), str(e["type"]), str(e["payload"])
            leaf = event_digest(stream, seq, etype, payload)
            if leaf != e["digest"]:
                raise Refusal("bad_signature", f"event {seq} does not match its digest")
            leaves.append(leaf)
    except Refusal:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise Refusal("bad_payload", f"malformed event batch: {exc}") from None
    return producer, events, merkle_root(leaves), leaves


class BatchEvent(BaseModel):
    """One event of a batch as it must look before it reaches the inbox."""

    model_config = ConfigDict(strict=True, extra="forbid")

    seq: Annotated[int, Field(ge=1, le=2**63 - 1)]
    type: Annotated[str, Field(min_length=1, max_length=64)]
    payload: str
    digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


def checked_events(events: list[dict[str, Any]]) -> list[BatchEvent]:
    """The batch's events, validated; Refusal('bad_payload') with field errors otherwise.

    Called once the batch's signature holds, so the refusal is the signing member's.
    """
    checked, errors = [], []
    for i, event in enumerate(events):
        try:
            checked.append(BatchEvent.model_validate(event))
        except ValidationError as exc:
            errors += [{"field": ".".join(str(p) for p in ("events", i, *e["loc"])),
                        "message": e["msg"]} for e in exc.errors()]
    if errors:
        raise Refusal("bad_payload", "malformed event in batch", verified=True, errors=errors)
    return checked


def valid_message_id(message_id: str) -> bool:
    """True when a message id has the shape the replay store keeps."""
    return re.fullmatch(envelopes.TOKEN_PATTERN, message_id) is not None


def body_digest(body: bytes) -> str:
    """Digest of a call or reply body."""
    return digest(body)
