"""Building and checking signed HTTP messages on both ends of the wire."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chuanyu.exchange import envelope as envelopes
from chuanyu.exchange.envelope import Envelope, EnvelopeError
from chuanyu.exchange.guard import Refusal
from chuanyu.exchange.outbox import event_digest
from chuanyu.exchange.signing import digest, merkle_root

if TYPE_CHECKING:
    from chuanyu.core.node import Node


def signed(node: Node, env: Envelope) -> dict[str, str]:
    """Headers carrying `env` signed by this node."""
    return env.headers(node.sign(env.signing_bytes()))


def read_envelope(headers: Mapping[str, str]) -> tuple[Envelope, str]:
    """Envelope from headers, or Refusal naming what is missing."""
    try:
        return envelopes.from_headers(headers)
    except EnvelopeError as exc:
        code = "bad_signature" if "signature" in str(exc) else "bad_payload"
        raise Refusal(code, str(exc)) from None


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


def body_digest(body: bytes) -> str:
    """Digest of a call or reply body."""
    return digest(body)
