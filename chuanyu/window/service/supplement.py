"""Online 补正: the applicant sees what was asked, uploads files over one or more attempts, and
submits them; the files wait as pending uploads of the case until the submission succeeds.

The submission itself is the SUPPLY transition of `transitions.act`, so the file checks, the
timeline entry, the clock's resumption and the event to the other side are the window's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.errors import NotFound
from chuanyu.core.schemas import UserRead
from chuanyu.window import permissions
from chuanyu.window.checks import FieldProblem, check_uploads
from chuanyu.window.enums import STATUS_LABELS, Action, CaseStatus
from chuanyu.window.errors import TransitionNotAllowed
from chuanyu.window.models import Case, PendingUpload
from chuanyu.window.schemas import TransitionIn, UploadIn
from chuanyu.window.service.common import visible_case
from chuanyu.window.service.transitions import act, requested_materials
from chuanyu.window.uploads import MAX_FILES_PER_CASE

if TYPE_CHECKING:
    from chuanyu.node import Node


@dataclass(frozen=True)
class RequestedMaterial:
    """A material named by the supplement request, with the files waiting for it."""

    code: str
    name: str
    pending: list[PendingFile]


@dataclass(frozen=True)
class PendingFile:
    """A file uploaded for the supplement and not submitted yet."""

    id: int
    filename: str
    size: int


@dataclass(frozen=True)
class SupplementRequest:
    """What the applicant is asked to supply, and why."""

    case_number: str
    reason: str
    repeat_reason: str | None
    requested_at: datetime
    materials: list[RequestedMaterial]


def tracked_case(*, session: Session, case_number: str, id_number: str) -> Case:
    """The case of this number whose applicant has this ID number (the tracking factors)."""
    case = session.scalar(select(Case).where(Case.case_number == case_number.strip()))
    if case is None or case.applicant_id_number.upper() != id_number.strip().upper():
        raise NotFound("未找到该办件，请核对办件编号和证件号码")
    return case


def applicant(case: Case, node: Node) -> UserRead:
    """The applicant acting through the tracking page (no account: the factors identify them)."""
    return UserRead(
        id=0,
        username="applicant",
        display_name=f"申请人 {case.applicant_name}",
        roles=["citizen"],
        member=node.member,
        subject_id=case.applicant_id_number,
    )


def request_of(*, session: Session, case: Case) -> SupplementRequest | None:
    """The open supplement request of a case waiting for supplements (None otherwise)."""
    if case.status != CaseStatus.SUPPLEMENT.value:
        return None
    event = next(e for e in reversed(case.events) if e.action == Action.REQUEST_SUPPLEMENT.value)
    wanted = requested_materials(case) or [m["code"] for m in case.materials]
    pending = session.scalars(
        select(PendingUpload).where(PendingUpload.case_id == case.id).order_by(PendingUpload.id)
    ).all()
    names = {m["code"]: m["name"] for m in case.materials}
    return SupplementRequest(
        case_number=case.case_number,
        reason=event.note or "",
        repeat_reason=(event.data or {}).get("repeat_reason"),
        requested_at=clock.aware(event.at),
        materials=[
            RequestedMaterial(
                code,
                names.get(code, code),
                [PendingFile(p.id, p.filename, p.size) for p in pending if p.material_code == code],
            )
            for code in wanted
        ],
    )


def _open_for(case: Case, user: UserRead, node: Node) -> None:
    if case.status != CaseStatus.SUPPLEMENT.value:
        status = STATUS_LABELS[CaseStatus(case.status)]
        raise TransitionNotAllowed(f"办件当前状态为「{status}」，不需要补正")
    if not permissions.may_act(user, case, Action.SUPPLY) or case.intake_member != node.member:
        raise TransitionNotAllowed("补正材料请在收件地办理")


def keep(
    *, session: Session, node: Node, user: UserRead, case: Case, uploads: list[UploadIn]
) -> list[FieldProblem]:
    """Store the files that pass the checks as pending uploads; one problem per refused file."""
    _open_for(case, user, node)
    wanted = requested_materials(case) or [m["code"] for m in case.materials]
    passed, problems = check_uploads(uploads, wanted)
    held = {
        (p.material_code, p.sha256)
        for p in session.scalars(select(PendingUpload).where(PendingUpload.case_id == case.id))
    }
    for item in passed:
        if (item.material_code, item.file.sha256) in held:
            continue
        if len(held) >= MAX_FILES_PER_CASE:
            limit = f"待提交的补正文件最多 {MAX_FILES_PER_CASE} 个，请先移除多余的文件"
            problems.append(("files", limit))
            break
        held.add((item.material_code, item.file.sha256))
        session.add(
            PendingUpload(
                case_id=case.id,
                material_code=item.material_code,
                filename=item.file.filename,
                content_type=item.file.content_type,
                size=item.file.size,
                sha256=item.file.sha256,
                content=item.file.content,
                uploaded_at=clock.now(),
                uploaded_by=user.username,
            )
        )
    session.flush()
    return problems


def discard(*, session: Session, node: Node, user: UserRead, case: Case, upload_id: int) -> None:
    """Remove one pending upload of the case (flush only)."""
    _open_for(case, user, node)
    session.execute(
        delete(PendingUpload).where(PendingUpload.case_id == case.id, PendingUpload.id == upload_id)
    )
    session.flush()


def submit(*, session: Session, node: Node, user: UserRead, case: Case, note: str | None) -> Case:
    """Submit the pending uploads as the supplement (SUPPLY); they become the case's files."""
    _open_for(case, user, node)
    rows = session.scalars(
        select(PendingUpload).where(PendingUpload.case_id == case.id).order_by(PendingUpload.id)
    ).all()
    uploads = [
        UploadIn(
            material_code=r.material_code,
            filename=r.filename,
            content_type=r.content_type,
            content=r.content,
        )
        for r in rows
    ]
    done = act(
        session=session,
        node=node,
        user=user,
        case_number=case.case_number,
        action=Action.SUPPLY,
        data=TransitionIn(note=note, repeat_reason=None),
        uploads=uploads,
    )
    session.execute(delete(PendingUpload).where(PendingUpload.case_id == case.id))
    session.flush()
    return done


def case_for(
    *, session: Session, user: UserRead | None, case_number: str, id_number: str | None
) -> Case:
    """The case a signed-in viewer may see, or the one the tracking factors name."""
    if user is not None and id_number is None:
        return visible_case(session=session, case_number=case_number, user=user)
    if id_number is None:
        raise NotFound(f"办件 {case_number} 不存在")
    return tracked_case(session=session, case_number=case_number, id_number=id_number)

