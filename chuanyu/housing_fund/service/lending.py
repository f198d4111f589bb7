"""Lending side: take the depositor's application and consent, fetch and verify the certificate,
and decide under this centre's own rules."""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.db import UnitOfWork
from chuanyu.core.identifiers import birth_date_of, masked_matches
from chuanyu.core.pagination import fetch_page
from chuanyu.exchange.client import ExchangeRefused
from chuanyu.housing_fund import certificate, consent
from chuanyu.housing_fund.certificate import CertificateBody, CertificateRequest, SignedCertificate
from chuanyu.housing_fund.consent import ConsentRequest
from chuanyu.housing_fund.eligibility import Applicant, Decision, LoanRequest, decide
from chuanyu.housing_fund.enums import (
    ApplicationStatus,
    HomeKind,
    PropertyKind,
    RepaymentMethod,
)
from chuanyu.housing_fund.errors import (
    ApplicationNotFound,
    CertificateInvalid,
    NotRemote,
    WrongState,
)
from chuanyu.housing_fund.identifiers import sex_of
from chuanyu.housing_fund.models import Application
from chuanyu.housing_fund.policy import load_policy
from chuanyu.housing_fund.schemas import ApplicationCreate
from chuanyu.housing_fund.service.attempts import fetch_key, reload_open, send
from chuanyu.node import Node

SERVICE = "housing_fund.certificate"

log = logging.getLogger(__name__)


def _application_no(member: str) -> str:
    return f"{member}D{clock.today():%Y%m%d}{secrets.token_hex(3).upper()}"


def consent_request(node: Node, app: Application, now: datetime) -> ConsentRequest:
    """A fresh consent request for `app`, for the depositor to decide on at their home node."""
    return ConsentRequest(
        request_id=uuid.uuid4().hex,
        service=consent.SERVICE,
        purpose=consent.PURPOSE,
        depositor_id=app.resident_id,
        applicant_name=app.applicant_name,
        application_no=app.application_no,
        lending_member=node.member,
        depositing_member=app.depositing_member,
        issued_at=now,
        expires_at=now + consent.REQUEST_VALIDITY,
    )


def submit(
    *, session: Session, node: Node, data: ApplicationCreate, user_id: int | None
) -> Application:
    """Record an application waiting for the depositor's consent at their home node."""
    if data.depositing_member == node.member or data.depositing_member not in (
        node.descriptor.members
    ):
        raise NotRemote()
    now = clock.now()
    app = Application(
        application_no=_application_no(node.member),
        resident_id=data.resident_id,
        applicant_name=data.applicant_name,
        depositing_member=data.depositing_member,
        amount=data.amount,
        term_years=data.term_years,
        method=data.method,
        home=data.home,
        property_kind=data.property_kind,
        property_price=data.property_price,
        building_age_years=data.building_age_years,
        monthly_income=data.monthly_income,
        with_spouse=data.with_spouse,
        status=ApplicationStatus.AWAITING_CONSENT,
        submitted_by=user_id,
        created_at=now,
        updated_at=now,
    )
    request = consent_request(node, app, now)
    app.consent_token = consent.encode(request, node.sign)
    app.consent_expires_at = request.expires_at
    session.add(app)
    session.flush()
    return app


def apply(
    *, session: Session, node: Node, data: ApplicationCreate, user_id: int | None
) -> Application:
    """Submit an application; it waits for consent, then the certificate is fetched in the
    background (tasks.py). Never calls the other region, so it never waits on it."""
    return submit(session=session, node=node, data=data, user_id=user_id)


def get(*, session: Session, application_no: str) -> Application:
    """An application by its number, or ApplicationNotFound."""
    app = session.scalar(select(Application).where(Application.application_no == application_no))
    if app is None:
        raise ApplicationNotFound()
    return app


def fetch_certificate(
    *, units: UnitOfWork, node: Node, application_no: str, attempts: int | None = None
) -> Application:
    """Fetch the certificate across the exchange, verify it, and decide.

    Read → call → write: the application is read in one unit of work, each attempt is noted in
    its own (attempts.send), and the answer is recorded in a last one; no transaction is held
    while the other region answers. Returns the application as recorded (detached).
    """
    with units() as session:
        app = get(session=session, application_no=application_no)
        if app.status not in _OPEN:
            raise WrongState(detail="该申请已取得缴存使用证明，无需重复调取")
        if app.consent_id is None:
            raise WrongState(detail="缴存职工尚未在缴存地授权，暂不能调取证明")
        request = CertificateRequest(
            depositor_id=app.resident_id,
            consent_id=app.consent_id,
            application_no=app.application_no,
        )
        member, key = app.depositing_member, fetch_key(app)
    try:
        reply = send(units=units, node=node, application_no=application_no, member=member,
                     request=request, key=key, attempts=attempts)
    except ExchangeRefused as refused:
        with units() as session:
            app = reload_open(session=session, application_no=application_no)
            app.fetch_outcome = "refused"
            if app.status in _OPEN:
                _refused(app, refused.code, refused.detail)
        return app
    with units() as session:
        app = reload_open(session=session, application_no=application_no)
        app.fetch_outcome = "ok"
        if app.status in _OPEN:  # else a concurrent fetch finished first; keep its result
            _record_certificate(node, app, reply)
    return app


