"""Announced holiday schedules loaded by an administrator, and due-date answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.errors import invalid_fields
from chuanyu.core.schemas import from_row
from chuanyu.window.holidays import HolidaySchedule as ScheduleSpec
from chuanyu.window.models import HolidaySchedule
from chuanyu.window.schemas import DueAnswer, HolidayScheduleRead
from chuanyu.window.service.common import calendar
from chuanyu.window.service.due import recount_provisional
from chuanyu.window.statutory import missing_festivals

# From this month on, next year's announced schedule is expected (notices come out in autumn).
WARN_FROM_MONTH = 11


def to_read(row: HolidaySchedule, recomputed: int = 0) -> HolidayScheduleRead:
    """The read shape of a loaded schedule (`recomputed`: due dates it moved)."""
    return from_row(HolidayScheduleRead, row, festivals=len(row.body.get("festivals", [])),
                    recomputed=recomputed)


def check_complete(schedule: ScheduleSpec) -> None:
    """Refuse a schedule that does not give every statutory holiday of its year off."""
    days_off = {day for day, (working, _) in schedule.overrides().items() if not working}
    missing = missing_festivals(schedule.year, days_off)
    if not missing:
        return
    listed = "；".join(
        f"{name}（{'、'.join(d.isoformat() for d in days)}）" for name, days in missing.items()
    )
    raise invalid_fields(
        [("festivals", f"缺少法定节假日：{listed}")],
        detail=f"{schedule.year} 年节假日安排不完整，缺少 {len(missing)} 个节日，未载入",
    )


def load_holidays(*, session: Session, schedule: ScheduleSpec, actor: str) -> HolidayScheduleRead:
    """Store a complete year (replacing an earlier load) and recount provisional due dates."""
    check_complete(schedule)
    row = session.scalar(select(HolidaySchedule).where(HolidaySchedule.year == schedule.year))
    if row is None:
        row = HolidaySchedule(year=schedule.year)
        session.add(row)
    row.announcement = schedule.announcement
    row.body = schedule.model_dump(mode="json")
    row.loaded_at = clock.now()
    row.loaded_by = actor
    session.flush()
    changes = recount_provisional(
        session=session,
        cal=calendar(session=session),
        reason=(
            f"载入 {schedule.year} 年节假日安排（{schedule.announcement}），按正式安排重算到期日"
        ),
        actor=actor,
    )
    return to_read(row, recomputed=len(changes))


def list_schedules(*, session: Session) -> list[HolidayScheduleRead]:
    """Loaded years, oldest first."""
    rows = session.scalars(select(HolidaySchedule).order_by(HolidaySchedule.year))
    return [to_read(row) for row in rows]


def due_date(*, session: Session, received: date, limit_days: int) -> DueAnswer:
    """The due date of a case received on `received` with `limit_days` working days."""
    cal = calendar(session=session)
    due = cal.add_workdays(received, limit_days)
    provisional = cal.provisional_between(received, due)
    years = [y for y in range(received.year, due.year + 1) if cal.is_provisional(y)]
    return DueAnswer(
        received=received,
        limit_days=limit_days,
        due_date=due,
        provisional=provisional,
        provisional_years=years if provisional else [],
    )


def calendar_warnings(*, session: Session, today: date | None = None) -> list[str]:
    """What administrators must load: this year's or, from November, next year's schedule."""
    today = today or clock.today()
    cal = calendar(session=session)
    years = [today.year] + ([today.year + 1] if today.month >= WARN_FROM_MONTH else [])
    return [
        f"{year} 年国务院节假日安排尚未载入，涉及 {year} 年的到期日按《全国年节及纪念日放假办法》"
        f"暂定计算。请管理员在通知公布后载入（chuanyu window load-holidays FILE）。"
        for year in years
        if cal.is_provisional(year)
    ]
