"""Material files: the intake side keeps the bytes, the authority fetches them when it reads."""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core.errors import NotFound, PermissionDenied, RuleViolation
from chuanyu.core.schemas import UserRead
from chuanyu.window.models import Attachment, Case
from chuanyu.window.service.common import visible_case

if TYPE_CHECKING:
    from chuanyu.node import Node

SERVICE = "window.attachment"


class AttachmentRequest(BaseModel):
    """Which file of which case the authority wants."""

    case_number: str
    sha256: str


class AttachmentContent(BaseModel):
    """A file's bytes (base64) with its metadata."""

    filename: str
    content_type: str
    sha256: str
    content_b64: str


def serve(*, session: Session, caller: str, request: AttachmentRequest) -> AttachmentContent:
    """Hand a file of a case to the authority of that case (and nobody else)."""
    case = session.scalar(select(Case).where(Case.case_number == request.case_number))
    if case is None:
        raise NotFound(f"办件 {request.case_number} 不存在")
    if caller != case.authority_member:
        raise PermissionDenied(f"{caller} 不是办件 {case.case_number} 的办理地")
    row = next(
        (a for a in case.attachments if a.sha256 == request.sha256 and a.content is not None),
        None,
    )
    if row is None or row.content is None:
        raise NotFound("文件不存在")
    return AttachmentContent(
        filename=row.filename,
        content_type=row.content_type,
        sha256=row.sha256,
        content_b64=base64.b64encode(row.content).decode(),
    )


def content(
    *, session: Session, node: Node, user: UserRead, case_number: str, attachment_id: int
) -> tuple[Attachment, bytes]:
    """A file of a case the user may see: from here, or fetched from the intake side."""
    case = visible_case(session=session, case_number=case_number, user=user)
    row = next((a for a in case.attachments if a.id == attachment_id), None)
    if row is None:
        raise NotFound("文件不存在")
    if row.content is not None:
        return row, row.content
    intake_member, number, digest = case.intake_member, case.case_number, row.sha256
    reply = AttachmentContent.model_validate(
        node.exchange.call(
            intake_member, SERVICE, AttachmentRequest(case_number=number, sha256=digest)
        )
    )
    data = base64.b64decode(reply.content_b64)
    if hashlib.sha256(data).hexdigest() != digest:
        raise RuleViolation("收到的文件与收件时的摘要不符")
    return row, data
