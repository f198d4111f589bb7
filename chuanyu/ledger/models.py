"""Tables of the cooperation ledger: entries (with parties and tags) and reported figures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chuanyu.core.db import Base


class LedgerEntry(Base):
    """One recorded event; owned by the node that recorded it, replicated to the other."""

    __tablename__ = "ledger_entry"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(8), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    event_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    date_precision: Mapped[str] = mapped_column(String(8))
    stage: Mapped[int | None] = mapped_column(Integer, nullable=True)
    no_later_than_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    metrics: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    qualifiers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    group_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    source: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    parties: Mapped[list[LedgerEntryParty]] = relationship(
        back_populates="entry",
        cascade="all, delete-orphan",
        order_by="LedgerEntryParty.position",
        lazy="selectin",
    )
    tags: Mapped[list[LedgerEntryTag]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", lazy="selectin"
    )


class LedgerEntryParty(Base):
    """A party of an entry, in the order given."""

    __tablename__ = "ledger_entry_party"

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("ledger_entry.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_code: Mapped[str] = mapped_column(String(32), index=True)

    entry: Mapped[LedgerEntry] = relationship(back_populates="parties")


class LedgerEntryTag(Base):
    """A tag of an entry (kept as rows so pages can filter by tag on any database)."""

    __tablename__ = "ledger_entry_tag"

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("ledger_entry.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)

    entry: Mapped[LedgerEntry] = relationship(back_populates="tags")


class LedgerFigure(Base):
    """A running total as published by a source, apart from the ledger's own count."""

    __tablename__ = "ledger_figure"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    owner: Mapped[str] = mapped_column(String(8))
    metric: Mapped[str] = mapped_column(String(64), index=True)
    value: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    as_of_date: Mapped[date] = mapped_column(Date)
    qualifier: Mapped[str] = mapped_column(String(8), default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
