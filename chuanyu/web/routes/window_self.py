"""Self-service pages of the window: 我的办件, online 补正, and the receipt and decision PDFs.

An applicant reaches a case either signed in (account bound to their resident ID) or, without
an account, through the tracking page's two factors (case number and ID number), which every
form of the tracking page carries again.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from chuanyu.core import clock
from chuanyu.core.csrf import FIELD as CSRF_FIELD
from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.errors import ChuanyuError, NotFound
from chuanyu.core.node_secret import session_secret
from chuanyu.core.schemas import UserRead
from chuanyu.core.security import ROLE_LABELS, CurrentUser, public, require
from chuanyu.node import Node, NodeDep
from chuanyu.web import nav, render
from chuanyu.web.nav import NavItem
from chuanyu.window import document, forms, progress
from chuanyu.window import service as window_service
from chuanyu.window.enums import ACTION_LABELS, HANDLING_MODE_LABELS
from chuanyu.window.models import Case
from chuanyu.window.schemas import CaseRead, TrackQuery
from chuanyu.window.service import mine, supplement
from chuanyu.window.service.common import calendar, get_case, to_read, visible_case

router = APIRouter(include_in_schema=False)
nav.register(NavItem("我的办件", "/window/my", nav.MINE, ("citizen",), "window", 10,
                     "两地办件的进度、补正和回执"))  # fmt: skip


def window_page(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a window page with the labels every window template uses."""
    base = {
        "action_labels": ACTION_LABELS,
        "mode_labels": HANDLING_MODE_LABELS,
        "role_labels": {role.value: label for role, label in ROLE_LABELS.items()},
        "tz": clock.CHINA,
    }
    return render(request, f"window/{template}", {**base, **(context or {})}, status_code)


def case_extras(session: Session, case: CaseRead) -> dict[str, Any]:
    """Step bar, next step and the open supplement request of a case, for its pages."""
    row = get_case(session=session, case_number=case.case_number)
    return {
        "steps": progress.steps(case.status, (e.action for e in case.events)),
        "next_step": progress.next_step(case.status, authority_name=case.authority_name),
        "supplement": supplement.request_of(session=session, case=row),
        "decided": case.status in document.DECIDED,
    }


def _text(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}


def _errors(exc: ChuanyuError) -> dict[str, str]:
    return {e.field: e.message for e in exc.errors} or {"form": exc.detail}


@router.get("/my", dependencies=[require()])
def my_cases(
    request: Request, session: ReadSessionDep, node: NodeDep, user: CurrentUser
) -> HTMLResponse:
    """我的办件: the signed-in resident's records of both regions."""
    items: list[mine.MyItem] = []
    notice = None
    if user.subject_id:
        items, notice = mine.gather(session=session, node=node, resident_id=user.subject_id)
    peers = {m: d.base_url for m, d in node.descriptor.members.items()}
    context = {"items": items, "notice": notice, "bound": bool(user.subject_id), "peers": peers}
    return window_page(request, "my.html", context)


# ---------------------------------------------------------------- documents


def _pdf(html: str, name: str) -> Response:
    headers = {"Content-Disposition": f'inline; filename="{name}.pdf"'}
    return Response(document.to_pdf(html), media_type="application/pdf", headers=headers)


@router.get("/cases/{case_number}/receipt.pdf", dependencies=[require()])
def receipt_pdf(
    case_number: str, session: ReadSessionDep, node: NodeDep, user: CurrentUser
) -> Response:
    """The 受理回执 as a printable PDF."""
    case = window_service.read_case(session=session, user=user, case_number=case_number)
    return _pdf(document.receipt_html(node, case), f"receipt-{case_number}")


@router.get("/cases/{case_number}/decision.pdf", dependencies=[require()])
def decision_pdf(
    case_number: str, session: ReadSessionDep, node: NodeDep, user: CurrentUser
) -> Response:
    """The 办结通知 or 不予办理决定书 as a printable PDF."""
    case = window_service.read_case(session=session, user=user, case_number=case_number)
    return _pdf(document.decision_html(node, case), f"decision-{case_number}")


PASS_SALT = "chuanyu.window.track-pass"
PASS_MAX_AGE_S = 2 * 3600


def issue_pass(node: Node, case_number: str) -> str:
    """A signed, expiring pass proving the holder gave the case's two tracking factors.

    The tracking page's forms carry it instead of the ID number, which never goes back into a
    page.
    """
    signer = URLSafeTimedSerializer(session_secret(node.settings), salt=PASS_SALT)
    return signer.dumps({"case": case_number})


