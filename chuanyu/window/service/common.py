"""Shared pieces of the window's use cases: the calendar, lookups and read models."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core.errors import NotFound
from chuanyu.core.identifiers import mask_resident_id
from chuanyu.core.schemas import UserRead
from chuanyu.window import permissions, rules
from chuanyu.window.enums import ACTION_LABELS, STATUS_LABELS, Action, CaseStatus, Urgency
from chuanyu.window.holidays import HolidaySchedule as ScheduleSpec
from chuanyu.window.holidays import parse_schedule
from chuanyu.window.models import Case, HolidaySchedule
from chuanyu.window.schemas import (
    AttachmentRead,
    CaseEventRead,
    CaseMaterialRead,
    CaseRead,
    CaseSummary,
    DueChangeRead,
)
from chuanyu.window.workdays import WorkdayCalendar

NEAR_DAYS = 1  # a case with this many working days left or fewer is escalated


def loaded_schedules(*, session: Session) -> list[ScheduleSpec]:
    """Every holiday schedule an administrator loaded on this node, by year."""
    rows = session.scalars(select(HolidaySchedule).order_by(HolidaySchedule.year)).all()
    return [parse_schedule(row.body) for row in rows]


def calendar(*, session: Session) -> WorkdayCalendar:
    """The working-day calendar: the package plus every schedule an administrator loaded."""
    return WorkdayCalendar(loaded_schedules(session=session))


def clock_of(case: Case) -> rules.Clock:
    """The case's time-limit clock as the pure rules see it."""
    return rules.Clock(
        limit_days=case.limit_days,
        used_days=case.used_days,
        running_since=case.running_since,
        due_date=case.due_date,
        paused_on=case.paused_on,
        finished_on=case.finished_on,
        due_provisional=case.due_provisional,
    )


def store_clock(case: Case, clock: rules.Clock) -> None:
    """Write a clock back onto the case."""
    case.limit_days = clock.limit_days
    case.used_days = clock.used_days
    case.running_since = clock.running_since
    case.due_date = clock.due_date
    case.paused_on = clock.paused_on
    case.finished_on = clock.finished_on
    case.due_provisional = clock.due_provisional


def clock_payload(case: Case) -> dict[str, object]:
    """The clock as it travels in an event."""
    return {
        "limit_days": case.limit_days,
        "used_days": case.used_days,
        "running_since": case.running_since.isoformat() if case.running_since else None,
        "due_date": case.due_date.isoformat(),
        "paused_on": case.paused_on.isoformat() if case.paused_on else None,
        "finished_on": case.finished_on.isoformat() if case.finished_on else None,
        "due_provisional": case.due_provisional,
    }


def load_clock_payload(case: Case, data: dict[str, object]) -> None:
    """Apply a clock received in an event."""

    def day(key: str) -> date | None:
        value = data.get(key)
        return date.fromisoformat(str(value)) if value else None

    store_clock(
        case,
        rules.Clock(
            limit_days=int(str(data["limit_days"])),
            used_days=int(str(data["used_days"])),
            running_since=day("running_since"),
            due_date=date.fromisoformat(str(data["due_date"])),
            paused_on=day("paused_on"),
            finished_on=day("finished_on"),
            due_provisional=bool(data.get("due_provisional", False)),
        ),
    )


def get_case(*, session: Session, case_number: str) -> Case:
    """The case with this number; NotFound otherwise."""
    case = session.scalar(select(Case).where(Case.case_number == case_number))
    if case is None:
        raise NotFound(f"办件 {case_number} 不存在")
    return case


def visible_case(*, session: Session, case_number: str, user: UserRead) -> Case:
    """The case, if `user` may see it (NotFound otherwise, so numbers cannot be probed)."""
    case = get_case(session=session, case_number=case_number)
    if not permissions.can_see(user, case):
        raise NotFound(f"办件 {case_number} 不存在")
    return case


def _timing(
    case: Case, cal: WorkdayCalendar, today: date
) -> tuple[int | None, bool, Urgency, bool | None]:
    clock = clock_of(case)
    left = rules.days_left(cal, clock, today)
    overdue = (
        clock.finished_on is None and clock.running_since is not None and (today > clock.due_date)
    )
    return (
        left,
        overdue,
        rules.urgency(cal, clock, today, near_days=NEAR_DAYS),
        rules.on_time(clock),
    )