def _record_certificate(node: Node, app: Application, reply: dict[str, Any]) -> None:
    try:
        signed = SignedCertificate.model_validate(reply)
    except ValidationError:
        _refused(app, "certificate_invalid", "缴存地返回的证明格式无效")
        return
    app.certificate_body = json.dumps(signed.body, ensure_ascii=False)
    app.certificate_signature = signed.signature
    app.certificate_fingerprint = certificate.fingerprint(signed)
    app.certificate_received_at = clock.now()
    try:
        body = verify_stored(node, app)
    except CertificateInvalid as err:
        app.certificate_verified = False
        _refused(app, err.code, err.detail)
        return
    app.certificate_verified = True
    app.certificate_no = body.certificate_no
    app.status = ApplicationStatus.CERTIFIED
    record_decision(app, evaluate(node.member, app, body, clock.today()), user_id=None)


_OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.FETCH_REFUSED)


def _refused(app: Application, code: str, detail: str) -> None:
    app.status = ApplicationStatus.FETCH_REFUSED
    app.refusal_code, app.refusal_detail = code, detail
    app.updated_at = clock.now()


def stored_certificate(app: Application) -> SignedCertificate | None:
    """The certificate as received, if any."""
    if app.certificate_body is None or app.certificate_signature is None:
        return None
    return SignedCertificate(
        body=json.loads(app.certificate_body), signature=app.certificate_signature
    )


def verify_stored(node: Node, app: Application) -> CertificateBody:
    """Verify the stored certificate against the issuer's key and this application."""
    signed = stored_certificate(app)
    if signed is None:
        raise CertificateInvalid(detail="尚未取得缴存使用证明")
    try:
        key = node.descriptor.public_key(app.depositing_member)
    except KeyError as exc:
        raise CertificateInvalid(detail="出具中心不是联邦成员") from exc
    body = certificate.verify(
        signed, public_key=key, issuer=app.depositing_member, addressed_to=node.member
    )
    if body.consent_id != app.consent_id:
        raise CertificateInvalid(detail="缴存使用证明对应的授权与本申请不一致")
    if not masked_matches(body.masked_id, app.resident_id):
        raise CertificateInvalid(detail="缴存使用证明上的证件号码与申请人不一致")
    return body


def loan_request(app: Application) -> LoanRequest:
    """The pure request the rules read, from a stored application."""
    return LoanRequest(
        amount=app.amount,
        term_years=app.term_years,
        method=RepaymentMethod(app.method),
        home=HomeKind(app.home),
        property_kind=PropertyKind(app.property_kind),
        property_price=app.property_price,
        monthly_income=app.monthly_income,
        with_spouse=app.with_spouse,
        building_age_years=app.building_age_years,
    )


def evaluate(member: str, app: Application, body: CertificateBody, on: date) -> Decision:
    """This centre's rules applied to the application and its verified certificate."""
    applicant = Applicant(birth_date=birth_date_of(app.resident_id), sex=sex_of(app.resident_id))
    return decide(load_policy(member), applicant, loan_request(app), body.facts(), on)


def record_decision(app: Application, decision: Decision, *, user_id: int | None) -> None:
    """Store every rule's outcome and the verdict on the application."""
    app.outcomes = json.dumps([asdict(o) for o in decision.outcomes], ensure_ascii=False)
    app.max_amount = decision.max_amount
    app.max_term_years = decision.max_term_years
    app.annual_rate = decision.annual_rate
    app.status = ApplicationStatus.APPROVED if decision.approved else ApplicationStatus.REJECTED
    app.decided_at = app.updated_at = clock.now()
    app.decided_by = user_id


def redecide(
    *, session: Session, node: Node, application_no: str, user_id: int | None
) -> Application:
    """Re-verify the stored certificate and decide again (e.g. after the request was corrected)."""
    app = get(session=session, application_no=application_no)
    if app.status not in (
        ApplicationStatus.CERTIFIED,
        ApplicationStatus.APPROVED,
        ApplicationStatus.REJECTED,
    ):
        raise WrongState(detail="尚未取得有效的缴存使用证明，不能审批")
    body = verify_stored(node, app)
    record_decision(app, evaluate(node.member, app, body, clock.today()), user_id=user_id)
    session.flush()
    return app


def listing(
    *,
    session: Session,
    status: str | None = None,
    resident_id: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Application], int]:
    """Applications at this centre, newest first, with the total count."""
    query = select(Application)
    if status:
        query = query.where(Application.status == status)
    if resident_id:
        query = query.where(Application.resident_id == resident_id)
    query = query.order_by(Application.created_at.desc(), Application.id.desc())
    return fetch_page(session=session, query=query, limit=limit, offset=offset)


def approved_count(*, session: Session) -> int:
    """Remote-loan cases this centre approved (the ledger's "remote-loan cases handled")."""
    query = select(func.count()).where(Application.status == ApplicationStatus.APPROVED)
    return int(session.scalar(query) or 0)


def renew_consent(*, session: Session, node: Node, application_no: str) -> Application:
    """Ask the depositor again (the consent was refused, revoked, expired or used up)."""
    app = get(session=session, application_no=application_no)
    if app.status not in _RENEWABLE:
        raise WrongState(detail="该申请已取得缴存使用证明，无需重新授权")
    now = clock.now()
    request = consent_request(node, app, now)
    app.consent_id = None
    app.consent_token = consent.encode(request, node.sign)
    app.consent_expires_at = request.expires_at
    app.status = ApplicationStatus.AWAITING_CONSENT
    app.refusal_code = app.refusal_detail = None
    app.fetch_attempts, app.fetch_attempted_at, app.fetch_outcome = 0, None, None
    app.updated_at = now
    session.flush()
    return app


_RENEWABLE = (
    ApplicationStatus.AWAITING_CONSENT,
    ApplicationStatus.CONSENT_REFUSED,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.FETCH_REFUSED,
)
