"""REST API of notices, mounted under /api/notices: the caller's message centre, contact
settings, and the delivery outbox for administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.pagination import PageQuery, paging
from chuanyu.core.security import CurrentUser, Role, require
from chuanyu.notices import service as notices_service
from chuanyu.notices.deps import NoticeId
from chuanyu.notices.enums import DeliveryStatus
from chuanyu.notices.schemas import (
    ContactIn,
    ContactRead,
    DeliveryRead,
    NoticePage,
    NoticeRead,
    ReadAll,
    UnreadCount,
)

router = APIRouter(tags=["notices"])


@router.get("", dependencies=[require()])
def list_notices(
    session: ReadSessionDep,
    user: CurrentUser,
    page: PageQuery = paging(max_limit=200),
    unread: bool = False,
) -> NoticePage:
    """The caller's notices, newest first (`unread=true`: only unread ones)."""
    return notices_service.list_for(session=session, user=user, unread_only=unread,
                                    limit=page.limit, offset=page.offset)


@router.get("/unread", dependencies=[require()])
def unread_count(session: ReadSessionDep, user: CurrentUser) -> UnreadCount:
    """How many of the caller's notices are unread."""
    return UnreadCount(unread=notices_service.unread_count(session=session, user=user))


@router.post("/{notice_id}/read", dependencies=[require()])
def mark_read(notice_id: NoticeId, session: WriteSessionDep, user: CurrentUser) -> NoticeRead:
    """Mark one notice as read."""
    return notices_service.mark_read(session=session, user=user, notice_id=notice_id)


@router.post("/read-all", dependencies=[require()])
def mark_all_read(session: WriteSessionDep, user: CurrentUser) -> ReadAll:
    """Mark every notice of the caller as read."""
    return ReadAll(marked=notices_service.mark_all_read(session=session, user=user))


@router.get("/contact", dependencies=[require()])
def get_contact(session: ReadSessionDep, user: CurrentUser) -> ContactRead:
    """Where the caller's notices are sent besides the message centre."""
    return notices_service.get_contact(session=session, user=user)


@router.put("/contact", dependencies=[require()])
def set_contact(body: ContactIn, session: WriteSessionDep, user: CurrentUser) -> ContactRead:
    """Set the caller's e-mail address and mobile number for notices (empty: none)."""
    return notices_service.set_contact(session=session, user=user, data=body)


@router.get("/deliveries", dependencies=[require(Role.admin)])
def list_deliveries(
    session: ReadSessionDep,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[DeliveryRead]:
    """The delivery outbox, newest first, with each delivery's status and last error."""
    rows = notices_service.list_deliveries(session=session, status=status, limit=limit)
    return [DeliveryRead.model_validate(r) for r in rows]


@router.post("/deliveries/retry", dependencies=[require(Role.admin)])
def retry_failed(session: WriteSessionDep) -> dict[str, int]:
    """Queue every failed delivery again (after fixing the mail server, say)."""
    return {"queued": notices_service.retry_failed(session=session)}
