"""Announced holiday schedules (放假安排), loaded by an administrator as validated data.

The State Council announces each next year's public holidays and adjusted working days late in
the year; the calendar package can lag behind. A schedule file names the year, the notice it comes
from and, per festival, the days off and the weekend days worked in lieu:

    year: 2026
    announcement: 国务院办公厅关于2026年部分节假日安排的通知
    festivals:
      - name: 春节
        start: 2026-02-15
        end: 2026-02-23
        adjusted_workdays: [2026-02-14, 2026-02-28]
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from chuanyu.core.errors import invalid_fields
from chuanyu.core.messages import zh_message

# A festival break is at most a few days plus a bridge; anything longer is a typing mistake.
MAX_BREAK_DAYS = 10
# Days in lieu may fall just outside the year (e.g. a Saturday in late December for New Year).
EDGE_DAYS = 31

Name = Annotated[str, Field(min_length=1, max_length=20)]


class Festival(BaseModel):
    """One festival's days off and the weekend days worked in lieu."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    start: date
    end: date
    adjusted_workdays: list[date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Festival:
        if self.end < self.start:
            raise ValueError(f"{self.name}: 结束日期早于开始日期")
        if (self.end - self.start).days + 1 > MAX_BREAK_DAYS:
            raise ValueError(f"{self.name}: 假期超过 {MAX_BREAK_DAYS} 天，请核对")
        for day in self.adjusted_workdays:
            if day.weekday() < 5:
                raise ValueError(f"{self.name}: 调休上班日 {day} 不是周末")
            if self.start <= day <= self.end:
                raise ValueError(f"{self.name}: 调休上班日 {day} 落在假期之内")
        return self

    def days_off(self) -> list[date]:
        """Every day of the break, both ends included."""
        span = (self.end - self.start).days
        return [self.start + timedelta(days=i) for i in range(span + 1)]


class HolidaySchedule(BaseModel):
    """A year's announced holidays and adjusted working days."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100)
    announcement: str = Field(min_length=4, max_length=200)
    festivals: list[Festival] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> HolidaySchedule:
        low = date(self.year, 1, 1) - timedelta(days=EDGE_DAYS)
        high = date(self.year, 12, 31) + timedelta(days=EDGE_DAYS)
        seen: dict[date, str] = {}
        names: set[str] = set()
        for festival in self.festivals:
            if festival.name in names:
                raise ValueError(f"节日 {festival.name} 重复")
            names.add(festival.name)
            if festival.start.year != self.year:
                raise ValueError(
                    f"{festival.name}: 假期开始于 {festival.start}，不在 {self.year} 年"
                )
            for day in festival.days_off() + festival.adjusted_workdays:
                if not low <= day <= high:
                    raise ValueError(f"{festival.name}: {day} 超出 {self.year} 年的范围")
                if day in seen:
                    raise ValueError(f"{day} 同时出现在 {seen[day]} 和 {festival.name}")
                seen[day] = festival.name
        return self

    def overrides(self) -> dict[date, tuple[bool, str]]:
        """Each listed date → (is a working day, festival name)."""
        out: dict[date, tuple[bool, str]] = {}
        for festival in self.festivals:
            for day in festival.days_off():
                out[day] = (False, festival.name)
            for day in festival.adjusted_workdays:
                out[day] = (True, f"{festival.name}调休上班")
        return out


def parse_schedule(data: object) -> HolidaySchedule:
    """Validate a schedule from parsed YAML/JSON; raises InvalidInput with one error per field."""
    try:
        return HolidaySchedule.model_validate(data)
    except ValidationError as exc:
        pairs = [
            (
                ".".join(str(p) for p in err["loc"]) or "schedule",
                zh_message(err),
            )
            for err in exc.errors()
        ]
        raise invalid_fields(pairs, detail="节假日安排文件有误") from exc


def read_schedule_file(path: Path) -> HolidaySchedule:
    """Read and validate a schedule file (YAML or JSON)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise invalid_fields([("file", f"无法读取 {path}: {exc}")]) from exc
    return parse_schedule(data)
