"""Pages of the message centre (站内消息): the list, marking as read, contact settings; and the
unread count the page header shows."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from chuanyu.core.db import ReadSessionDep, WriteSessionDep, read_scope
from chuanyu.core.messages import zh_message
from chuanyu.core.schemas import UserRead
from chuanyu.core.security import CurrentUser, require
from chuanyu.notices import channels
from chuanyu.notices import service as notices_service
from chuanyu.notices.deps import NoticeId
from chuanyu.notices.enums import KIND_LABELS, DeliveryStatus
from chuanyu.notices.schemas import ContactIn
from chuanyu.web import render, templates
from chuanyu.web.forms import form_fields
from chuanyu.web.nav import ANYONE_SIGNED_IN, MINE, NavItem, register

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 30

register(NavItem("站内消息", "/notices/", MINE, ANYONE_SIGNED_IN, "notices", 5))


def unread_for(request: Request, user: UserRead | None) -> int | None:
    """The header's unread count for the signed-in visitor (None when it cannot be read)."""
    if user is None:
        return None
    try:
        with read_scope(request.app.state.node) as session:
            return notices_service.unread_count(session=session, user=user)
    except Exception:  # the header must render even when the count cannot be read
        log.exception("unread notice count failed")
        return None


templates.env.globals["notices_unread"] = unread_for

CHANNEL_LABELS = {"email": "电子邮件", "sms": "短信"}


def outbox_for(request: Request) -> dict[str, Any] | None:
    """The delivery outbox's counts and channels for the status page (None: not readable)."""
    node = request.app.state.node
    try:
        with read_scope(node) as session:
            counts = notices_service.delivery_counts(session=session)
        names = channels.for_node(node)
    except Exception:  # the status page must render even when this part cannot be read
        log.exception("notice outbox counts failed")
        return None
    return {"channels": [CHANNEL_LABELS.get(n, n) for n in names],
            **{s.value: counts.get(s.value, 0) for s in DeliveryStatus}}


templates.env.globals["notices_outbox"] = outbox_for


def _local_link(link: str | None) -> str:
    """Only paths of this site are followed from a notice (no open redirect)."""
    return link if link and link.startswith("/") and not link.startswith("//") else "/notices/"


@router.get("/", dependencies=[require()])
def message_centre(
    request: Request,
    session: ReadSessionDep,
    user: CurrentUser,
    unread: bool = False,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> HTMLResponse:
    """The signed-in account's notices, newest first."""
    page = notices_service.list_for(session=session, user=user, unread_only=unread,
                                    limit=PAGE_SIZE, offset=offset)
    return render(request, "notices/index.html",
                  {"page": page, "unread_only": unread, "kind_labels": KIND_LABELS,
                   "page_size": PAGE_SIZE})


@router.post("/{notice_id}/read", dependencies=[require()])
async def read_notice(notice_id: NoticeId, request: Request, session: WriteSessionDep,
                      user: CurrentUser) -> RedirectResponse:
    """Mark a notice as read, then open what it is about (or return to the list)."""
    form = await form_fields(request)
    notice = notices_service.mark_read(session=session, user=user, notice_id=notice_id)
    target = _local_link(notice.link) if form.get("open") else "/notices/"
    return RedirectResponse(target, status_code=303)


@router.post("/read-all", dependencies=[require()])
def read_all(session: WriteSessionDep, user: CurrentUser) -> RedirectResponse:
    """Mark every notice as read."""
    notices_service.mark_all_read(session=session, user=user)
    return RedirectResponse("/notices/", status_code=303)


@router.get("/settings", dependencies=[require()])
def contact_form(request: Request, session: ReadSessionDep, user: CurrentUser) -> HTMLResponse:
    """Where notices are sent besides the message centre."""
    contact = notices_service.get_contact(session=session, user=user)
    return render(request, "notices/settings.html",
                  {"form": {"email": contact.email or "", "phone": contact.phone or ""},
                   "channels": contact.channels, "errors": {}, "saved": False})


@router.post("/settings", dependencies=[require()], response_model=None)
async def save_contact(request: Request, session: WriteSessionDep,
                       user: CurrentUser) -> HTMLResponse:
    """Save the e-mail address and mobile number (field errors shown beside the fields)."""
    form = await form_fields(request)
    values = {"email": form.get("email", ""), "phone": form.get("phone", "")}
    try:
        data = ContactIn.model_validate(values)
    except ValidationError as exc:
        errors = {str(e["loc"][0]): zh_message(e) for e in exc.errors()}
        channels = notices_service.get_contact(session=session, user=user).channels
        return render(request, "notices/settings.html",
                      {"form": values, "channels": channels, "errors": errors, "saved": False},
                      status_code=422)
    contact = notices_service.set_contact(session=session, user=user, data=data)
    return render(request, "notices/settings.html",
                  {"form": {"email": contact.email or "", "phone": contact.phone or ""},
                   "channels": contact.channels, "errors": {}, "saved": True})
