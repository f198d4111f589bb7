"""REST API of the service window, mounted under /api/window."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.idempotency import idempotent
from chuanyu.core.pagination import PageQuery, paging
from chuanyu.core.security import CurrentUser, Role, public, require
from chuanyu.node import NodeDep
from chuanyu.window import forms
from chuanyu.window import service as window_service
from chuanyu.window.catalogue import CatalogueFile, starter_catalogue
from chuanyu.window.enums import Action, CaseStatus, Side
from chuanyu.window.holidays import HolidaySchedule
from chuanyu.window.schemas import (
    CaseCreate,
    CasePage,
    CaseRead,
    CaseSummary,
    DueAnswer,
    HolidayScheduleRead,
    MatterRead,
    TrackQuery,
    TransitionIn,
)
from chuanyu.window.service import catalogue as catalogue_service
from chuanyu.window.service import files as files_service

router = APIRouter(tags=["window"])

STAFF = (Role.window_clerk, Role.registrar, Role.joint_office)
MULTIPART = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "case": {"type": "string", "description": "CaseCreate，JSON 文本"},
                        "file.<材料代码>": {"type": "string", "format": "binary"},
                    },
                }
            }
        }
    }
}


@router.get("/matters", dependencies=[public()])
def list_matters(
    session: ReadSessionDep, member: Annotated[str | None, Query(pattern="^(CQ|SC)$")] = None
) -> list[MatterRead]:
    """The matter catalogue held here: this region's own and the other region's copy."""
    return window_service.list_matters(session=session, member=member)


@router.get("/matters/{code}", dependencies=[public()])
def get_matter(code: str, session: ReadSessionDep) -> MatterRead:
    """One matter with its materials checklist, time limit and fees."""
    return catalogue_service.to_read(window_service.get_matter(session=session, code=code))


@router.post("/catalogue", dependencies=[require(Role.admin)])
def load_catalogue(
    session: WriteSessionDep, node: NodeDep, body: Annotated[CatalogueFile | None, Body()] = None
) -> dict[str, int]:
    """Load this region's catalogue (the shipped one when no body is given) and send it across."""
    catalogue = body or starter_catalogue(node.member)
    count = window_service.load_catalogue(session=session, node=node, catalogue=catalogue)
    return {"loaded": count}


@router.get("/holidays", dependencies=[require(Role.admin, *STAFF)])
def list_holidays(session: ReadSessionDep) -> list[HolidayScheduleRead]:
    """Holiday schedules loaded by an administrator (they take precedence over the package)."""
    return window_service.list_schedules(session=session)


@router.post("/holidays", status_code=201, dependencies=[require(Role.admin)])
def load_holidays(
    body: HolidaySchedule, session: WriteSessionDep, user: CurrentUser
) -> HolidayScheduleRead:
    """Load an announced year of holidays and adjusted working days."""
    read = window_service.load_holidays(session=session, schedule=body, actor=user.username)
    return read


@router.get("/due", dependencies=[public()])
def due(
    session: ReadSessionDep,
    received: date,
    limit: Annotated[int, Query(ge=0, le=60)],
) -> DueAnswer:
    """The due date of a case received on `received` with `limit` working days."""
    return window_service.due_date(session=session, received=received, limit_days=limit)


@router.post(
    "/cases",
    status_code=201,
    dependencies=[require(Role.window_clerk), idempotent()],
    openapi_extra=MULTIPART,
)
async def receive_case(
    request: Request, session: WriteSessionDep, node: NodeDep, user: CurrentUser
) -> CaseRead:
    """Register an application (受理回执: the case number and due date) and send it on.

    Multipart: a `case` part with the CaseCreate JSON, and one `file.<material code>` part per file.
    """
    form = await request.form()
    data = forms.parse(CaseCreate, forms.json_field(form, "case") or {})
    uploads = await forms.uploads_of(form)

    def run() -> CaseRead:
        case = window_service.receive(
            session=session,
            node=node,
            user=user,
            data=data,
            uploads=uploads,
            end_unit=session.commit,
        )
        session.flush()
        return window_service.read_case(session=session, user=user, case_number=case.case_number)

    return await run_in_threadpool(run)


@router.get("/cases", dependencies=[require(*STAFF, Role.citizen)])
def list_cases(
    session: ReadSessionDep,
    node: NodeDep,
    user: CurrentUser,
    side: Side | None = None,
    status: CaseStatus | None = None,
    awaiting: bool = False,
    page: PageQuery = paging(max_limit=500),
) -> CasePage:
    """Cases held here, earliest due first; `awaiting=true` keeps those waiting on this side."""
    return window_service.list_cases(
        session=session,
        node=node,
        user=user,
        side=side,
        status=status,
        awaiting_me=awaiting,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/cases/{case_number}", dependencies=[require()])
def get_case(case_number: str, session: ReadSessionDep, user: CurrentUser) -> CaseRead:
    """One case with its checklist, files (by digest) and the timeline both sides share."""
    return window_service.read_case(session=session, user=user, case_number=case_number)


@router.post(
    "/cases/{case_number}/{action}",
    dependencies=[require()],
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": TransitionIn.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "note": {"type": "string"},
                            "materials": {"type": "array", "items": {"type": "string"}},
                            "file.<材料代码>": {"type": "string", "format": "binary"},
                        },
                    }
                },
            }
        }
    },
)
async def take_action(
    case_number: str,
    action: Action,
    request: Request,
    session: WriteSessionDep,
    node: NodeDep,
    user: CurrentUser,
) -> CaseRead:
    """Accept, request supplements, supply, approve, reject, withdraw or deliver."""
    body: Any
    uploads = []
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        body = {
            "note": form.get("note") or None,
            "materials": form.getlist("materials"),
            "repeat_reason": form.get("repeat_reason") or None,
        }
        uploads = await forms.uploads_of(form)
    else:
        raw = await request.body()
        body = forms.parse_json_body(raw)
    data = forms.parse(TransitionIn, body)

    def run() -> CaseRead:
        window_service.act(
            session=session,
            node=node,
            user=user,
            case_number=case_number,
            action=action,
            data=data,
            uploads=uploads,
        )
        return window_service.read_case(session=session, user=user, case_number=case_number)

    return await run_in_threadpool(run)


@router.get("/cases/{case_number}/files/{attachment_id}", dependencies=[require()])
def download_file(
    case_number: str, attachment_id: int, session: ReadSessionDep, node: NodeDep, user: CurrentUser
) -> Response:
    """A material file: from here, or fetched from the receiving window and checked by digest."""
    row, content = files_service.content(
        session=session, node=node, user=user, case_number=case_number, attachment_id=attachment_id
    )
    return Response(
        content,
        media_type=row.content_type,
        headers={"X-Content-SHA256": row.sha256, "Content-Disposition": "attachment"},
    )


@router.get("/escalations", dependencies=[require(*STAFF)])
def escalations(session: ReadSessionDep, node: NodeDep) -> list[CaseSummary]:
    """Open cases near or past their due date, on both sides of this node."""
    return window_service.escalations(session=session, node=node)


@router.post("/track", dependencies=[public()])
def track(body: TrackQuery, session: ReadSessionDep) -> CaseRead:
    """An applicant follows a case by its number and their ID number (shown masked)."""
    return window_service.track(
        session=session, case_number=body.case_number, id_number=body.id_number
    )
