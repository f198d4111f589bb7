"""REST API of the housing fund, mounted under /api/housing_fund."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.errors import PermissionDenied, RuleViolation
from chuanyu.core.idempotency import idempotent
from chuanyu.core.pagination import PageQuery, paging
from chuanyu.core.security import CurrentUser, Role, public, require
from chuanyu.housing_fund import permissions, present
from chuanyu.housing_fund.deps import VisibleApplication
from chuanyu.housing_fund.enums import ApplicationStatus, RepaymentMethod
from chuanyu.housing_fund.errors import AccountNotFound
from chuanyu.housing_fund.policy import load_policy
from chuanyu.housing_fund.rules import schedule
from chuanyu.housing_fund.schemas import (
    AccountPage,
    AccountRead,
    ApplicationCreate,
    ApplicationPage,
    ApplicationRead,
    IssuedCertificatePage,
    ScheduleQuery,
    ScheduleRead,
)
from chuanyu.housing_fund.service import accounts, certify, lending, waiting
from chuanyu.node import Node, NodeDep

router = APIRouter(tags=["housing_fund"])


def _home_url(node: Node, member: str) -> str | None:
    peer = node.descriptor.members.get(member)
    return peer.base_url if peer is not None else None

OFFICER = require(Role.fund_officer)


@router.get("/schedule", dependencies=[public()])
def get_schedule(query: Annotated[ScheduleQuery, Query()]) -> ScheduleRead:
    """Repayment schedule (equal instalments or equal principal), rounded to the fen."""
    plan = schedule(query.principal, query.rate, query.years * 12, query.method)
    return present.to_schedule_read(plan)


@router.get("/policy", dependencies=[public()])
def get_policy(node: NodeDep) -> dict[str, Any]:
    """This centre's loan rules, each value with its source."""
    return load_policy(node.member).model_dump(mode="json")


@router.post(
    "/applications",
    status_code=status.HTTP_201_CREATED,
    dependencies=[require(Role.fund_officer, Role.citizen), idempotent()],
)
def create_application(
    data: ApplicationCreate, session: WriteSessionDep, node: NodeDep, user: CurrentUser
) -> ApplicationRead:
    """Apply for a remote loan; it waits (awaiting_consent) until the depositor consents at
    their home centre through `consent_url`, then the certificate is fetched in the background."""
    if not permissions.can_apply_for(user, data.resident_id):
        raise PermissionDenied("只能以本人身份证号码申请贷款")
    app = lending.apply(session=session, node=node, data=data, user_id=user.id)
    return present.to_read(app, home_url=_home_url(node, app.depositing_member))


@router.get("/applications", dependencies=[require(Role.fund_officer, Role.citizen)])
def list_applications(
    session: ReadSessionDep,
    user: CurrentUser,
    status_filter: Annotated[ApplicationStatus | None, Query(alias="status")] = None,
    page: PageQuery = paging(max_limit=200),
) -> ApplicationPage:
    """Applications at this centre (a depositor sees only their own)."""
    own = None if permissions.is_officer(user) else (user.subject_id or "-")
    rows, total = lending.listing(
        session=session, status=status_filter, resident_id=own, offset=page.offset, limit=page.limit
    )
    return ApplicationPage.of([present.to_read(r) for r in rows], total, page)


@router.get("/applications/{application_no}", dependencies=[require()])
def get_application(app: VisibleApplication, node: NodeDep) -> ApplicationRead:
    """One application with its consent state, certificate and every rule's outcome."""
    return present.to_read(app, home_url=_home_url(node, app.depositing_member))


@router.post("/applications/{application_no}/fetch", dependencies=[OFFICER])
def fetch_certificate(
    application_no: str, session: WriteSessionDep, node: NodeDep
) -> ApplicationRead:
    """Ask for the certificate to be fetched now; the background fetcher makes the call, so this
    answers at once (poll the application for the outcome)."""
    app = waiting.request_fetch(session=session, application_no=application_no)
    waiting.wake_fetcher_after_commit(session=session, node=node)
    return present.to_read(app)


@router.post("/applications/{application_no}/consent", dependencies=[require()])
def renew_consent(
    app: VisibleApplication, session: WriteSessionDep, node: NodeDep
) -> ApplicationRead:
    """Ask the depositor again (the consent was refused, revoked, expired or used up): a new
    consent request to decide on at their home centre."""
    renewed = lending.renew_consent(session=session, node=node, application_no=app.application_no)
    return present.to_read(renewed, home_url=_home_url(node, renewed.depositing_member))


@router.post("/applications/{application_no}/decide", dependencies=[OFFICER])
def decide_again(
    application_no: str, session: WriteSessionDep, node: NodeDep, user: CurrentUser
) -> ApplicationRead:
    """Re-verify the stored certificate and apply this centre's rules again."""
    app = lending.redecide(
        session=session, node=node, application_no=application_no, user_id=user.id
    )
    return present.to_read(app)


@router.get("/applications/{application_no}/schedule", dependencies=[require()])
def application_schedule(app: VisibleApplication) -> ScheduleRead:
    """Repayment schedule of an approved application."""
    if app.status != ApplicationStatus.APPROVED or app.annual_rate is None:
        raise RuleViolation("只有准予贷款的申请才有还款计划", code="not_approved")
    plan = schedule(app.amount, app.annual_rate, app.term_years * 12, RepaymentMethod(app.method))
    return present.to_schedule_read(plan)


@router.get("/accounts", dependencies=[OFFICER])
def list_accounts(
    session: ReadSessionDep,
    q: str = "",
    page: PageQuery = paging(max_limit=200),
) -> AccountPage:
    """Depositor accounts at this centre."""
    rows, total = accounts.search(
        session=session, q=q.strip(), offset=page.offset, limit=page.limit
    )
    return AccountPage.of(
        [present.to_account_read(session=session, row=r) for r in rows], total, page
    )


@router.get("/accounts/{resident_id}", dependencies=[require()])
def get_account(resident_id: str, session: ReadSessionDep, user: CurrentUser) -> AccountRead:
    """One depositor's account (officers, or the depositor themself)."""
    if not (permissions.is_officer(user) or permissions.acts_for(user, resident_id)):
        raise PermissionDenied("只能查看本人的缴存账户")
    row = accounts.by_resident_id(session=session, resident_id=resident_id.upper())
    if row is None:
        raise AccountNotFound()
    return present.to_account_read(session=session, row=row)


@router.get("/certificates/issued", dependencies=[OFFICER])
def list_issued(
    session: ReadSessionDep,
    page: PageQuery = paging(max_limit=200),
) -> IssuedCertificatePage:
    """Certificates this centre issued to lending centres."""
    rows, total = certify.issued(session=session, offset=page.offset, limit=page.limit)
    return IssuedCertificatePage.of([present.to_issued_read(r) for r in rows], total, page)


@router.get("/certificates/requests", dependencies=[OFFICER])
def list_requests(
    session: ReadSessionDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[dict[str, Any]]:
    """Certificate requests received (issued or refused), from the exchange audit log."""
    return [
        {
            "at": e.at,
            "peer": e.peer,
            "outcome": e.outcome,
            "detail": e.detail,
            "message_id": e.message_id,
        }
        for e in certify.requests_received(session=session, limit=limit)
    ]
