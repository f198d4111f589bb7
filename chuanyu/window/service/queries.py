"""Reading cases: one case, queues, the escalation list, applicant tracking, counts."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from chuanyu.core import clock
from chuanyu.core.errors import NotFound
from chuanyu.core.pagination import fetch_page
from chuanyu.core.schemas import UserRead
from chuanyu.window import permissions, rules
from chuanyu.window.enums import CaseStatus, Side, Urgency
from chuanyu.window.models import Case
from chuanyu.window.schemas import CasePage, CaseRead, CaseSummary
from chuanyu.window.service.common import NEAR_DAYS, calendar, to_read, to_summary, visible_case

if TYPE_CHECKING:
    from chuanyu.node import Node

OPEN = [s.value for s in CaseStatus if s not in rules.DECIDED | rules.TERMINAL]
ESCALATE = (Urgency.NEAR, Urgency.OVERDUE)


def read_case(*, session: Session, user: UserRead, case_number: str) -> CaseRead:
    """A case as `user` may see it."""
    case = visible_case(session=session, case_number=case_number, user=user)
    return to_read(case, cal=calendar(session=session), today=clock.today(), viewer=user)


def list_cases(
    *,
    session: Session,
    node: Node,
    user: UserRead,
    side: Side | None = None,
    status: CaseStatus | None = None,
    awaiting_me: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> CasePage:
    """Cases on this node that `user` may see, most urgent (earliest due) first.

    `side` picks cases received here (intake) or decided here (authority); `awaiting_me` keeps
    those whose current state this side owns — the clerk's or the officer's working queue.
    """
    query = select(Case)
    if not user.has(*permissions.STAFF_ROLES):
        query = query.where(Case.applicant_id_number == (user.subject_id or "-"))
    if side is Side.INTAKE:
        query = query.where(Case.intake_member == node.member)
    elif side is Side.AUTHORITY:
        query = query.where(Case.authority_member == node.member)
    if status is not None:
        query = query.where(Case.status == status.value)
    if awaiting_me:
        query = query.where(_owned_here(node.member))
    rows, total = fetch_page(
        session=session,
        query=query.options(selectinload(Case.events)).order_by(Case.due_date, Case.id),
        limit=min(limit, 500),
        offset=offset,
    )
    cal, today = calendar(session=session), clock.today()
    return CasePage(items=[to_summary(c, cal, today) for c in rows], total=total, limit=limit,
                    offset=offset)


def _owned_here(member: str) -> ColumnElement[bool]:
    """SQL condition: the case's current state is owned by this node's side."""
    authority_states = [s.value for s in CaseStatus if rules.owner(s) is Side.AUTHORITY]
    intake_states = [s.value for s in CaseStatus if rules.owner(s) is Side.INTAKE]
    return or_(
        (Case.authority_member == member) & Case.status.in_(authority_states),
        (Case.intake_member == member) & Case.status.in_(intake_states),
    )


def escalations(*, session: Session, node: Node, today: date | None = None) -> list[CaseSummary]:
    """Open cases on this node near or past their due date, most overdue first."""
    today = today or clock.today()
    cal = calendar(session=session)
    horizon = cal.add_workdays(today, NEAR_DAYS)
    rows = session.scalars(
        select(Case)
        .where(Case.status.in_(OPEN))
        .where(Case.running_since.is_not(None), Case.finished_on.is_(None))
        .where(Case.due_date <= horizon)
        .where(or_(Case.intake_member == node.member, Case.authority_member == node.member))
        .order_by(Case.due_date, Case.id)
    ).all()
    items = [to_summary(c, cal, today) for c in rows]
    return [i for i in items if i.urgency in ESCALATE]


def track(*, session: Session, case_number: str, id_number: str) -> CaseRead:
    """An applicant follows a case by its number and their ID number (or USCC)."""
    case = session.scalar(select(Case).where(Case.case_number == case_number.strip()))
    if case is None or case.applicant_id_number.upper() != id_number.strip().upper():
        raise NotFound("未找到该办件，请核对办件编号和证件号码")
    return to_read(case, cal=calendar(session=session), today=clock.today(), viewer=None)


def count_cross_region(*, session: Session, member: str | None) -> int:
    """Cases received at `member`'s window for the other region (any window when None)."""
    query = select(func.count(Case.id)).where(Case.intake_member != Case.authority_member)
    if member is not None:
        query = query.where(Case.intake_member == member)
    return session.scalar(query) or 0
