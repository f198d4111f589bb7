"""Tables of the exchange: outbox, delivery cursors, inbox, replay store, audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chuanyu.core.db import Base


class OutboxEvent(Base):
    """An event this node produced, numbered per stream, written with the domain change."""

    __tablename__ = "exchange_outbox"
    __table_args__ = (UniqueConstraint("stream", "seq"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    stream: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StreamHead(Base):
    """The last sequence number handed out per stream (a row lock serialises publishers)."""

    __tablename__ = "exchange_stream_head"

    stream: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class Delivery(Base):
    """How far each subscriber has acknowledged each of this node's streams."""

    __tablename__ = "exchange_delivery"

    subscriber: Mapped[str] = mapped_column(String(8), primary_key=True)
    stream: Mapped[str] = mapped_column(String(64), primary_key=True)
    acked_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InboxCursor(Base):
    """The last event applied, in order, per (producer, stream)."""

    __tablename__ = "exchange_inbox_cursor"

    producer: Mapped[str] = mapped_column(String(8), primary_key=True)
    stream: Mapped[str] = mapped_column(String(64), primary_key=True)
    applied_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HeldEvent(Base):
    """An event that arrived ahead of a gap; applied once the gap is filled."""

    __tablename__ = "exchange_inbox_held"

    producer: Mapped[str] = mapped_column(String(8), primary_key=True)
    stream: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))


class SeenMessage(Base):
    """Message ids already accepted, kept until they could no longer pass the skew check."""

    __tablename__ = "exchange_seen_message"

    sender: Mapped[str] = mapped_column(String(8), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class AuditEntry(Base):
    """One append-only entry of the node's hash-chained audit log."""

    __tablename__ = "exchange_audit"

    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    direction: Mapped[str] = mapped_column(String(8))
    peer: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # Whose personal data the message carried (resident ID) and on what ground: a consent
    # ("consent:<id>") or a legal basis ("applicant_request"); empty for other messages.
    subject: Mapped[str] = mapped_column(String(18), default="", server_default="", index=True)
    basis: Mapped[str] = mapped_column(String(80), default="", server_default="")


class AuditHead(Base):
    """The chain's newest position and hash; its row lock orders appends."""

    __tablename__ = "exchange_audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))
    checkpointed_position: Mapped[int] = mapped_column(BigInteger, default=0)
    checkpointed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditCheckpoint(Base):
    """A signed statement of the chain's hash at a position."""

    __tablename__ = "exchange_audit_checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    signature: Mapped[str] = mapped_column(String(128))


class ProbeEvent(Base):
    """Events of the built-in `exchange.probe` stream, kept in arrival order for checks."""

    __tablename__ = "exchange_probe"

    id: Mapped[int] = mapped_column(primary_key=True)
    producer: Mapped[str] = mapped_column(String(8))
    seq: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RefusedEvent(Base):
    """A signed event the inbox stepped over without applying it, kept for inspection."""

    __tablename__ = "exchange_inbox_refused"
    __table_args__ = (UniqueConstraint("producer", "stream", "seq"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    producer: Mapped[str] = mapped_column(String(8))
    stream: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    event_type: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    refused_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WitnessedHead(Base):
    """An audit head another member signed and sent here: its log must still contain it."""

    __tablename__ = "exchange_audit_witness"
    __table_args__ = (UniqueConstraint("member", "position"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    member: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(40))
    signature: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdempotentCall(Base):
    """The answer a state-changing service gave to a caller's key: replayed on a retry."""

    __tablename__ = "exchange_idempotent_call"

    caller: Mapped[str] = mapped_column(String(8), primary_key=True)
    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
