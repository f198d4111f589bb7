"""The signed envelope every cross-node message travels in, carried as HTTP headers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from chuanyu.core import clock

PROTOCOL = "chuanyu/1"
HEADER_PREFIX = "x-chuanyu-"
FIELDS = ("sender", "receiver", "kind", "name", "message_id", "timestamp", "digest", "in_reply_to")
KINDS = ("call", "reply", "batch", "ack")


class EnvelopeError(ValueError):
    """Headers that do not form an envelope."""


@dataclass(frozen=True)
class Envelope:
    """Who sends what to whom, when, and the digest of the body it covers."""

    sender: str
    receiver: str
    kind: str
    name: str
    message_id: str
    timestamp: str
    digest: str
    in_reply_to: str = ""

    def signing_bytes(self) -> bytes:
        """The exact bytes a signature covers."""
        return "\n".join([PROTOCOL, *(getattr(self, f) for f in FIELDS)]).encode()

    def headers(self, signature: str) -> dict[str, str]:
        """HTTP headers carrying the envelope and its signature."""
        out = {HEADER_PREFIX + f.replace("_", "-"): getattr(self, f) for f in FIELDS}
        out[HEADER_PREFIX + "signature"] = signature
        return out

    def sent_at(self) -> datetime:
        """The envelope's timestamp as a datetime."""
        return datetime.fromisoformat(self.timestamp)

    def answer(self, kind: str, body_digest: str) -> Envelope:
        """A reply envelope to this message."""
        return replace(
            self,
            sender=self.receiver,
            receiver=self.sender,
            kind=kind,
            message_id=new_message_id(),
            timestamp=clock.now().isoformat(),
            digest=body_digest,
            in_reply_to=self.message_id,
        )


def new_message_id() -> str:
    """A fresh, globally unique message id."""
    return uuid.uuid4().hex


def make(sender: str, receiver: str, kind: str, name: str, body_digest: str) -> Envelope:
    """A new outgoing envelope stamped with the clock's time."""
    return Envelope(
        sender=sender,
        receiver=receiver,
        kind=kind,
        name=name,
        message_id=new_message_id(),
        timestamp=clock.now().isoformat(),
        digest=body_digest,
    )


def from_headers(headers: Mapping[str, str]) -> tuple[Envelope, str]:
    """Envelope and signature from HTTP headers; EnvelopeError when any part is missing."""
    values: dict[str, str] = {}
    for f in FIELDS:
        value = headers.get(HEADER_PREFIX + f.replace("_", "-"))
        if value is None and f != "in_reply_to":
            raise EnvelopeError(f"missing envelope header {f}")
        values[f] = value or ""
    signature = headers.get(HEADER_PREFIX + "signature")
    if not signature:
        raise EnvelopeError("missing envelope signature")
    if values["kind"] not in KINDS:
        raise EnvelopeError(f"unknown message kind {values['kind']}")
    try:
        datetime.fromisoformat(values["timestamp"])
    except ValueError as exc:
        raise EnvelopeError("timestamp is not ISO 8601") from exc
    return Envelope(**values), signature


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON bytes (sorted keys, no spaces, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
