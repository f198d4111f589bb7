"""Tables of the jobs domain: employers, postings (own and replicated), the index queue."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from chuanyu.core.db import Base

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Employer(Base):
    """An employer; owned by the region it is registered in, replicated to the other."""

    __tablename__ = "jobs_employer"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    industry_code: Mapped[str] = mapped_column(String(1))
    division_code: Mapped[str] = mapped_column(String(6))
    origin: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Posting(Base):
    """A job posting. `origin` is the owning region; the other region holds a replica."""

    __tablename__ = "jobs_posting"
    __table_args__ = (Index("ix_jobs_posting_due", "origin", "status", "valid_to"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    origin: Mapped[str] = mapped_column(String(8))
    employer_id: Mapped[str] = mapped_column(ForeignKey("jobs_employer.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    occupation_code: Mapped[str] = mapped_column(String(16))
    industry_code: Mapped[str] = mapped_column(String(1))
    division_code: Mapped[str] = mapped_column(String(6))
    salary_min: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    salary_max: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    education: Mapped[str] = mapped_column(String(16))
    experience: Mapped[str] = mapped_column(String(16))
    employment_type: Mapped[str] = mapped_column(String(16))
    headcount: Mapped[int] = mapped_column(Integer)
    benefits: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_phone: Mapped[str] = mapped_column(String(30))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class IndexQueue(Base):
    """Postings changed since the search index last caught up, written in the same
    transaction as the change and removed only after the index has committed it."""

    __tablename__ = "jobs_index_queue"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    posting_id: Mapped[str] = mapped_column(String(32))


# The tables themselves, for bulk statements (SQLAlchemy Core) typed as tables.
EMPLOYER_TABLE = cast(Table, Employer.__table__)
POSTING_TABLE = cast(Table, Posting.__table__)
QUEUE_TABLE = cast(Table, IndexQueue.__table__)
