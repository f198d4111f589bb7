"""Pages at the depositor's home centre: decide on a consent request, and the data-use log
(数据使用记录) with its downloads and the revocation of unused consents."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chuanyu.core import clock
from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.errors import FieldError, InvalidInput
from chuanyu.core.pdf import html_to_pdf
from chuanyu.core.security import CurrentUser, Role, require
from chuanyu.exchange import datalog
from chuanyu.housing_fund.certificate import CertificateBody
from chuanyu.housing_fund.consent import ConsentRequest
from chuanyu.housing_fund.enums import ACCOUNT_STATUS_LABELS, CONSENT_STATUS_LABELS
from chuanyu.housing_fund.policy import PolicyError, load_policy
from chuanyu.housing_fund.service import accounts, certify, consents
from chuanyu.node import Node, NodeDep
from chuanyu.web import render
from chuanyu.web.forms import form_fields

router = APIRouter(include_in_schema=False)
CITIZEN = require(Role.citizen)
FIELD_LABELS = {
    "name": "姓名", "masked_id": "证件号码（部分隐藏）", "account_status": "账户状态",
    "deposit_base": "缴存基数", "monthly_amount": "月缴存额", "balance": "账户余额",
    "first_month": "首次缴存年月", "latest_month": "最近缴存年月",
    "continuous_months": "连续缴存月数", "outstanding_loans": "未结清公积金贷款笔数",
    "settled_loans": "已结清公积金贷款笔数", "applicant_name": "申请人姓名",
    "applicant_id_number": "证件号码", "applicant_phone": "联系电话",
    "applicant_division_code": "行政区划", "application": "申请表内容", "materials": "申请材料",
    "event": "办理进度", "result": "办理结果", "attachments": "材料文件摘要",
    "material_file": "材料文件", "case_number": "办件编号", "matter_name": "事项名称",
    "status": "办理状态", "due_date": "办结时限", "application_no": "申请编号",
    "uscc": "统一社会信用代码",
}

log = logging.getLogger(__name__)


def _page(request: Request, template: str, context: dict[str, Any]) -> HTMLResponse:
    node = request.app.state.node
    base = {"centre": load_policy(node.member).centre, "field_labels": FIELD_LABELS,
            "labels": {"account_status": ACCOUNT_STATUS_LABELS,
                       "consent": CONSENT_STATUS_LABELS}}
    return render(request, f"housing_fund/{template}", {**base, **context})


def _lender_name(node: Node, member: str) -> str:
    try:
        return load_policy(member).centre.name
    except PolicyError:
        return node.descriptor.members[member].name


def _preview(session: Any, node: Node, req: ConsentRequest) -> CertificateBody | None:
    account = accounts.by_resident_id(session=session, resident_id=req.depositor_id.upper())
    if account is None:
        return None
    return certify.body_for(
        session=session,
        node=node,
        caller=req.lending_member,
        account=account,
        consent_id="（授权后生成）",
    )


@router.get("/consent", dependencies=[CITIZEN])
def consent_page(
    request: Request, session: ReadSessionDep, node: NodeDep, user: CurrentUser
) -> HTMLResponse:
    """What the lending centre asks to see, with the depositor's own values; grant or refuse."""
    token = request.query_params.get("request", "")
    req = consents.open_request(node, token, subject_id=user.subject_id)
    preview = _preview(session, node, req)
    session.rollback()
    return _page(request, "consent.html", {
        "req": req, "token": token, "cert": preview,
        "lender": _lender_name(node, req.lending_member),
        "decision": consents.decided(session=session, request_id=req.request_id),
    })


@router.post("/consent", dependencies=[CITIZEN])
async def consent_decide(
    request: Request, session: WriteSessionDep, node: NodeDep, user: CurrentUser
) -> RedirectResponse:
    """Issue the consent, or record the refusal, and tell the lending centre."""
    form = await form_fields(request)
    decision = form.get("decision", "")
    if decision not in ("grant", "refuse"):
        raise InvalidInput("请选择同意或拒绝", errors=[FieldError("decision", "请选择同意或拒绝")])
    req = consents.open_request(node, form.get("request", ""), subject_id=user.subject_id)
    if decision == "grant" and _preview(session, node, req) is None:
        raise InvalidInput("本中心没有您的缴存账户，无可提供的证明",
                           errors=[FieldError("decision", "本中心没有您的缴存账户")])
    consents.decide(session=session, node=node, request=req, grant=decision == "grant")
    return RedirectResponse("/housing_fund/data-log", status_code=303)


@router.get("/data-log", dependencies=[CITIZEN])
def data_log_page(
    request: Request, session: ReadSessionDep, node: NodeDep, user: CurrentUser
) -> HTMLResponse:
    """Every cross-region use of the signed-in citizen's data, and their consents."""
    subject = user.subject_id or ""
    return _page(request, "data_log.html", {
        "uses": datalog.uses(session=session, node=node, subject=subject),
        "consents": consents.of_subject(session=session, subject_id=subject) if subject else [],
        "now": clock.now(),
    })


@router.get("/data-log.json", dependencies=[CITIZEN])
def data_log_json(session: ReadSessionDep, node: NodeDep, user: CurrentUser) -> Response:
    """The data-use log as JSON."""
    body = {
        "member": node.member,
        "generated_at": clock.now().isoformat(),
        "uses": [
            u.as_json()
            for u in datalog.uses(session=session, node=node, subject=user.subject_id or "")
        ],
    }
    return Response(
        json.dumps(body, ensure_ascii=False, indent=2), media_type="application/json",
        headers={"content-disposition": 'attachment; filename="data-log.json"'},
    )


@router.get("/data-log.pdf", dependencies=[CITIZEN])
def data_log_pdf(
    request: Request, session: ReadSessionDep, node: NodeDep, user: CurrentUser
) -> Response:
    """The data-use log as PDF (WeasyPrint)."""
    page = _page(
        request,
        "data_log_print.html",
        {
            "uses": datalog.uses(session=session, node=node, subject=user.subject_id or ""),
            "now": clock.now(),
        },
    )
    return Response(
        html_to_pdf(bytes(page.body).decode()), media_type="application/pdf",
        headers={"content-disposition": 'attachment; filename="data-log.pdf"'},
    )


@router.post("/consents/{consent_id}/revoke", dependencies=[CITIZEN])
def revoke_consent(
    consent_id: str, session: WriteSessionDep, node: NodeDep, user: CurrentUser
) -> RedirectResponse:
    """Withdraw an unused consent; the lending centre is told."""
    consents.revoke(session=session, node=node, consent_id=consent_id,
                    subject_id=user.subject_id or "")
    return RedirectResponse("/housing_fund/data-log", status_code=303)
