"""The depositing centre's side: its own consents, single use, refusals, the signed certificate."""

from __future__ import annotations

import json
import random
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from chuanyu.core import clock
from chuanyu.housing_fund import certificate, consent
from chuanyu.housing_fund.certificate import CertificateRequest
from chuanyu.housing_fund.consent import ConsentRequest
from chuanyu.housing_fund.enums import AccountStatus, Sex
from chuanyu.housing_fund.errors import (
    AccountClosed,
    ConsentExpired,
    ConsentMissing,
    ConsentUsed,
    DepositorUnknown,
)
from chuanyu.housing_fund.generate import generate
from chuanyu.housing_fund.identifiers import make_resident_id
from chuanyu.housing_fund.models import Account, Consent, Deposit, IssuedCertificate
from chuanyu.housing_fund.rules import continuous_months
from chuanyu.housing_fund.service import accounts, certify, consents


def granted(db, depositor: str, lender: str = "SC") -> str:  # type: ignore[no-untyped-def]
    """A consent this (CQ) node issued on the depositor's word to `lender`."""
    now = clock.now()
    request = ConsentRequest(
        request_id=uuid.uuid4().hex, service=consent.SERVICE, purpose=consent.PURPOSE,
        depositor_id=depositor, applicant_name="测试", application_no="SCD-1",
        lending_member=lender, depositing_member="CQ", issued_at=now,
        expires_at=now + consent.REQUEST_VALIDITY)
    with db.scope() as session:
        return consents.decide(session=session, node=db.node, request=request,
                               grant=True).consent_id


@pytest.fixture
def population(db):  # type: ignore[no-untyped-def]
    with db.scope() as session:
        generate(session=session, member="CQ", count=60, seed=11, as_of_month=202006)
    return db


def first_with(session, status: AccountStatus) -> Account:  # type: ignore[no-untyped-def]
    return session.scalars(
        select(Account).where(Account.status == status).order_by(Account.id)
    ).first()


def issue(db, request: CertificateRequest, caller: str = "SC"):  # type: ignore[no-untyped-def]
    with db.scope() as session:
        return certify.issue(session=session, node=db.node, caller=caller, request=request)


def test_certificate_is_issued_signed_and_minimal(population) -> None:  # type: ignore[no-untyped-def]
    db = population
    with db.session() as session:
        account = first_with(session, AccountStatus.NORMAL)
        months = list(
            session.scalars(select(Deposit.month).where(Deposit.account_id == account.id))
        )
    signed = issue(
        db,
        CertificateRequest(
            depositor_id=account.resident_id,
            consent_id=granted(db, account.resident_id),
            application_no="SCD-1",
        ),
    )
    body = certificate.verify(
        signed, public_key=db.node.descriptor.public_key("CQ"), issuer="CQ", addressed_to="SC"
    )
    assert body.name == account.name and body.balance == account.balance
    assert account.resident_id not in json.dumps(signed.body, ensure_ascii=False)
    assert body.masked_id.count("*") == 10
    assert body.continuous_months == continuous_months(months)
    assert body.latest_month == max(months) and body.first_month == min(months)
    assert body.issuer_centre == "重庆市住房公积金管理中心"
    assert body.addressed_to_centre == "成都住房公积金管理中心"
    assert set(signed.body) == set(certificate.CertificateBody.model_fields)
    with db.session() as session:
        stored = session.scalar(select(IssuedCertificate))
        assert stored.certificate_no == body.certificate_no and stored.application_no == "SCD-1"
        assert session.get(Consent, body.consent_id).status == "used"


def test_consent_is_single_use(population) -> None:  # type: ignore[no-untyped-def]
    db = population
    with db.session() as session:
        rid = first_with(session, AccountStatus.NORMAL).resident_id
    request = CertificateRequest(depositor_id=rid, consent_id=granted(db, rid))
    issue(db, request)
    with pytest.raises(ConsentUsed):
        issue(db, request)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(IssuedCertificate)) == 1


def test_refusals_have_clear_codes(population) -> None:  # type: ignore[no-untyped-def]
    db = population
    with db.session() as session:
        rid = first_with(session, AccountStatus.NORMAL).resident_id
    with pytest.raises(ConsentMissing) as missing:
        issue(db, CertificateRequest(depositor_id=rid, consent_id=None))
    assert missing.value.code == "consent_missing"
    expired = granted(db, rid)
    later = clock.now() + consent.CONSENT_VALIDITY + timedelta(minutes=1)
    with clock.freeze(later), pytest.raises(ConsentExpired):
        issue(db, CertificateRequest(depositor_id=rid, consent_id=expired))
    with pytest.raises(ConsentMissing):  # a consent given to SC, presented by CQ itself
        issue(db, CertificateRequest(depositor_id=rid, consent_id=granted(db, rid)), caller="CQ")
    stranger = make_resident_id(random.Random(99), "CQ", date(1979, 9, 9), Sex.MALE)
    with pytest.raises(DepositorUnknown) as unknown:
        issue(
            db,
            CertificateRequest(depositor_id=stranger, consent_id=granted(db, stranger)),
        )
    assert unknown.value.code == "depositor_unknown"
    with db.scope() as session:
        session.get(Account, 1).status = AccountStatus.CLOSED
        closed_id = session.get(Account, 1).resident_id
    with pytest.raises(AccountClosed):
        issue(
            db,
            CertificateRequest(depositor_id=closed_id, consent_id=granted(db, closed_id)),
        )
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(IssuedCertificate)) == 0


def test_money_round_trips_exactly_and_summary_adds_up(population) -> None:  # type: ignore[no-untyped-def]
    db = population
    with db.session() as session:
        account = first_with(session, AccountStatus.NORMAL)
        summary = accounts.deposit_summary(session=session, account_id=account.id)
        amounts = list(
            session.scalars(select(Deposit.amount).where(Deposit.account_id == account.id))
        )
    assert summary.total == sum(amounts)
    assert all(a == accounts.monthly_amount(account) for a in amounts)
    assert summary.latest_month == 202006 and summary.months == len(amounts)
