"""REST API of business registration, mounted under /api/registry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.idempotency import idempotent
from chuanyu.core.pagination import PageQuery, paging
from chuanyu.core.security import CurrentUser, Role, public, require
from chuanyu.node import NodeDep
from chuanyu.registry import document
from chuanyu.registry import service as registry_service
from chuanyu.registry.enums import LicenceStatus
from chuanyu.registry.schemas import (
    LicencePage,
    LicenceRead,
    NameCheck,
    NameCheckResult,
    RegistrationApplication,
    RevokeRequest,
    VerifyRequest,
    VerifyResult,
)

router = APIRouter(tags=["registry"])

READERS = (Role.registrar, Role.window_clerk, Role.joint_office)


class IssueRequest(BaseModel):
    """A registration decided by this region's registrar (applications from a window case
    are issued by the window's decision instead)."""

    application: RegistrationApplication
    case_number: Annotated[str | None, Field(max_length=40)] = None


@router.get("/licences", dependencies=[require(*READERS)])
def list_licences(
    session: ReadSessionDep,
    status: LicenceStatus | None = None,
    q: Annotated[str | None, Query(max_length=60)] = None,
    page: PageQuery = paging(max_limit=200),
) -> LicencePage:
    """Licences issued by this region, newest first."""
    return registry_service.list_licences(
        session=session, status=status, query=q, limit=page.limit, offset=page.offset
    )


@router.post("/licences", status_code=201, dependencies=[require(Role.registrar), idempotent()])
def issue_licence(body: IssueRequest, session: WriteSessionDep, node: NodeDep) -> LicenceRead:
    """Register an enterprise in this region and issue its signed licence."""
    licence = registry_service.issue_licence(
        session=session, node=node, application=body.application, case_number=body.case_number
    )
    return licence


@router.get("/licences/{uscc}", dependencies=[require(*READERS)])
def get_licence(uscc: str, session: ReadSessionDep, node: NodeDep) -> LicenceRead:
    """One licence of either region (the other region's is verified through the exchange)."""
    return registry_service.fetch(session=session, node=node, code=uscc)


@router.get(
    "/licences/{uscc}/pdf",
    dependencies=[require(*READERS)],
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def get_licence_pdf(uscc: str, session: ReadSessionDep, node: NodeDep) -> Response:
    """The licence as a PDF with its verification QR code (either region's)."""
    licence = registry_service.fetch(session=session, node=node, code=uscc)
    pdf = document.licence_pdf(
        licence, document.issuer_name(node, licence), url=document.verify_url(node, licence.uscc)
    )
    headers = {"Content-Disposition": f'inline; filename="licence-{licence.uscc}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.post("/licences/{uscc}/revoke", dependencies=[require(Role.registrar)])
def revoke_licence(
    uscc: str, body: RevokeRequest, session: WriteSessionDep, node: NodeDep, user: CurrentUser
) -> LicenceRead:
    """Revoke (吊销) a licence this region issued."""
    licence = registry_service.revoke(
        session=session, node=node, code=uscc, reason=body.reason, actor=user.username
    )
    return licence


@router.post("/name-check", dependencies=[require(Role.registrar, Role.window_clerk)])
def check_name(
    body: NameCheck,
    session: ReadSessionDep,
    node: NodeDep,
    region: Annotated[str | None, Query(pattern="^(CQ|SC)$")] = None,
) -> NameCheckResult:
    """Whether a name is free in the registering region (this one, or `region`)."""
    target = region or node.member
    if target == node.member:
        return registry_service.name_status(session=session, name=body.name, region=target)
    return registry_service.remote_name_status(node, member=target, name=body.name)


@router.post("/verify", dependencies=[public()])
def verify_licence(body: VerifyRequest, session: ReadSessionDep, node: NodeDep) -> VerifyResult:
    """Verify any licence of either region by credit code or QR payload (no sign-in)."""
    return registry_service.verify(session=session, node=node, request=body)


@router.get("/verify", dependencies=[public()])
def verify_licence_query(
    session: ReadSessionDep,
    node: NodeDep,
    uscc: Annotated[str | None, Query(max_length=40)] = None,
    payload: Annotated[str | None, Query(max_length=1000)] = None,
) -> VerifyResult:
    """The same verification as a GET, for links and QR scanners."""
    request = VerifyRequest.from_values(uscc, payload)
    return registry_service.verify(session=session, node=node, request=request)
