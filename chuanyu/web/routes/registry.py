"""Pages of business registration: licence register, licence page and PDF, public verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from chuanyu.core.db import ReadSessionDep, WriteSessionDep, read_scope
from chuanyu.core.errors import ChuanyuError, InvalidInput
from chuanyu.core.security import CurrentUser, Role, public, require
from chuanyu.exchange import waits
from chuanyu.exchange.client import EXCHANGE_CODES, ExchangeRefused, PeerUnavailable
from chuanyu.node import NodeDep
from chuanyu.registry import document
from chuanyu.registry import service as registry_service
from chuanyu.registry.enums import OUTCOME_LABELS, STATUS_LABELS, LicenceStatus
from chuanyu.registry.schemas import VerifyRequest, VerifyResult
from chuanyu.web import render
from chuanyu.web.i18n import STRINGS

router = APIRouter(include_in_schema=False)

READERS = (Role.registrar, Role.window_clerk, Role.joint_office)

STRINGS.update(
    {
        "registry.title": ("营业执照", "Business licences"),
        "registry.verify": ("营业执照核验", "Verify a business licence"),
        "registry.verify.hint": (
            "输入统一社会信用代码，或粘贴执照二维码中的核验数据。川渝两地执照均可核验。",
            "Enter a unified social credit code or paste the QR payload; licences of both "
            "regions can be verified.",
        ),
        "registry.search": ("查询", "Search"),
        "registry.revoke": ("吊销执照", "Revoke licence"),
        "registry.pdf": ("下载 PDF", "Download PDF"),
    }
)


@router.get("/", dependencies=[require(*READERS)])
def licence_register(
    request: Request,
    session: ReadSessionDep,
    q: Annotated[str | None, Query(max_length=60)] = None,
    status: LicenceStatus | None = None,
) -> HTMLResponse:
    """The register of licences this region issued."""
    page = registry_service.list_licences(session=session, query=q, status=status, limit=100)
    return render(
        request,
        "registry/index.html",
        {"page": page, "q": q or "", "status": status, "status_labels": STATUS_LABELS},
    )


@router.get("/licences/{uscc}", dependencies=[require(*READERS)])
def licence_page(
    request: Request, uscc: str, session: ReadSessionDep, node: NodeDep
) -> HTMLResponse:
    """A licence as it is printed (either region's, verified), with its verification QR code."""
    lic = registry_service.fetch(session=session, node=node, code=uscc)
    return render(
        request,
        "registry/licence.html",
        document.licence_context(
            lic, document.issuer_name(node, lic), url=document.verify_url(node, lic.uscc)
        ),
    )


@router.get("/licences/{uscc}/pdf", dependencies=[require(*READERS)])
def licence_pdf(uscc: str, session: ReadSessionDep, node: NodeDep) -> Response:
    """The licence as a PDF (either region's, verified)."""
    lic = registry_service.fetch(session=session, node=node, code=uscc)
    headers = {"Content-Disposition": f'inline; filename="licence-{lic.uscc}.pdf"'}
    return Response(
        document.licence_pdf(
            lic, document.issuer_name(node, lic), url=document.verify_url(node, lic.uscc)
        ),
        media_type="application/pdf",
        headers=headers,
    )


@router.post("/licences/{uscc}/revoke", dependencies=[require(Role.registrar)])
def revoke_licence(
    uscc: str,
    session: WriteSessionDep,
    node: NodeDep,
    user: CurrentUser,
    reason: Annotated[str, Form(min_length=2, max_length=500)],
) -> RedirectResponse:
    """Revoke a licence from its page."""
    registry_service.revoke(
        session=session, node=node, code=uscc, reason=reason.strip(), actor=user.username
    )
    return RedirectResponse(f"/registry/licences/{uscc}", status_code=303)


@router.get("/verify", dependencies=[public()])
def verify_page(
    request: Request,
    node: NodeDep,
    uscc: Annotated[str | None, Query(max_length=40)] = None,
    payload: Annotated[str | None, Query(max_length=1000)] = None,
) -> HTMLResponse:
    """Public verification of any licence of either region (no sign-in).

    A licence of the other region is verified through the exchange: the page waits at most
    `cross_region_wait_s`, then says it is waiting and reloads itself until the answer is in,
    or says the other region cannot be reached (503) and offers to try again.
    """
    context: dict[str, object] = {"uscc": uscc or "", "payload": payload or "", "result": None}
    if not ((uscc or "").strip() or (payload or "").strip()):
        return render(request, "registry/verify.html", context)
    try:
        check = VerifyRequest.from_values(uscc, payload)
    except InvalidInput as exc:
        context["errors"] = exc.errors
        return render(request, "registry/verify.html", context, status_code=422)

    def run() -> VerifyResult:
        with read_scope(node) as session:
            return registry_service.verify(session=session, node=node, request=check)

    key = f"registry.verify:{check.uscc or ''}:{check.payload or ''}"
    outcome = waits.ask(node, key, run)
    context.update(wait_url=f"{request.url.path}?{request.url.query}", wait_what="核验这张执照",
                   wait_subject="这张执照", wait_again="核验")
    if outcome.state == "pending":
        return render(request, "registry/verify.html", {**context, "wait": "pending"})
    if outcome.state == "failed":
        error = outcome.error
        if isinstance(error, ChuanyuError) and not _link_failure(error):
            raise error  # the issuing region answered and refused: shown as any other error
        response = render(request, "registry/verify.html", {**context, "wait": "unavailable"},
                          status_code=503)
        response.headers["Retry-After"] = "30"
        return response
    result = outcome.value
    assert result is not None
    context.update(result=result, outcome_label=OUTCOME_LABELS[result.outcome])
    return render(request, "registry/verify.html", context)


def _link_failure(error: ChuanyuError) -> bool:
    """True when the call failed on the way (the other region did not answer for itself)."""
    return isinstance(error, PeerUnavailable) or (
        isinstance(error, ExchangeRefused) and error.code in EXCHANGE_CODES)
