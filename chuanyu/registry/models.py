"""Tables of business registration: issued licences and their investors."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, DateTime, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chuanyu.core.db import Base


class Licence(Base):
    """An enterprise registered by this region and its electronic licence (single writer)."""

    __tablename__ = "registry_licence"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), unique=True)
    enterprise_type: Mapped[str] = mapped_column(String(40))
    legal_representative: Mapped[str] = mapped_column(String(60))
    legal_representative_id: Mapped[str] = mapped_column(String(18))
    registered_capital: Mapped[Decimal] = mapped_column(Numeric(15, 2))
    business_scope: Mapped[str] = mapped_column(Text)
    investors: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    established_date: Mapped[date] = mapped_column(Date)
    operating_from: Mapped[date] = mapped_column(Date)
    operating_until: Mapped[date | None] = mapped_column(Date)
    domicile: Mapped[str] = mapped_column(String(200))
    division_code: Mapped[str] = mapped_column(String(6))
    authority_name: Mapped[str] = mapped_column(String(80))
    authority_division_code: Mapped[str] = mapped_column(String(6))
    issuer_member: Mapped[str] = mapped_column(String(8))
    issued_date: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    case_number: Mapped[str | None] = mapped_column(String(40), index=True)
    received_member: Mapped[str] = mapped_column(String(8))
    digest: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="active")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoke_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_by: Mapped[str | None] = mapped_column(String(64))
