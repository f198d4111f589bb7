"""Notices about window cases: the applicant at 受理, 补正, 待领取 and 办结, and the side that
must act when a case nears or passes its due date.

Both nodes hold a cross-region case and each writes the notices of its own accounts: the side
that acts in `transitions.act`, the other side when it applies the event in
`replica.apply_transition`. Each notice is keyed (case, step) or (case, condition), so a
replayed event or a repeated sweep notifies nobody twice.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.notices import service as notices_service
from chuanyu.notices.enums import NoticeKind
from chuanyu.window import rules
from chuanyu.window.enums import Action, CaseStatus, Side, Urgency
from chuanyu.window.models import Case, CaseEvent
from chuanyu.window.service.queries import escalations

if TYPE_CHECKING:
    from chuanyu.node import Node


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _material_names(case: Case, codes: list[str]) -> str:
    names = {m["code"]: m["name"] for m in case.materials}
    return "、".join(names.get(code, code) for code in codes) or "见办件页面"


def _message(case: Case, event: CaseEvent) -> tuple[NoticeKind, str, str] | None:
    """(kind, subject, body) of the applicant's notice for a step, or None for no notice."""
    action = Action(event.action)
    number, matter = case.case_number, case.matter_name
    note = f"说明：{event.note}" if event.note else ""
    if action is Action.ACCEPT:
        return (NoticeKind.ACCEPTED, f"办件已受理：{matter}",
                f"您的办件 {number} 已由{case.authority_name}受理，预计 {_day(case.due_date)} "
                f"前办结（按工作日计算，补正期间不计）。")
    if action is Action.REQUEST_SUPPLEMENT:
        codes = list((event.data or {}).get("materials", []))
        return (NoticeKind.SUPPLEMENT, f"请补正材料：{matter}",
                f"您的办件 {number} 需要补正：{_material_names(case, codes)}。{note}"
                f"补正期间办理时限暂停计算，补齐材料后继续办理。")
    if action is Action.APPROVE:
        return (NoticeKind.READY, f"准予办理，待领取：{matter}",
                f"您的办件 {number} 已准予办理，办理结果待领取。请携带本人有效身份证件到"
                f"收件窗口领取，或按约定方式送达。")
    if action is Action.REJECT:
        return (NoticeKind.CONCLUDED, f"办件已办结（不予办理）：{matter}",
                f"您的办件 {number} 经审查不予办理。{note}如有异议，可依法申请行政复议或"
                f"提起行政诉讼。")
    if action is Action.WITHDRAW:
        return (NoticeKind.CONCLUDED, f"办件已撤回：{matter}",
                f"您的办件 {number} 已按您的申请撤回，办理终止。")
    if action is Action.DELIVER:
        return (NoticeKind.CONCLUDED, f"办件已办结：{matter}",
                f"您的办件 {number} 办理结果已送达/领取，办件办结。感谢您的耐心。")
    return None


def notify_transition(*, session: Session, case: Case, event: CaseEvent) -> None:
    """Tell the applicant's accounts on this node about a step of their case (flushes)."""
    message = _message(case, event)
    if message is None:
        return
    kind, subject, body = message
    notices_service.notify(
        session=session,
        recipient=notices_service.subject_address(case.applicant_id_number),
        kind=kind,
        subject=subject,
        body=body,
        link=f"/window/cases/{case.case_number}",
        key=f"window:{case.case_number}:{event.seq}",
    )


def _acting_role(case: Case, member: str) -> str | None:
    """The role on `member` that must act on the case now (None: the other side must)."""
    side = rules.owner(CaseStatus(case.status))
    if side is Side.INTAKE and case.intake_member == member:
        return "window_clerk"
    if side is Side.AUTHORITY and case.authority_member == member:
        return case.officer_role
    return None


def remind_due(*, session: Session, node: Node, today: date | None = None) -> int:
    """Notify the staff who must act on each open case near or past its due date, once per
    case and condition (near due, overdue); how many notices were written."""
    written = 0
    for item in escalations(session=session, node=node, today=today):
        case = session.scalar(select(Case).where(Case.case_number == item.case_number))
        role = _acting_role(case, node.member) if case is not None else None
        if case is None or role is None:
            continue
        overdue = item.urgency is Urgency.OVERDUE
        kind = NoticeKind.OVERDUE if overdue else NoticeKind.NEAR_DUE
        when = (f"已超过办理时限（应于 {_day(item.due_date)} 前办结）" if overdue
                else f"将于 {_day(item.due_date)} 到期（剩余 {item.days_left} 个工作日）")
        written += len(notices_service.notify(
            session=session,
            recipient=notices_service.role_address(role),
            kind=kind,
            subject=f"{'办件已超期' if overdue else '办件临近时限'}：{case.case_number}",
            body=f"「{case.matter_name}」（申请人 {case.applicant_name}）{when}，"
                 f"当前状态：{item.status_label}。请及时办理。",
            link=f"/window/cases/{case.case_number}",
            key=f"window:{case.case_number}:{kind.value}",
        ))
    return written
