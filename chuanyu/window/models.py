"""Tables of the service window: matters, holiday schedules, cases, their events and files."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from chuanyu.core.db import Base


class Matter(Base):
    """A matter of the catalogue: this region's own (written here) or the peer's (replica)."""

    __tablename__ = "window_matter"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    member: Mapped[str] = mapped_column(String(8), index=True)
    name: Mapped[str] = mapped_column(String(200))
    authority_name: Mapped[str] = mapped_column(String(200))
    authority_division_code: Mapped[str] = mapped_column(String(6))
    mode: Mapped[str] = mapped_column(String(16))
    time_limit_days: Mapped[int] = mapped_column(Integer)
    limit_basis: Mapped[str] = mapped_column(String(200))
    limit_verified: Mapped[bool] = mapped_column(Boolean)
    officer_role: Mapped[str] = mapped_column(String(32))
    payload_kind: Mapped[str] = mapped_column(String(32))
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    fees: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HolidaySchedule(Base):
    """An announced year of holidays loaded by an administrator; it overrides the package."""

    __tablename__ = "window_holiday_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    announcement: Mapped[str] = mapped_column(String(200))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    loaded_by: Mapped[str] = mapped_column(String(64))


class Case(Base):
    """An application received at one region's window for an authority of either region.

    Both nodes hold the case; only the side that owns its current state changes it, and every
    change travels to the other side as an event.
    """

    __tablename__ = "window_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    matter_code: Mapped[str] = mapped_column(String(20), index=True)
    matter_name: Mapped[str] = mapped_column(String(200))
    intake_member: Mapped[str] = mapped_column(String(8), index=True)
    authority_member: Mapped[str] = mapped_column(String(8), index=True)
    authority_name: Mapped[str] = mapped_column(String(200))
    officer_role: Mapped[str] = mapped_column(String(32))
    payload_kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), index=True)
    applicant_kind: Mapped[str] = mapped_column(String(16))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_id_number: Mapped[str] = mapped_column(String(18), index=True)
    applicant_phone: Mapped[str | None] = mapped_column(String(20))
    applicant_division_code: Mapped[str | None] = mapped_column(String(6))
    application: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    received_date: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_by: Mapped[str] = mapped_column(String(64))
    limit_days: Mapped[int] = mapped_column(Integer)
    used_days: Mapped[int] = mapped_column(Integer, default=0)
    running_since: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    # Counted through a year whose announced holiday schedule was not loaded (law-based guess).
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    paused_on: Mapped[date | None] = mapped_column(Date)
    finished_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.seq", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="case", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    due_changes: Mapped[list[DueChange]] = relationship(
        back_populates="case", order_by="DueChange.id", cascade="all, delete-orphan"
    )


class CaseEvent(Base):
    """One transition of a case: who did what, when, from which state to which."""

    __tablename__ = "window_case_event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("window_case.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(128))
    actor_role: Mapped[str] = mapped_column(String(32))
    actor_member: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    case: Mapped[Case] = relationship(back_populates="events")


class Attachment(Base):
    """A material file of a case. The intake side keeps the bytes; the other side its digest."""

    __tablename__ = "window_attachment"
    __table_args__ = (UniqueConstraint("case_id", "sha256", "material_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("window_case.id"), index=True)
    material_code: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    event_seq: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    case: Mapped[Case] = relationship(back_populates="attachments")


class DueChange(Base):
    """A due date counted again on this node (e.g. once the year's official schedule is loaded).

    Kept apart from the case's events: it is local to the node and not a step of the state
    machine, so it never shifts the event sequence both sides share.
    """

    __tablename__ = "window_due_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("window_case.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    old_due_date: Mapped[date] = mapped_column(Date)
    new_due_date: Mapped[date] = mapped_column(Date)
    old_provisional: Mapped[bool] = mapped_column(Boolean)
    new_provisional: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))

    case: Mapped[Case] = relationship(back_populates="due_changes")


class PendingUpload(Base):
    """A file the applicant uploaded for a supplement request and has not yet submitted.

    Kept on the receiving side between attempts, so a refused submission loses no file; taken
    into the case's attachments when the supplement is submitted.
    """

    __tablename__ = "window_pending_upload"
    __table_args__ = (UniqueConstraint("case_id", "material_code", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("window_case.id"), index=True)
    material_code: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[str] = mapped_column(String(64))
