"""Announced holiday schedules loaded by an administrator, and due-date answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.window.holidays import HolidaySchedule as ScheduleSpec
from chuanyu.window.models import HolidaySchedule
from chuanyu.window.schemas import DueAnswer, HolidayScheduleRead
from chuanyu.window.service.common import calendar


def _read(row: HolidaySchedule) -> HolidayScheduleRead:
    return HolidayScheduleRead(
        year=row.year,
        announcement=row.announcement,
        festivals=len(row.body.get("festivals", [])),
        loaded_at=row.loaded_at,
        loaded_by=row.loaded_by,
    )


def load_holidays(session: Session, *, schedule: ScheduleSpec, actor: str) -> HolidayScheduleRead:
    """Store a validated year (replacing an earlier load of the same year); it takes precedence."""
    row = session.scalar(select(HolidaySchedule).where(HolidaySchedule.year == schedule.year))
    if row is None:
        row = HolidaySchedule(year=schedule.year)
        session.add(row)
    row.announcement = schedule.announcement
    row.body = schedule.model_dump(mode="json")
    row.loaded_at = clock.now()
    row.loaded_by = actor
    session.flush()
    return _read(row)


def list_schedules(session: Session) -> list[HolidayScheduleRead]:
    """Loaded years, oldest first."""
    rows = session.scalars(select(HolidaySchedule).order_by(HolidaySchedule.year))
    return [_read(row) for row in rows]


def due_date(session: Session, *, received: date, limit_days: int) -> DueAnswer:
    """The due date of a case received on `received` with `limit_days` working days."""
    due = calendar(session).add_workdays(received, limit_days)
    return DueAnswer(received=received, limit_days=limit_days, due_date=due)
