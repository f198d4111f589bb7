"""Tables of the housing-fund domain.

Money is stored as whole fen (BIGINT) and read back as `Decimal` yuan, so sums are exact on both
SQLite and PostgreSQL. Rates are stored in units of 0.01 % (1200 = 12 %). Months are yyyymm ints.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from chuanyu.core.db import Base

_FEN = Decimal("0.01")
_RATE = Decimal("0.0001")


class Money(TypeDecorator[Decimal]):
    """Decimal yuan in Python, integer fen in the database."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:  # noqa: ARG002
        if value is None:
            return None
        return int((Decimal(value) / _FEN).to_integral_value())

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:  # noqa: ARG002
        return None if value is None else (Decimal(int(value)) * _FEN).quantize(_FEN)


class Rate(TypeDecorator[Decimal]):
    """A fraction (0.12) in Python, an integer count of 0.01 % (1200) in the database."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:  # noqa: ARG002
        if value is None:
            return None
        return int((Decimal(value) / _RATE).to_integral_value())

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:  # noqa: ARG002
        return None if value is None else (Decimal(int(value)) * _RATE).quantize(_RATE)


class Account(Base):
    """A depositor's fund account at this node's centre (缴存账户)."""

    __tablename__ = "housing_fund_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_no: Mapped[str] = mapped_column(String(20), unique=True)
    resident_id: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    employer_uscc: Mapped[str] = mapped_column(String(18))
    employer_name: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    opened_date: Mapped[date] = mapped_column(Date)
    deposit_base: Mapped[Decimal] = mapped_column(Money)
    employee_rate: Mapped[Decimal] = mapped_column(Rate)
    employer_rate: Mapped[Decimal] = mapped_column(Rate)
    balance: Mapped[Decimal] = mapped_column(Money)
    outstanding_loans: Mapped[int] = mapped_column(Integer, default=0)
    settled_loans: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Deposit(Base):
    """One month's deposit credited to an account (汇缴)."""

    __tablename__ = "housing_fund_deposit"
    # Clustered on (account, month): one account's history is one contiguous range.
    __table_args__ = {"sqlite_with_rowid": False}

    account_id: Mapped[int] = mapped_column(
        ForeignKey("housing_fund_account.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money)


class Consent(Base):
    """A consent this (home) centre issued on the depositor's word, or their refusal.

    Bound to the person, the requesting member, the service, the purpose and an expiry; used
    at most once. The signature is this node's over the claims (see consent.ConsentClaims).
    """

    __tablename__ = "housing_fund_consent"

    consent_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(32), unique=True)
    resident_id: Mapped[str] = mapped_column(String(18), index=True)
    requesting_member: Mapped[str] = mapped_column(String(8))
    service: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(200))
    application_no: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signature: Mapped[str] = mapped_column(String(128))


class IssuedCertificate(Base):
    """A certificate this centre issued to another centre (depositing side)."""

    __tablename__ = "housing_fund_issued_certificate"
    __table_args__ = (Index("ix_housing_fund_issued_certificate_issued_at", "issued_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_no: Mapped[str] = mapped_column(String(40), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("housing_fund_account.id", ondelete="CASCADE"), index=True
    )
    lending_member: Mapped[str] = mapped_column(String(8))
    consent_id: Mapped[str] = mapped_column(String(32))
    application_no: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[date] = mapped_column(Date)


class Application(Base):
    """A remote-loan application received at this (lending) centre."""

    __tablename__ = "housing_fund_application"
    __table_args__ = (Index("ix_housing_fund_application_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_no: Mapped[str] = mapped_column(String(40), unique=True)
    resident_id: Mapped[str] = mapped_column(String(18), index=True)
    applicant_name: Mapped[str] = mapped_column(String(64))
    depositing_member: Mapped[str] = mapped_column(String(8))
    # Empty until the depositor's home node issues the consent; the token is this node's
    # signed consent request the depositor takes home.
    consent_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    consent_token: Mapped[str] = mapped_column(Text)
    consent_expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    amount: Mapped[Decimal] = mapped_column(Money)
    term_years: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(16))
    home: Mapped[str] = mapped_column(String(16))
    property_kind: Mapped[str] = mapped_column(String(16))
    property_price: Mapped[Decimal] = mapped_column(Money)
    building_age_years: Mapped[int] = mapped_column(Integer, default=0)
    monthly_income: Mapped[Decimal] = mapped_column(Money)
    with_spouse: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), index=True)
    refusal_code: Mapped[str | None] = mapped_column(String(40))
    refusal_detail: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The received certificate, exactly as signed, and what verification found.
    certificate_no: Mapped[str | None] = mapped_column(String(40))
    certificate_body: Mapped[str | None] = mapped_column(Text)
    certificate_signature: Mapped[str | None] = mapped_column(String(128))
    certificate_fingerprint: Mapped[str | None] = mapped_column(String(64))
    certificate_verified: Mapped[bool | None] = mapped_column(Boolean)
    certificate_received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Fetch attempts: the idempotency key every retry reuses, and whether the last attempt's
    # outcome is known ("unknown" when the request may have reached the depositing centre).
    fetch_key: Mapped[str | None] = mapped_column(String(64))
    fetch_attempts: Mapped[int] = mapped_column(Integer, default=0)
    fetch_outcome: Mapped[str | None] = mapped_column(String(16))
    fetch_attempted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The decision: every rule's outcome as JSON, and the resulting terms.
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(Integer)
    outcomes: Mapped[str | None] = mapped_column(Text)
    max_amount: Mapped[Decimal | None] = mapped_column(Money)
    max_term_years: Mapped[int | None] = mapped_column(Integer)
    annual_rate: Mapped[Decimal | None] = mapped_column(Rate)
