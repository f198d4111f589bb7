"""Moving a case along: accept, ask for supplements, supply, decide, deliver, withdraw."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.errors import invalid_fields
from chuanyu.core.schemas import UserRead
from chuanyu.registry import service as registry_service
from chuanyu.registry.schemas import RegistrationApplication
from chuanyu.window import permissions, rules
from chuanyu.window.checks import check_uploads
from chuanyu.window.enums import ACTION_LABELS, STATUS_LABELS, Action, CaseStatus, PayloadKind
from chuanyu.window.errors import ActionForbidden, TransitionNotAllowed
from chuanyu.window.models import Case
from chuanyu.window.schemas import TransitionIn, UploadIn
from chuanyu.window.service.common import calendar, clock_of, store_clock, visible_case
from chuanyu.window.service.events import attach, publish_transition, record
from chuanyu.window.service.notices import notify_transition

if TYPE_CHECKING:
    from chuanyu.node import Node


def requested_materials(case: Case) -> list[str]:
    """The materials named by the latest supplement request."""
    for event in reversed(case.events):
        if event.action == Action.REQUEST_SUPPLEMENT.value:
            return list((event.data or {}).get("materials", []))
    return []


def _check_input(
    case: Case, action: Action, data: TransitionIn, uploads: list[UploadIn]
) -> tuple[list[Any], dict[str, Any]]:
    problems: list[tuple[str, str]] = []
    extra: dict[str, Any] = {}
    if action in rules.NEEDS_REASON and not data.note:
        problems.append(("note", f"{ACTION_LABELS[action]}须说明理由"))
    codes = [m["code"] for m in case.materials]
    if action is Action.REQUEST_SUPPLEMENT:
        unknown = [c for c in data.materials if c not in codes]
        if unknown:
            problems.append(("materials", f"不在本办件材料清单中：{', '.join(unknown)}"))
        extra["materials"] = list(dict.fromkeys(data.materials))
        if rules.is_repeat_supplement(Action(e.action) for e in case.events):
            if data.repeat_reason:
                extra["repeat_reason"] = data.repeat_reason
            else:
                problems.append(
                    (
                        "repeat_reason",
                        "本办件已一次性告知补正，原则上不再要求补正；"
                        "确需再次补正的，请说明理由（将记入办件流程）",
                    )
                )
    elif data.materials:
        problems.append(("materials", "只有一次性告知补正时需要列出材料"))
    files: list[Any] = []
    if uploads and action is not Action.SUPPLY:
        problems.append(("files", f"{ACTION_LABELS[action]}不需要上传文件"))
    if action is Action.SUPPLY:
        wanted = requested_materials(case)
        files, file_problems = check_uploads(uploads, wanted or codes)
        problems += file_problems
        given = {f.material_code for f in files}
        for code in wanted:
            if code not in given:
                name = next(m["name"] for m in case.materials if m["code"] == code)
                problems.append((f"materials.{code}", f"须补正材料：{name}"))
        if not wanted and not files:
            problems.append(("files", "请上传补正材料"))
    if problems:
        raise invalid_fields(problems)
    return files, extra


def _decide(*, session: Session, node: Node, case: Case, action: Action) -> None:
    """Business registration: the name at acceptance, the licence at approval."""
    if case.payload_kind != PayloadKind.BUSINESS_REGISTRATION.value or case.application is None:
        return
    application = RegistrationApplication.model_validate(case.application)
    if action is Action.ACCEPT:
        registry_service.check_name(session=session, name=application.name)
    elif action is Action.APPROVE:
        licence = registry_service.issue_licence(
            session=session,
            node=node,
            application=application,
            case_number=case.case_number,
            received_member=case.intake_member,
        )
        case.result = {
            "kind": "business_licence",
            "uscc": licence.uscc,
            "name": licence.name,
            "issuer_member": licence.issuer_member,
            "authority_name": licence.authority_name,
            "issued_date": licence.issued_date.isoformat(),
        }


def _move_clock(*, session: Session, case: Case, action: Action) -> None:
    if action in rules.CLOCK_MOVES:
        moved = rules.move(calendar(session=session), clock_of(case), action, clock.today())
        store_clock(case, moved)


def act(
    *,
    session: Session,
    node: Node,
    user: UserRead,
    case_number: str,
    action: Action,
    data: TransitionIn,
    uploads: list[UploadIn] | None = None,
) -> Case:
    """Take `action` on a case: checked against its state and the caller's role; flush only."""
    case = visible_case(session=session, case_number=case_number, user=user)
    status = CaseStatus(case.status)
    if action is Action.RECEIVE or rules.next_status(status, action) is None:
        raise TransitionNotAllowed(
            f"办件当前状态为「{STATUS_LABELS[status]}」，不能{ACTION_LABELS[action]}"
        )
    if not permissions.may_act(user, case, action):
        raise ActionForbidden(f"当前账号无权对本办件{ACTION_LABELS[action]}")
    files, extra = _check_input(case, action, data, uploads or [])
    _decide(session=session, node=node, case=case, action=action)
    _move_clock(session=session, case=case, action=action)
    event = record(
        case,
        action=action,
        from_status=status,
        actor=user.username,
        actor_name=user.display_name,
        actor_role=permissions.acting_role(user, case, action),
        actor_member=node.member,
        note=data.note,
        data=extra or None,
    )
    new_files = attach(case, files, seq=event.seq)
    session.flush()
    publish_transition(session=session, case=case, event=event, new_files=new_files)
    notify_transition(session=session, case=case, event=event)
    return case
