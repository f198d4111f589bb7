"""Pydantic shapes of ledger entries and reported figures."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from chuanyu.core.fields import PlainText, scrub_control_characters
from chuanyu.core.pagination import Page
from chuanyu.ledger import parties
from chuanyu.ledger.enums import EntryKind, EntryStatus
from chuanyu.ledger.rules import FuzzyDate

FUZZY_DATE = re.compile(r"^(\d{4}-\d{2}(-\d{2})?)?$")
ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")

Title = Annotated[PlainText, Field(min_length=2, max_length=200)]


def check_fuzzy_date(value: str | None) -> str:
    """Validate 'YYYY-MM-DD', 'YYYY-MM' or '' (unknown); raises ValueError with a readable text."""
    text = (value or "").strip()
    if not FUZZY_DATE.match(text):
        raise ValueError("日期格式应为 2020-05-06、2020-05 或留空（日期未知）")
    try:
        FuzzyDate.parse(text)
    except ValueError as exc:
        raise ValueError(f"日期无效：{text}") from exc
    return text


def check_party_codes(codes: list[str]) -> list[str]:
    """Every code must be a division or a known body; duplicates are refused."""
    unknown = [c for c in codes if parties.find(c) is None]
    if unknown:
        raise ValueError(f"未知的参与方代码：{'、'.join(unknown)}")
    if len(set(codes)) != len(codes):
        raise ValueError("参与方重复")
    return codes


class EntryBase(BaseModel):
    """Fields shared by entry creation and reading."""

    model_config = ConfigDict(extra="forbid")

    kind: EntryKind
    title: Title
    summary: PlainText = Field(default="", max_length=2000)
    date: str = Field(default="", description="2020-05-06, 2020-05 or empty when not given")
    stage: int | None = Field(default=None, ge=1, le=20)
    no_later_than: dt.date | None = None
    status: EntryStatus = EntryStatus.DONE
    parties: list[str] = Field(min_length=1, max_length=100)
    detail: dict[str, Any] = Field(default_factory=dict)
    metrics: dict[str, Decimal] = Field(default_factory=dict)
    qualifiers: dict[PlainText, PlainText] = Field(default_factory=dict)
    tags: list[PlainText] = Field(default_factory=list, max_length=30)
    group: PlainText | None = Field(default=None, max_length=64)
    source: PlainText = Field(default="", max_length=300)

    _check_date = field_validator("date")(check_fuzzy_date)
    _check_parties = field_validator("parties")(check_party_codes)

    @field_validator("metrics")
    @classmethod
    def _metrics_not_negative(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        bad = [k for k, v in value.items() if v < 0]
        if bad:
            raise ValueError(f"指标不能为负数：{'、'.join(bad)}")
        return value

    @field_validator("tags")
    @classmethod
    def _tags_clean(cls, value: list[str]) -> list[str]:
        return [t.strip() for t in value if t.strip()]

    @model_validator(mode="after")
    def _planned_has_no_past_bound(self) -> EntryBase:
        if self.status == EntryStatus.PLANNED and self.no_later_than is not None:
            raise ValueError("计划中的事项不应填写“不晚于”日期")
        return self


class EntryCreate(EntryBase):
    """A new entry; `id` is generated when not given (seed entries carry stable ids)."""

    id: str | None = None

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str | None) -> str | None:
        if value is not None and not ENTRY_ID.match(value):
            raise ValueError("编号只能含小写字母、数字、点、横线和下划线，最长64位")
        return value


class EntryUpdate(EntryBase):
    """A full replacement of an entry's content (the owner's node only)."""


class EntryRead(EntryBase):
    """An entry as stored, with its owner and timestamps."""

    id: str
    owner: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @model_validator(mode="before")
    @classmethod
    def _readable_text(cls, data: Any) -> Any:
        # Entries stored or replicated before control characters were refused still read.
        return scrub_control_characters(data)


EntryPage = Page[EntryRead]


class FigureCreate(BaseModel):
    """A total as published by a source."""

    model_config = ConfigDict(extra="forbid")

    metric: str = Field(min_length=2, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    value: Decimal = Field(ge=0)
    as_of: dt.date
    qualifier: str = Field(default="", max_length=8)
    source: str = Field(default="", max_length=300)
    note: str = Field(default="", max_length=300)
    id: str | None = None


class FigureRead(FigureCreate):
    """A reported figure as stored."""

    id: str
    owner: str
