"""Pages of the service window: clerk's desk, officer's queue, case pages, applicant tracking."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from chuanyu import divisions
from chuanyu.core import clock
from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.errors import ChuanyuError
from chuanyu.core.security import ROLE_LABELS, CurrentUser, OptionalUser, Role, public, require
from chuanyu.node import Node, NodeDep
from chuanyu.registry.enums import EnterpriseType
from chuanyu.web import render
from chuanyu.web.forms import form_fields
from chuanyu.web.routes import window_self as self_service
from chuanyu.window import forms
from chuanyu.window import service as window_service
from chuanyu.window.enums import ACTION_LABELS, HANDLING_MODE_LABELS, Action, PayloadKind, Side
from chuanyu.window.schemas import CaseCreate, TrackQuery, TransitionIn
from chuanyu.window.service import catalogue as catalogue_service
from chuanyu.window.service import forwarding as forwarding_service

router = APIRouter(include_in_schema=False)
router.include_router(self_service.router)
CLERK = require(Role.window_clerk)
STAFF = require(Role.window_clerk, Role.registrar, Role.joint_office)
INVESTOR_ROWS = 3


def _page(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    base = {
        "action_labels": ACTION_LABELS,
        "mode_labels": HANDLING_MODE_LABELS,
        "role_labels": {role.value: label for role, label in ROLE_LABELS.items()},
        "tz": clock.CHINA,
    }
    return render(request, f"window/{template}", {**base, **(context or {})}, status_code)


def _errors(exc: ChuanyuError) -> dict[str, str]:
    found = {e.field: e.message for e in exc.errors}
    return found or {"form": exc.detail}


@router.get("/", dependencies=[public()])
def window_home(request: Request, user: OptionalUser) -> HTMLResponse:
    """What the window does, and where each role starts."""
    return _page(request, "index.html", {"viewer": user})


@router.get("/catalogue", dependencies=[public()])
def catalogue_page(request: Request, session: ReadSessionDep) -> HTMLResponse:
    """Both regions' matters: materials, time limits, fees."""
    return _page(
        request, "catalogue.html", {"matters": window_service.list_matters(session=session)}
    )


@router.get("/desk", dependencies=[CLERK])
def desk(
    request: Request, session: ReadSessionDep, node: NodeDep, user: CurrentUser
) -> HTMLResponse:
    """The clerk's desk: cases received here with their countdowns, and escalations."""
    page = window_service.list_cases(
        session=session, node=node, user=user, side=Side.INTAKE, limit=200
    )
    waiting = window_service.list_cases(
        session=session, node=node, user=user, side=Side.INTAKE, awaiting_me=True
    )
    return _page(
        request,
        "desk.html",
        {
            "cases": page,
            "waiting": waiting,
            "escalations": window_service.escalations(session=session, node=node),
            "calendar_warnings": window_service.calendar_warnings(session=session),
        },
    )


@router.get("/officer", dependencies=[require(Role.registrar, Role.window_clerk)])
def officer_queue(
    request: Request, session: ReadSessionDep, node: NodeDep, user: CurrentUser
) -> HTMLResponse:
    """The deciding officer's queue: cases for this region's authorities."""
    page = window_service.list_cases(
        session=session, node=node, user=user, side=Side.AUTHORITY, limit=200
    )
    warnings = window_service.calendar_warnings(session=session)
    return _page(request, "officer.html", {"cases": page, "calendar_warnings": warnings})


@router.get("/escalations", dependencies=[STAFF])
def escalation_page(request: Request, session: ReadSessionDep, node: NodeDep) -> HTMLResponse:
    """Cases near or past their due date on both sides of this node."""
    context = {
        "items": window_service.escalations(session=session, node=node),
        "calendar_warnings": window_service.calendar_warnings(session=session),
    }
    return _page(request, "escalations.html", context)


def _intake_context(session: Session, node: Node, matter_code: str | None) -> dict[str, Any]:
    matter = None
    if matter_code:
        matter = catalogue_service.to_read(
            window_service.get_matter(session=session, code=matter_code)
        )
    peer = next(m for m in ("CQ", "SC") if m != node.member)
    places = []
    if matter is not None and matter.payload_kind is PayloadKind.BUSINESS_REGISTRATION:
        places = [
            d
            for d in divisions.all_divisions(clock.today())
            if d.region == matter.member and d.level == divisions.COUNTY
        ]
    return {
        "matter": matter,
        "peer_matters": window_service.list_matters(session=session, member=peer),
        "own_matters": window_service.list_matters(session=session, member=node.member),
        "enterprise_types": list(EnterpriseType),
        "places": places,
        "investor_rows": range(INVESTOR_ROWS),
    }


@router.get("/new", dependencies=[CLERK])
def intake_form(
    request: Request, session: ReadSessionDep, node: NodeDep, matter: str | None = None
) -> HTMLResponse:
    """Pick a matter, then fill in the applicant, the checklist and the files."""
    context = _intake_context(session, node, matter)
    return _page(request, "new.html", {**context, "form": {}, "errors": {}})


def _application(form: FormData) -> dict[str, Any]:
    """The business registration fields of the intake form, as the registry's schema reads them."""

    def value(name: str) -> str:
        raw = form.get(f"app.{name}")
        return raw.strip() if isinstance(raw, str) else ""

    investors = []
    for i in range(INVESTOR_ROWS):
        row = {k: value(f"inv{i}.{k}") for k in ("name", "id_number", "subscribed_amount")}
        if any(row.values()):
            investors.append(row)
    return {
        "enterprise_type": value("enterprise_type"),
        "name": value("name"),
        "registered_capital": value("registered_capital"),
        "legal_representative": {"name": value("rep_name"), "id_number": value("rep_id")},
        "domicile": {"address": value("address"), "division_code": value("division_code")},
        "business_scope": value("business_scope"),
        "investors": investors,
        "operating_years": value("operating_years") or None,
    }