def _passed_case(node: Node, token: str) -> str:
    signer = URLSafeTimedSerializer(session_secret(node.settings), salt=PASS_SALT)
    try:
        data = signer.loads(token, max_age=PASS_MAX_AGE_S)
    except BadSignature:
        raise NotFound("查询已过期，请重新输入办件编号和证件号码") from None
    return str(data["case"])


def _tracked(session: Session, node: Node, fields: dict[str, str]) -> tuple[Case, CaseRead]:
    if fields.get("pass"):
        row = get_case(session=session, case_number=_passed_case(node, fields["pass"]))
    else:
        query = forms.parse(
            TrackQuery, {k: fields.get(k, "") for k in ("case_number", "id_number")}
        )
        row = supplement.tracked_case(
            session=session, case_number=query.case_number, id_number=query.id_number
        )
    return row, to_read(row, cal=calendar(session=session), today=clock.today(), viewer=None)


@router.post("/track/{kind}.pdf", dependencies=[public()])
async def tracked_pdf(
    kind: str, request: Request, session: ReadSessionDep, node: NodeDep
) -> Response:
    """The receipt or decision of a case followed by its number and the applicant's ID number."""
    if kind not in ("receipt", "decision"):
        raise NotFound("没有这种文书")
    fields = _text(await request.form())
    _row, case = _tracked(session, node, fields)
    if kind == "decision":
        return _pdf(document.decision_html(node, case), f"decision-{case.case_number}")
    return _pdf(document.receipt_html(node, case), f"receipt-{case.case_number}")


# ---------------------------------------------------------------- online 补正


async def _supplement_step(
    session: Session, node: Node, user: UserRead, row: Case, form: FormData
) -> tuple[bool, dict[str, str]]:
    """Keep the uploaded files, drop one, or submit; (submitted, errors). Commits what it keeps."""
    fields = _text(form)
    uploads = await forms.uploads_of(form)

    def run() -> tuple[bool, dict[str, str]]:
        if fields.get("remove", "").isdigit():
            supplement.discard(session=session, node=node, user=user, case=row,
                               upload_id=int(fields["remove"]))  # fmt: skip
            session.commit()
            return False, {}
        problems = supplement.keep(session=session, node=node, user=user, case=row, uploads=uploads)
        session.commit()  # the files that passed are kept whatever happens next
        errors = dict(problems)
        if errors or fields.get("intent") != "submit":
            return False, errors
        supplement.submit(session=session, node=node, user=user, case=row,
                          note=fields.get("note", "").strip() or None)  # fmt: skip
        session.commit()
        return True, {}

    try:
        return await run_in_threadpool(run)
    except ChuanyuError as exc:
        session.rollback()
        return False, _errors(exc)


@router.post("/cases/{case_number}/supplement", dependencies=[require()], response_model=None)
async def supplement_signed_in(
    case_number: str,
    request: Request,
    session: WriteSessionDep,
    node: NodeDep,
    user: CurrentUser,
) -> HTMLResponse | RedirectResponse:
    """Upload 补正 files (kept between attempts) and submit them, from the case page."""
    row = visible_case(session=session, case_number=case_number, user=user)
    done, errors = await _supplement_step(session, node, user, row, await request.form())
    if done or not errors:
        anchor = "" if done else "#supplement"
        return RedirectResponse(f"/window/cases/{case_number}{anchor}", status_code=303)
    case = window_service.read_case(session=session, user=user, case_number=case_number)
    context: dict[str, Any] = {"case": case, "errors": errors, **case_extras(session, case)}
    return window_page(request, "case.html", context, status_code=422)


@router.post("/track/supplement", dependencies=[public()])
async def supplement_tracked(
    request: Request, session: WriteSessionDep, node: NodeDep
) -> HTMLResponse:
    """The same without an account: the tracking factors identify the applicant."""
    form = await request.form()
    fields = _text(form)
    try:
        row, _case = _tracked(session, node, fields)
    except ChuanyuError as exc:
        refused = {"case": None, "form": fields, "errors": _errors(exc)}
        return window_page(request, "track.html", refused, status_code=exc.status)
    done, errors = await _supplement_step(
        session, node, supplement.applicant(row, node), row, form
    )
    session.expire_all()
    row, case = _tracked(session, node, fields)
    context: dict[str, Any] = {"case": case, "form": fields, "errors": errors, "tracked": True,
               "track_pass": issue_pass(node, case.case_number),
               "supplied": done, **case_extras(session, case)}  # fmt: skip
    return window_page(request, "track.html", context, 422 if errors else 200)
