"""Pages of the housing fund: officers at both centres, depositors, and a loan calculator."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.errors import NotFound, PermissionDenied
from chuanyu.core.messages import zh_message
from chuanyu.core.security import CurrentUser, Role, public, require
from chuanyu.housing_fund import permissions, present
from chuanyu.housing_fund.deps import VisibleApplication
from chuanyu.housing_fund.enums import (
    ACCOUNT_STATUS_LABELS,
    APPLICATION_STATUS_LABELS,
    REPAYMENT_METHOD_LABELS,
    ApplicationStatus,
    RepaymentMethod,
)
from chuanyu.housing_fund.errors import CertificateInvalid
from chuanyu.housing_fund.policy import load_policy
from chuanyu.housing_fund.rules import schedule
from chuanyu.housing_fund.schemas import ApplicationCreate
from chuanyu.housing_fund.service import accounts, certify, lending, waiting
from chuanyu.node import NodeDep
from chuanyu.web import render
from chuanyu.web.forms import form_fields
from chuanyu.web.routes import housing_fund_consent as consent_pages

router = APIRouter(include_in_schema=False)
router.include_router(consent_pages.router)
OFFICER = require(Role.fund_officer)
POLICY_LABELS = {
    "allowed_account_statuses": "允许的账户状态",
    "min_continuous_months": "最少连续缴存月数",
    "max_months_since_last_deposit": "最近缴存距申请最多月数",
    "max_outstanding_loans": "未结清公积金贷款最多笔数",
    "max_settled_loans": "已结清公积金贷款最多笔数",
    "cap_single": "单人最高贷款额度（元）",
    "cap_family": "家庭最高贷款额度（元）",
    "balance_multiple": "账户余额倍数",
    "loan_to_price": "贷款额占房价比例上限",
    "repayment_income_share": "月还款额占月收入比例上限",
    "max_term_years": "最长贷款年限",
    "retirement_age": "法定退休年龄",
    "years_past_retirement": "贷款到期可超过退休年龄的年数",
    "resale_age_plus_term_years": "二手房房龄与贷款年限之和上限",
    "rates": "公积金贷款年利率（%）",
}
LABELS: dict[str, Any] = {
    "status": APPLICATION_STATUS_LABELS,
    "account_status": ACCOUNT_STATUS_LABELS,
    "method": REPAYMENT_METHOD_LABELS,
    "policy": POLICY_LABELS,
    "home": {"first": "首套", "second": "二套"},
    "sex": {"male": "男", "female": "女"},
}


def _page(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    node = request.app.state.node
    base = {"centre": load_policy(node.member).centre, "labels": LABELS}
    return render(
        request, f"housing_fund/{template}", {**base, **(context or {})}, status_code=status_code
    )


@router.get("/", dependencies=[public()])
def fund_home(request: Request) -> HTMLResponse:
    """Landing page: what this centre offers and to whom."""
    return _page(request, "index.html")


@router.get("/schedule", dependencies=[public()])
def schedule_page(
    request: Request,
    principal: str = "500000",
    years: Annotated[int, Query(ge=1, le=30)] = 30,
    rate: str = "3.25",
    method: RepaymentMethod = RepaymentMethod.ANNUITY,
) -> HTMLResponse:
    """Loan calculator: a full schedule in either method."""
    error, plan = None, None
    try:
        plan = schedule(Decimal(principal), Decimal(rate), years * 12, method)
    except (InvalidOperation, ValueError) as exc:
        error = str(exc) if isinstance(exc, ValueError) else "请输入有效的数字"
    form = {"principal": principal, "years": years, "rate": rate, "method": method.value}
    return _page(
        request,
        "schedule.html",
        {"plan": plan, "form": form, "error": error},
        status_code=200 if error is None else 422,
    )


@router.get("/policy", dependencies=[public()])
def policy_page(request: Request, node: NodeDep) -> HTMLResponse:
    """This centre's loan rules, each with its source."""
    return _page(request, "policy.html", {"policy": load_policy(node.member)})


