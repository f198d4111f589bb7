"""Depositing side: check the consent and issue a signed deposit-use certificate."""

from __future__ import annotations

import json
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.identifiers import mask_resident_id
from chuanyu.core.pagination import fetch_page
from chuanyu.exchange.models import AuditEntry
from chuanyu.housing_fund import certificate
from chuanyu.housing_fund.certificate import (
    CertificateBody,
    CertificateRequest,
    SignedCertificate,
)
from chuanyu.housing_fund.enums import AccountStatus
from chuanyu.housing_fund.errors import AccountClosed, DepositorUnknown
from chuanyu.housing_fund.models import Account, IssuedCertificate
from chuanyu.housing_fund.policy import PolicyError, load_policy
from chuanyu.housing_fund.service import accounts, consents
from chuanyu.node import Node


def _certificate_no(member: str) -> str:
    return f"{member}-{clock.today():%Y%m%d}-{secrets.token_hex(4).upper()}"


def issue(
    *, session: Session, node: Node, caller: str, request: CertificateRequest
) -> SignedCertificate:
    """Issue a certificate for the depositor named in the request, or refuse with a clear code.

    The consent is checked first: without one this centre issued, every ID gets the same
    answer, whether or not the person is a depositor here.
    """
    depositor_id = request.depositor_id.strip().upper()
    granted = consents.use(
        session=session,
        node=node,
        caller=caller,
        depositor_id=depositor_id,
        consent_id=request.consent_id,
    )
    account = accounts.by_resident_id(session=session, resident_id=depositor_id)
    if account is None:
        raise DepositorUnknown()
    if account.status == AccountStatus.CLOSED:
        raise AccountClosed()
    body = body_for(
        session=session, node=node, caller=caller, account=account, consent_id=granted.consent_id
    )
    signed = certificate.sign(body, node.sign)
    issued_at = body.issued_at
    session.add(
        IssuedCertificate(
            certificate_no=body.certificate_no,
            account_id=account.id,
            lending_member=caller,
            consent_id=granted.consent_id,
            application_no=request.application_no,
            body=json.dumps(signed.body, ensure_ascii=False),
            signature=signed.signature,
            fingerprint=certificate.fingerprint(signed),
            issued_at=issued_at,
            valid_until=body.valid_until,
        )
    )
    session.flush()
    return signed


def body_for(
    *, session: Session, node: Node, caller: str, account: Account, consent_id: str
) -> CertificateBody:
    """The certificate's facts for `account`, addressed to `caller` (also shown as a preview
    to the depositor before they consent)."""
    summary = accounts.deposit_summary(session=session, account_id=account.id)
    issued_at = clock.now()
    mine = load_policy(node.member).centre
    try:
        addressed_to = load_policy(caller).centre.name
    except PolicyError:
        addressed_to = node.descriptor.members[caller].name
    return CertificateBody(
        certificate_no=_certificate_no(node.member),
        issuer_member=node.member,
        issuer_centre=mine.name,
        addressed_to_member=caller,
        addressed_to_centre=addressed_to,
        consent_id=consent_id,
        name=account.name,
        masked_id=mask_resident_id(account.resident_id),
        account_status=AccountStatus(account.status),
        deposit_base=account.deposit_base,
        monthly_amount=accounts.monthly_amount(account),
        balance=account.balance,
        first_month=summary.first_month,
        latest_month=summary.latest_month,
        continuous_months=summary.continuous_months,
        outstanding_loans=account.outstanding_loans,
        settled_loans=account.settled_loans,
        issued_at=issued_at,
        valid_until=certificate.valid_until(issued_at.astimezone(clock.CHINA).date()),
    )


def issued(
    *, session: Session, offset: int = 0, limit: int = 50, certificate_no: str | None = None
) -> tuple[list[IssuedCertificate], int]:
    """Certificates this centre issued, newest first, with the total count."""
    query = select(IssuedCertificate)
    if certificate_no:
        query = query.where(IssuedCertificate.certificate_no == certificate_no)
    query = query.order_by(IssuedCertificate.issued_at.desc(), IssuedCertificate.id.desc())
    return fetch_page(session=session, query=query, limit=limit, offset=offset)


def requests_received(*, session: Session, limit: int = 50) -> list[AuditEntry]:
    """Certificate requests that reached this centre, issued or refused, from the audit log."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.name == "housing_fund.certificate", AuditEntry.direction == "in")
        .order_by(AuditEntry.position.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
