"""Due dates counted again when the calendar they rest on changes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.window import rules
from chuanyu.window.enums import Action
from chuanyu.window.models import Case, DueChange
from chuanyu.window.service.common import calendar, clock_of, store_clock
from chuanyu.window.workdays import WorkdayCalendar

SYSTEM_ACTOR = "system"


def replayed_clock(case: Case, cal: WorkdayCalendar) -> rules.Clock:
    """The case's clock counted again on `cal`, from its receipt and each pause and resumption."""
    moves = [
        (Action(e.action), e.at.astimezone(clock.CHINA).date())
        for e in case.events
        if Action(e.action) in rules.CLOCK_MOVES
    ]
    return rules.replay(cal, case.received_date, case.limit_days, moves)


def reconcile(case: Case, cal: WorkdayCalendar, *, reason: str, actor: str) -> DueChange | None:
    """Recount a provisional due date on `cal`; record the change on the case when it moved."""
    if not case.due_provisional or case.finished_on is not None:
        return None
    before = clock_of(case)
    after = replayed_clock(case, cal)
    store_clock(case, after)
    if (after.due_date, after.due_provisional) == (before.due_date, before.due_provisional):
        return None
    change = DueChange(
        at=clock.now(),
        old_due_date=before.due_date,
        new_due_date=after.due_date,
        old_provisional=before.due_provisional,
        new_provisional=after.due_provisional,
        reason=reason,
        actor=actor,
    )
    case.due_changes.append(change)
    return change


def follow_peer_clock(*, session: Session, case: Case) -> None:
    """Recount a provisional due date the other side sent when this node has the year's schedule.

    Each node counts on the schedules its administrator loaded; until both have loaded a year, the
    side that has keeps the official count and notes it on the case.
    """
    if case.due_provisional:
        reconcile(
            case,
            calendar(session=session),
            reason="对方按暂定日历计算的到期日，已按本节点载入的节假日安排重算",
            actor=SYSTEM_ACTOR,
        )


def recount_provisional(
    *, session: Session, cal: WorkdayCalendar, reason: str, actor: str
) -> list[tuple[str, DueChange]]:
    """Recount every open case whose due date is provisional; (case number, change) per change."""
    rows = session.scalars(
        select(Case)
        .where(Case.due_provisional.is_(True), Case.finished_on.is_(None))
        .order_by(Case.id)
    ).all()
    changes = []
    for case in rows:
        change = reconcile(case, cal, reason=reason, actor=actor)
        if change is not None:
            changes.append((case.case_number, change))
    session.flush()
    return changes
