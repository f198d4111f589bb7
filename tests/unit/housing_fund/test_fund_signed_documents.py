"""Consent requests, home-node consents and certificates: signed by the right node, refused
when forged or altered."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chuanyu.exchange import signing
from chuanyu.housing_fund import certificate, consent
from chuanyu.housing_fund.enums import AccountStatus, Sex
from chuanyu.housing_fund.errors import CertificateInvalid, ConsentInvalid
from chuanyu.housing_fund.identifiers import make_resident_id

NOW = datetime(2020, 7, 8, 2, 0, tzinfo=UTC)
CQ_KEY, SC_KEY = signing.generate_key(), signing.generate_key()
DEPOSITOR = make_resident_id(random.Random(7), "CQ", date(1988, 5, 1), Sex.MALE)


def sc_sign(data: bytes) -> str:
    return signing.sign(SC_KEY, data)


def cq_sign(data: bytes) -> str:
    return signing.sign(CQ_KEY, data)


def sc_request(**overrides: object) -> str:
    """A consent request signed by the lending node (SC), addressed to CQ."""
    request = consent.ConsentRequest(
        request_id="r1", service=consent.SERVICE, purpose=consent.PURPOSE,
        depositor_id=DEPOSITOR, applicant_name="张三", application_no="SCD-1",
        lending_member="SC", depositing_member="CQ", issued_at=NOW,
        expires_at=NOW + consent.REQUEST_VALIDITY,
    )
    return consent.encode(request.model_copy(update=overrides), sc_sign)


def check(token: str, *, now: datetime = NOW, key: object = None) -> consent.ConsentRequest:
    return consent.verify_request(token, public_key=key or SC_KEY.public_key(), me="CQ", now=now)


def test_request_signed_by_lender_verifies_at_home_node() -> None:
    request = check(sc_request())
    assert request.depositor_id == DEPOSITOR and request.lending_member == "SC"


def test_expired_request_is_refused() -> None:
    with pytest.raises(ConsentInvalid) as expired:
        check(sc_request(), now=NOW + consent.REQUEST_VALIDITY)
    assert expired.value.code == "request_expired"


def test_request_signed_by_another_key_is_refused() -> None:
    with pytest.raises(ConsentInvalid):
        check(consent.encode(consent.peek(sc_request(), consent.ConsentRequest), cq_sign))


def test_request_with_altered_content_is_refused() -> None:
    payload, signature = sc_request().split(".")
    other = sc_request(depositor_id=make_resident_id(random.Random(8), "CQ", date(1990, 1, 2),
                                                     Sex.FEMALE)).split(".")[0]
    with pytest.raises(ConsentInvalid):
        check(f"{other}.{signature}")
    with pytest.raises(ConsentInvalid):
        check(f"{payload}.{signature}x")
    with pytest.raises(ConsentInvalid):
        check("not-a-token")


def test_request_for_another_node_or_service_is_refused() -> None:
    with pytest.raises(ConsentInvalid):
        check(sc_request(depositing_member="SC"))
    with pytest.raises(ConsentInvalid):
        check(sc_request(service="registry.verify"))


def test_home_node_signature_covers_every_claim() -> None:
    claims = consent.ConsentClaims(
        consent_id="c1", request_id="r1", service=consent.SERVICE, purpose=consent.PURPOSE,
        depositor_id=DEPOSITOR, lending_member="SC", depositing_member="CQ",
        application_no="SCD-1", issued_at=NOW, expires_at=NOW + timedelta(days=7),
    )
    signature = cq_sign(consent.claims_bytes(claims))
    assert consent.claims_signed(claims, signature, CQ_KEY.public_key())
    assert not consent.claims_signed(claims, signature, SC_KEY.public_key())
    for field, value in (("lending_member", "CQ"), ("expires_at", NOW + timedelta(days=400)),
                         ("depositor_id", "X")):
        altered = claims.model_copy(update={field: value})
        assert not consent.claims_signed(altered, signature, CQ_KEY.public_key())


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
