"""The signed envelope every cross-node message travels in, carried as HTTP headers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from chuanyu.core import clock

PROTOCOL = "chuanyu/1"
HEADER_PREFIX = "x-chuanyu-"
FIELDS = ("sender", "receiver", "kind", "name", "message_id", "timestamp", "digest", "in_reply_to")
KINDS = ("call", "reply", "batch", "ack")


class EnvelopeError(ValueError):
    """Headers that do not form an envelope.

    `raw` and `signature` are what the headers held when every field was present but some
    field is malformed: enough to tell whether a member signed the malformed envelope.
    """

    def __init__(self, message: str, *, raw: Envelope | None = None, signature: str = "",
                 errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.raw = raw
        self.signature = signature
        self.errors = errors or []


TOKEN_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"  # names and message ids
Token = Annotated[str, Field(pattern=TOKEN_PATTERN)]
Member = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{1,7}$")]


class EnvelopeShape(BaseModel):
    """What each envelope field must look like (checked before any field is used)."""

    model_config = ConfigDict(extra="forbid")

    sender: Member
    receiver: Member
    kind: Literal["call", "reply", "batch", "ack"]
    name: Token
    message_id: Token
    timestamp: str
    digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    in_reply_to: Token | Literal[""] = ""
    signature: Annotated[str, Field(min_length=1, max_length=256)]

    @field_validator("timestamp")
    @classmethod
    def _aware_instant(cls, value: str) -> str:
        """A full ISO 8601 date and time with its UTC offset (a bare date is not an instant)."""
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("时间戳不是 ISO 8601 格式") from None
        if "T" not in value.upper() and " " not in value:
            raise ValueError("时间戳缺少时刻（只有日期）")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("时间戳缺少时区（UTC 偏移）")
        return value


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
    """Envelope and signature from HTTP headers; EnvelopeError when any part is missing or
    malformed (with the field-level errors)."""
    values: dict[str, str] = {}
    for f in FIELDS:
        value = headers.get(HEADER_PREFIX + f.replace("_", "-"))
        if value is None and f != "in_reply_to":
            raise EnvelopeError(f"missing envelope header {f}")
        values[f] = value or ""
    signature = headers.get(HEADER_PREFIX + "signature")
    if not signature:
        raise EnvelopeError("missing envelope signature")
    raw = Envelope(**values)
    try:
        EnvelopeShape.model_validate({**values, "signature": signature})
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                  for e in exc.errors()]
        fields = ", ".join(e["field"] for e in errors)
        raise EnvelopeError(f"malformed envelope field(s): {fields}", raw=raw,
                            signature=signature, errors=errors) from None
    return raw, signature


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON bytes (sorted keys, no spaces, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
