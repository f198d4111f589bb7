"""Consent tokens and certificates: signed by the right node, refused when forged or altered."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chuanyu.exchange import signing
from chuanyu.housing_fund import certificate, consent
from chuanyu.housing_fund.enums import AccountStatus, Sex
from chuanyu.housing_fund.errors import (
    CertificateInvalid,
    ConsentExpired,
    ConsentInvalid,
    ConsentMissing,
)
from chuanyu.housing_fund.identifiers import make_resident_id

NOW = datetime(2020, 7, 8, 2, 0, tzinfo=UTC)
CQ_KEY, SC_KEY = signing.generate_key(), signing.generate_key()
DEPOSITOR = make_resident_id(random.Random(7), "CQ", date(1988, 5, 1), Sex.MALE)


def sc_sign(data: bytes) -> str:
    return signing.sign(SC_KEY, data)


def cq_sign(data: bytes) -> str:
    return signing.sign(CQ_KEY, data)


def sc_consent(**overrides: object) -> str:
    claims = consent.new_claims(
        depositor_id=DEPOSITOR, lending_member="SC", depositing_member="CQ", now=NOW
    )
    return consent.encode(claims.model_copy(update=overrides), sc_sign)


def check(
    token: str | None,
    *,
    caller: str = "SC",
    depositor: str = DEPOSITOR,
    now: datetime = NOW,
    key: object = None,
) -> consent.ConsentClaims:
    return consent.verify(
        token,
        public_key=key or SC_KEY.public_key(),
        caller=caller,
        me="CQ",
        depositor_id=depositor,
        now=now,
    )


def test_consent_signed_by_lender_verifies_at_depositing_centre() -> None:
    claims = check(sc_consent())
    assert claims.depositor_id == DEPOSITOR and claims.lending_member == "SC"


def test_missing_consent_is_refused() -> None:
    with pytest.raises(ConsentMissing):
        check(None)
    with pytest.raises(ConsentMissing):
        check("")


def test_expired_consent_is_refused() -> None:
    with pytest.raises(ConsentExpired):
        check(sc_consent(), now=NOW + consent.DEFAULT_VALIDITY)


def test_consent_signed_by_another_key_is_refused() -> None:
    forged = consent.encode(
        consent.new_claims(
            depositor_id=DEPOSITOR, lending_member="SC", depositing_member="CQ", now=NOW
        ),
        cq_sign,
    )
    with pytest.raises(ConsentInvalid):
        check(forged)


def test_consent_with_altered_claims_is_refused() -> None:
    payload, signature = sc_consent().split(".")
    other = consent.encode(
        consent.peek(sc_consent()).model_copy(update={"expires_at": NOW + timedelta(days=400)}),
        sc_sign,
    ).split(".")[0]
    with pytest.raises(ConsentInvalid):
        check(f"{other}.{signature}")
    with pytest.raises(ConsentInvalid):
        check(f"{payload}.{signature}x")
    with pytest.raises(ConsentInvalid):
        check("not-a-token")


def test_consent_is_bound_to_depositor_and_lending_centre() -> None:
    token = sc_consent()
    other = make_resident_id(random.Random(8), "CQ", date(1990, 1, 2), Sex.FEMALE)
    with pytest.raises(ConsentInvalid):
        check(token, depositor=other)
    with pytest.raises(ConsentInvalid):
        check(token, caller="CQ")


def make_body(**overrides: object) -> certificate.CertificateBody:
    values: dict[str, object] = {
        "certificate_no": "CQ-TEST-1",
        "issuer_member": "CQ",
        "issuer_centre": "重庆市住房公积金管理中心",
        "addressed_to_member": "SC",
        "addressed_to_centre": "成都住房公积金管理中心",
        "consent_id": "c1",
        "name": "张三",
        "masked_id": "5001**********1234",
        "account_status": AccountStatus.NORMAL,
        "deposit_base": Decimal("8000.00"),
        "monthly_amount": Decimal("1920.00"),
        "balance": Decimal("35210.50"),
        "first_month": 201801,
        "latest_month": 202006,
        "continuous_months": 30,
        "outstanding_loans": 0,
        "settled_loans": 0,
        "issued_at": NOW,
        "valid_until": certificate.valid_until(date(2020, 7, 8)),
    }
    values.update(overrides)
    return certificate.CertificateBody.model_validate(values)


def verify(signed: certificate.SignedCertificate) -> certificate.CertificateBody:
    return certificate.verify(
        signed, public_key=CQ_KEY.public_key(), issuer="CQ", addressed_to="SC"
    )


def test_certificate_round_trip_verifies_with_issuer_key() -> None:
    signed = certificate.sign(make_body(), cq_sign)
    wire = certificate.SignedCertificate.model_validate_json(signed.model_dump_json())
    body = verify(wire)
    assert body.balance == Decimal("35210.50")
    assert body.valid_until == date(2020, 9, 8)
    assert certificate.fingerprint(wire) == certificate.fingerprint(signed)


def test_altered_certificate_is_rejected() -> None:
    signed = certificate.sign(make_body(), cq_sign)
    altered = signed.model_copy(update={"body": {**signed.body, "balance": "95210.50"}})
    with pytest.raises(CertificateInvalid):
        verify(altered)


def test_forged_certificate_is_rejected() -> None:
    forged = certificate.sign(make_body(), sc_sign)  # signed by the wrong node
    with pytest.raises(CertificateInvalid):
        verify(forged)
    junk = certificate.SignedCertificate(body=make_body().model_dump(mode="json"), signature="AAAA")
    with pytest.raises(CertificateInvalid):
        verify(junk)


def test_certificate_for_another_centre_is_rejected() -> None:
    signed = certificate.sign(make_body(addressed_to_member="CQ"), cq_sign)
    with pytest.raises(CertificateInvalid):
        verify(signed)


def test_validity_is_two_months_clamped_to_month_end() -> None:
    assert certificate.valid_until(date(2020, 12, 31)) == date(2021, 2, 28)
    assert certificate.valid_until(date(2020, 7, 8)) == date(2020, 9, 8)
