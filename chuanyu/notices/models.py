"""Tables of the notices domain: notices, their outbound deliveries, contact addresses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chuanyu.core.db import Base


class Notice(Base):
    """One message in a message centre.

    `recipient` is an address: `user:<account id>` for one account, or `subject:<resident ID or
    USCC>` for every account of this node acting for that person or organisation.
    """

    __tablename__ = "notices_notice"
    __table_args__ = (UniqueConstraint("recipient", "dedup_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    # One notice per recipient and key: a sweep or a replayed event does not notify twice.
    dedup_key: Mapped[str | None] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    deliveries: Mapped[list[NoticeDelivery]] = relationship(
        back_populates="notice", order_by="NoticeDelivery.id", cascade="all, delete-orphan"
    )


class NoticeDelivery(Base):
    """A notice on its way out through one channel (the notice outbox)."""

    __tablename__ = "notices_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices_notice.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    notice: Mapped[Notice] = relationship(back_populates="deliveries")


class Contact(Base):
    """Where an account wants its notices sent besides the message centre."""

    __tablename__ = "notices_contact"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