def to_summary(case: Case, cal: WorkdayCalendar, today: date) -> CaseSummary:
    """A queue line for the case."""
    left, overdue, urgency, _ = _timing(case, cal, today)
    return CaseSummary(
        case_number=case.case_number,
        matter_name=case.matter_name,
        intake_member=case.intake_member,
        authority_member=case.authority_member,
        authority_name=case.authority_name,
        status=CaseStatus(case.status),
        status_label=STATUS_LABELS[CaseStatus(case.status)],
        applicant_name=case.applicant_name,
        received_date=case.received_date,
        due_date=case.due_date,
        due_provisional=case.due_provisional,
        days_left=left,
        overdue=overdue,
        urgency=urgency,
        resubmitted=(
            case.status == CaseStatus.ACCEPTED.value
            and bool(case.events)
            and case.events[-1].action == Action.SUPPLY.value
        ),
    )


def to_read(case: Case, *, cal: WorkdayCalendar, today: date, viewer: UserRead | None) -> CaseRead:
    """The whole case as `viewer` may see it (None: someone tracking by number and ID)."""
    left, overdue, urgency, on_time = _timing(case, cal, today)
    full_id = viewer is not None and permissions.sees_full_id(viewer, case)
    files = [
        AttachmentRead(
            id=a.id,
            material_code=a.material_code,
            filename=a.filename,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
            stored_here=a.content is not None,
            event_seq=a.event_seq,
        )
        for a in case.attachments
    ]
    materials = [
        CaseMaterialRead(
            code=m["code"],
            name=m["name"],
            required=m["required"],
            original_required=m["original_required"],
            original_sighted=m.get("original_sighted", False),
            files=[f for f in files if f.material_code == m["code"]],
        )
        for m in case.materials
    ]
    events = [
        CaseEventRead(
            seq=e.seq,
            action=e.action,
            action_label=ACTION_LABELS[Action(e.action)],
            from_status=e.from_status,
            to_status=e.to_status,
            status_label=STATUS_LABELS[CaseStatus(e.to_status)],
            actor=e.actor,
            actor_name=e.actor_name,
            actor_role=e.actor_role,
            actor_member=e.actor_member,
            at=e.at,
            note=e.note,
            data=e.data,
        )
        for e in case.events
    ]
    application = case.application if full_id else None
    return CaseRead(
        case_number=case.case_number,
        matter_code=case.matter_code,
        matter_name=case.matter_name,
        intake_member=case.intake_member,
        authority_member=case.authority_member,
        authority_name=case.authority_name,
        cross_region=case.intake_member != case.authority_member,
        status=CaseStatus(case.status),
        status_label=STATUS_LABELS[CaseStatus(case.status)],
        applicant_kind=case.applicant_kind,  # type: ignore[arg-type]
        applicant_name=case.applicant_name,
        applicant_id_number=(
            case.applicant_id_number if full_id else mask_resident_id(case.applicant_id_number)
        ),
        applicant_phone=case.applicant_phone if full_id else None,
        applicant_division_code=case.applicant_division_code,
        application=application,
        received_date=case.received_date,
        received_at=case.received_at,
        received_by=case.received_by,
        limit_days=case.limit_days,
        used_days=case.used_days,
        due_date=case.due_date,
        due_provisional=case.due_provisional,
        paused_on=case.paused_on,
        finished_on=case.finished_on,
        days_left=left,
        overdue=overdue,
        urgency=urgency,
        on_time=on_time,
        result=case.result,
        materials=materials,
        events=events,
        due_changes=[
            DueChangeRead(
                at=c.at,
                old_due_date=c.old_due_date,
                new_due_date=c.new_due_date,
                old_provisional=c.old_provisional,
                new_provisional=c.new_provisional,
                reason=c.reason,
                actor=c.actor,
            )
            for c in case.due_changes
        ],
        allowed_actions=(
            [a.value for a in permissions.allowed_actions(viewer, case)] if viewer else []
        ),
    )