@router.post("/new", dependencies=[CLERK], response_model=None)
async def intake_submit(
    request: Request, session: WriteSessionDep, node: NodeDep, user: CurrentUser
) -> HTMLResponse | RedirectResponse:
    """Register the application; on success, show the receipt."""
    form = await request.form()
    code = str(form.get("matter_code") or "")
    text = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    raw: dict[str, Any] = {
        "matter_code": code,
        "applicant": {
            "kind": text.get("kind", "person"),
            "name": text.get("applicant_name", ""),
            "id_number": text.get("id_number", ""),
            "phone": text.get("phone") or None,
            "division_code": text.get("division_code") or None,
        },
        "materials": [
            {"code": k.removeprefix("sighted."), "original_sighted": True}
            for k in text
            if k.startswith("sighted.")
        ],
        "note": text.get("note") or None,
    }
    uploads = await forms.uploads_of(form)

    def run() -> str:
        matter = window_service.get_matter(session=session, code=code)
        if matter.payload_kind == PayloadKind.BUSINESS_REGISTRATION.value:
            raw["application"] = _application(form)
        data = forms.parse(CaseCreate, raw)
        case = window_service.receive(
            session=session,
            node=node,
            user=user,
            data=data,
            uploads=uploads,
            end_unit=session.commit,
        )
        return case.case_number

    try:
        number = await run_in_threadpool(run)
    except ChuanyuError as exc:
        session.rollback()
        context = _intake_context(session, node, code or None) if code else {}
        return _page(
            request,
            "new.html",
            {**context, "form": text, "errors": _errors(exc)},
            status_code=exc.status,
        )
    return RedirectResponse(f"/window/cases/{number}/receipt", status_code=303)


@router.get("/cases/{case_number}", dependencies=[require()])
def case_page(
    case_number: str, request: Request, session: ReadSessionDep, user: CurrentUser
) -> HTMLResponse:
    """One case: countdown, checklist with files, timeline, and what this account can do."""
    case = window_service.read_case(session=session, user=user, case_number=case_number)
    extras = self_service.case_extras(session, case)
    return _page(request, "case.html", {"case": case, "errors": {}, **extras})


@router.get("/cases/{case_number}/receipt", dependencies=[require()])
def receipt_page(
    case_number: str, request: Request, session: ReadSessionDep, node: NodeDep, user: CurrentUser
) -> HTMLResponse:
    """The printable acknowledgement of receipt (受理回执), saying whether the case has reached
    the deciding region yet."""
    case = window_service.read_case(session=session, user=user, case_number=case_number)
    state = forwarding_service.forwarding(session=session, node=node, case_number=case.case_number)
    context = {"case": case, "forwarding": state.value,
               "forwarding_note": forwarding_service.FORWARDING_NOTES[state]}
    return _page(request, "receipt.html", context)


@router.post("/cases/{case_number}/{action}", dependencies=[require()], response_model=None)
async def case_action(
    case_number: str,
    action: Action,
    request: Request,
    session: WriteSessionDep,
    node: NodeDep,
    user: CurrentUser,
) -> HTMLResponse | RedirectResponse:
    """Take an action from the case page."""
    form = await request.form()
    uploads = await forms.uploads_of(form)
    body = {
        "note": form.get("note") or None,
        "materials": form.getlist("materials"),
        "repeat_reason": form.get("repeat_reason") or None,
    }

    def run() -> None:
        data = forms.parse(TransitionIn, body)
        window_service.act(
            session=session,
            node=node,
            user=user,
            case_number=case_number,
            action=action,
            data=data,
            uploads=uploads,
        )

    try:
        await run_in_threadpool(run)
    except ChuanyuError as exc:
        session.rollback()
        case = window_service.read_case(session=session, user=user, case_number=case_number)
        extras = self_service.case_extras(session, case)
        return _page(
            request,
            "case.html",
            {"case": case, "errors": _errors(exc), "failed_action": action.value, **extras},
            status_code=exc.status,
        )
    return RedirectResponse(f"/window/cases/{case_number}", status_code=303)


@router.get("/track", dependencies=[public()])
def track_form(request: Request, case_number: str | None = None) -> HTMLResponse:
    """Applicants follow their case by case number (prefilled from a receipt's QR) and ID."""
    form = {"case_number": (case_number or "")[:40]}
    return _page(request, "track.html", {"case": None, "form": form, "errors": {}})


@router.post("/track", dependencies=[public()])
async def track_submit(request: Request, session: ReadSessionDep, node: NodeDep) -> HTMLResponse:
    """Show the case (ID number masked) or say it was not found."""
    form = await form_fields(request)
    try:
        query = forms.parse(TrackQuery, form)
        case = window_service.track(
            session=session, case_number=query.case_number, id_number=query.id_number
        )
    except ChuanyuError as exc:
        return _page(
            request,
            "track.html",
            {"case": None, "form": form, "errors": _errors(exc)},
            status_code=exc.status,
        )
    extras = self_service.case_extras(session, case)
    extras["track_pass"] = self_service.issue_pass(node, case.case_number)
    return _page(
        request, "track.html", {"case": case, "form": form, "errors": {}, "tracked": True, **extras}
    )