@router.get("/applications", dependencies=[OFFICER])
def applications_page(
    request: Request,
    session: ReadSessionDep,
    status: str = "",
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """Remote-loan applications received at this (lending) centre."""
    rows, total = lending.listing(session=session, status=status or None, offset=(page - 1) * 50)
    items = [present.to_read(r) for r in rows]
    return _page(
        request,
        "applications.html",
        {"items": items, "total": total, "status": status, "page": page},
    )


def _certificate_status(node: Any, app: Any) -> tuple[str, str]:
    """Verify the stored certificate now: ('ok'|'bad'|'none', message)."""
    if app.certificate_body is None:
        return "none", "尚未取得缴存使用证明"
    try:
        lending.verify_stored(node, app)
    except CertificateInvalid as err:
        return "bad", err.detail
    return "ok", f"验签通过：由 {app.depositing_member} 节点密钥签名（联邦描述文件中的公钥）"


@router.get("/applications/{application_no}", dependencies=[require()])
def application_page(
    request: Request, app: VisibleApplication, node: NodeDep, user: CurrentUser
) -> HTMLResponse:
    """One application: consent, the certificate and its signature, the decision, schedule."""
    home = node.descriptor.members.get(app.depositing_member)
    read = present.to_read(app, home_url=home.base_url if home is not None else None)
    plan = None
    if app.status == ApplicationStatus.APPROVED and app.annual_rate is not None:
        plan = schedule(
            app.amount, app.annual_rate, app.term_years * 12, RepaymentMethod(app.method)
        )
    sig_state, sig_message = _certificate_status(node, app)
    return _page(
        request,
        "application.html",
        {
            "app": read,
            "plan": plan,
            "sig_state": sig_state,
            "sig_message": sig_message,
            "officer": permissions.is_officer(user),
            "can_renew": app.status
            in (ApplicationStatus.CONSENT_REFUSED, ApplicationStatus.FETCH_REFUSED),
            "qr_svg": segno.make(read.consent_url).svg_inline(scale=3)
            if read.consent_url
            else None,
        },
    )


@router.post("/applications/{application_no}/fetch", dependencies=[OFFICER])
def fetch_action(application_no: str, session: WriteSessionDep, node: NodeDep) -> RedirectResponse:
    """Ask the background fetcher to fetch the certificate now (the page never waits on the
    other region)."""
    waiting.request_fetch(session=session, application_no=application_no)
    waiting.wake_fetcher_after_commit(session=session, node=node)
    return RedirectResponse(f"/housing_fund/applications/{application_no}", status_code=303)


@router.post("/applications/{application_no}/consent", dependencies=[require()])
def consent_action(
    app: VisibleApplication, session: WriteSessionDep, node: NodeDep
) -> RedirectResponse:
    """The depositor consents again."""
    lending.renew_consent(session=session, node=node, application_no=app.application_no)
    return RedirectResponse(f"/housing_fund/applications/{app.application_no}", status_code=303)


@router.post("/applications/{application_no}/decide", dependencies=[OFFICER])
def decide_action(
    application_no: str, session: WriteSessionDep, node: NodeDep, user: CurrentUser
) -> RedirectResponse:
    """Re-verify and decide again under this centre's rules."""
    lending.redecide(session=session, node=node, application_no=application_no, user_id=user.id)
    return RedirectResponse(f"/housing_fund/applications/{application_no}", status_code=303)


@router.get("/apply", dependencies=[require(Role.citizen, Role.fund_officer)])
def apply_form(request: Request, node: NodeDep, user: CurrentUser) -> HTMLResponse:
    """Application form with the consent statement."""
    form = {
        "resident_id": user.subject_id or "",
        "applicant_name": "",
        "depositing_member": next(m for m in node.descriptor.members if m != node.member),
        "term_years": "20",
        "method": "annuity",
        "home": "first",
        "property_kind": "new",
        "building_age_years": "0",
    }
    return _page(request, "apply.html", {"form": form, "errors": {}})


@router.post("/apply", dependencies=[require(Role.citizen, Role.fund_officer)], response_model=None)
async def apply_submit(
    request: Request, session: WriteSessionDep, node: NodeDep, user: CurrentUser
) -> HTMLResponse | RedirectResponse:
    """Submit the application; the certificate is fetched at once."""
    form = await form_fields(request)
    data: dict[str, object] = {k: v for k, v in form.items() if v != ""}
    data["with_spouse"] = "with_spouse" in form
    data["consent"] = form.get("consent") == "yes"
    try:
        parsed = ApplicationCreate.model_validate(data)
    except ValidationError as exc:
        errors = {str(e["loc"][0]) if e["loc"] else "form": zh_message(e) for e in exc.errors()}
        return _page(request, "apply.html", {"form": form, "errors": errors}, status_code=422)
    if not permissions.can_apply_for(user, parsed.resident_id):
        raise PermissionDenied("只能以本人身份证号码申请贷款")
    app = lending.apply(session=session, node=node, data=parsed, user_id=user.id)
    return RedirectResponse(f"/housing_fund/applications/{app.application_no}", status_code=303)


@router.get("/my", dependencies=[require()])
def my_page(request: Request, session: ReadSessionDep, user: CurrentUser) -> HTMLResponse:
    """A depositor's own applications here, and their account if this centre holds it."""
    rid = (user.subject_id or "").upper()
    rows, _total = lending.listing(session=session, resident_id=rid or "-", limit=100)
    account = accounts.by_resident_id(session=session, resident_id=rid) if rid else None
    return _page(
        request,
        "my.html",
        {
            "items": [present.to_read(r) for r in rows],
            "account": present.to_account_read(session=session, row=account) if account else None,
            "history": accounts.history(session=session, account_id=account.id) if account else [],
        },
    )


@router.get("/issued", dependencies=[OFFICER])
def issued_page(
    request: Request, session: ReadSessionDep, page: Annotated[int, Query(ge=1)] = 1
) -> HTMLResponse:
    """Certificates this (depositing) centre issued to lending centres."""
    rows, total = certify.issued(session=session, offset=(page - 1) * 50)
    return _page(
        request,
        "issued.html",
        {"items": [present.to_issued_read(r) for r in rows], "total": total, "page": page},
    )


@router.get("/issued/{certificate_no}", dependencies=[OFFICER])
def issued_detail(request: Request, certificate_no: str, session: ReadSessionDep) -> HTMLResponse:
    """One issued certificate exactly as signed."""
    rows, _ = certify.issued(session=session, limit=1, certificate_no=certificate_no)
    if not rows:
        raise NotFound("未找到该缴存使用证明")
    return _page(request, "issued_detail.html", {"cert": present.to_issued_read(rows[0])})


@router.get("/requests", dependencies=[OFFICER])
def requests_page(request: Request, session: ReadSessionDep) -> HTMLResponse:
    """Certificate requests received, issued or refused (from the audit log)."""
    return _page(
        request, "requests.html", {"items": certify.requests_received(session=session, limit=200)}
    )


@router.get("/accounts", dependencies=[OFFICER])
def accounts_page(
    request: Request, session: ReadSessionDep, q: str = "", page: Annotated[int, Query(ge=1)] = 1
) -> HTMLResponse:
    """Depositor accounts at this centre."""
    rows, total = accounts.search(session=session, q=q.strip(), offset=(page - 1) * 50)
    items = [present.to_account_read(session=session, row=r) for r in rows]
    return _page(request, "accounts.html", {"items": items, "total": total, "q": q, "page": page})


@router.get("/accounts/{resident_id}", dependencies=[OFFICER])
def account_page(request: Request, resident_id: str, session: ReadSessionDep) -> HTMLResponse:
    """One account with its latest monthly deposits."""
    row = accounts.by_resident_id(session=session, resident_id=resident_id.upper())
    if row is None:
        raise NotFound("未找到该缴存账户")
    return _page(
        request,
        "account.html",
        {
            "account": present.to_account_read(session=session, row=row),
            "history": accounts.history(session=session, account_id=row.id, limit=36),
        },
    )
