"""The deposit-use certificate (异地贷款职工住房公积金缴存使用证明) as a signed data record.

It carries only what a lender needs (data minimisation): the name, a masked ID, the account's
status and figures, the deposit months, the fund-loan record, when it was issued and how long it
is valid. The depositing node signs the canonical JSON of the body with its node key; the lender
verifies the body exactly as received against the depositing node's key from the federation
descriptor, so any altered figure or a forged signature is caught.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chuanyu.exchange import signing
from chuanyu.exchange.envelope import canonical_json
from chuanyu.housing_fund.eligibility import DepositFacts
from chuanyu.housing_fund.enums import AccountStatus
from chuanyu.housing_fund.errors import CertificateInvalid

VALIDITY_MONTHS = 2


class CertificateRequest(BaseModel):
    """What the lending centre sends to the depositing centre."""

    model_config = ConfigDict(extra="forbid")

    depositor_id: str = Field(min_length=15, max_length=18)
    consent_id: str | None = Field(default=None, max_length=32)
    application_no: str = Field(default="", max_length=40)


class CertificateBody(BaseModel):
    """The certified facts. Field names are part of the signed bytes: never rename casually."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    certificate_no: str
    issuer_member: str
    issuer_centre: str
    addressed_to_member: str
    addressed_to_centre: str
    consent_id: str
    name: str
    masked_id: str
    account_status: AccountStatus
    deposit_base: Decimal
    monthly_amount: Decimal
    balance: Decimal
    first_month: int | None
    latest_month: int | None
    continuous_months: int
    outstanding_loans: int
    settled_loans: int
    issued_at: datetime
    valid_until: date

    def facts(self) -> DepositFacts:
        """The figures the eligibility rules read."""
        return DepositFacts(
            account_status=self.account_status,
            balance=self.balance,
            deposit_base=self.deposit_base,
            monthly_amount=self.monthly_amount,
            first_month=self.first_month,
            latest_month=self.latest_month,
            continuous_months=self.continuous_months,
            outstanding_loans=self.outstanding_loans,
            settled_loans=self.settled_loans,
            valid_until=self.valid_until,
        )


# What the certificate tells the lender about the person (shown in their data-use log).
SHARED_FIELDS = (
    "name", "masked_id", "account_status", "deposit_base", "monthly_amount", "balance",
    "first_month", "latest_month", "continuous_months", "outstanding_loans", "settled_loans",
)


class SignedCertificate(BaseModel):
    """The body as JSON plus the depositing node's signature over its canonical bytes."""

    model_config = ConfigDict(extra="forbid")

    body: dict[str, Any]
    signature: str
    algorithm: str = "Ed25519"


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(issued_on: date) -> date:
    """Last day the certificate may be relied on: two months from issue."""
    return add_months(issued_on, VALIDITY_MONTHS)


def signing_bytes(body: dict[str, Any]) -> bytes:
    """The exact bytes the signature covers."""
    return canonical_json(body)


def sign(body: CertificateBody, sign_bytes: Callable[[bytes], str]) -> SignedCertificate:
    """Sign a body with the depositing node's key (`node.sign`)."""
    data = body.model_dump(mode="json")
    return SignedCertificate(body=data, signature=sign_bytes(signing_bytes(data)))


def fingerprint(certificate: SignedCertificate) -> str:
    """SHA-256 of the signed bytes, shown on pages so both centres can compare copies."""
    return signing.digest(signing_bytes(certificate.body))


def verify(
    certificate: SignedCertificate, *, public_key: Ed25519PublicKey, issuer: str, addressed_to: str
) -> CertificateBody:
    """Verify signature, issuer and addressee; return the typed body or raise CertificateInvalid."""
    if certificate.algorithm != "Ed25519" or not signing.verify(
        public_key, certificate.signature, signing_bytes(certificate.body)
    ):
        raise CertificateInvalid()
    try:
        body = CertificateBody.model_validate(certificate.body)
    except ValidationError as exc:
        raise CertificateInvalid(detail="缴存使用证明内容不完整或格式错误") from exc
    if body.issuer_member != issuer:
        raise CertificateInvalid(detail="缴存使用证明的出具中心与调取对象不一致")
    if body.addressed_to_member != addressed_to:
        raise CertificateInvalid(detail="缴存使用证明不是出具给本中心的")
    return body
