"""API shapes of notices, deliveries and contact settings."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chuanyu.notices.enums import KIND_LABELS


class NoticeRead(BaseModel):
    """A notice as its recipient sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    subject: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None

    @property
    def kind_label(self) -> str:
        """The kind in Chinese."""
        return KIND_LABELS.get(self.kind, "通知")


class NoticePage(BaseModel):
    """A page of a message centre, newest first."""

    items: list[NoticeRead]
    total: int
    unread: int
    limit: int
    offset: int


class UnreadCount(BaseModel):
    """How many notices the caller has not read."""

    unread: int


class ReadAll(BaseModel):
    """How many notices were marked as read."""

    marked: int


class DeliveryRead(BaseModel):
    """One outbound delivery of a notice, for the administrator."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    notice_id: int
    channel: str
    address: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None


# No spaces and no control characters in either part; a dot in the domain.
EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$"


class ContactIn(BaseModel):
    """Where the caller wants notices sent; empty values turn a channel off."""

    model_config = ConfigDict(extra="forbid")

    email: Annotated[str | None, Field(max_length=200)] = None
    phone: Annotated[str | None, Field(max_length=20)] = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None and not re.match(EMAIL_PATTERN, value):
            raise ValueError("请填写有效的电子邮箱地址，例如 name@example.com")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None and not (len(value) == 11 and value.isdigit() and value[0] == "1"):
            raise ValueError("请填写 11 位手机号码")
        return value


class ContactRead(BaseModel):
    """The caller's contact settings and the channels this node can use."""

    email: str | None
    phone: str | None
    channels: list[str]
