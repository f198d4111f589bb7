"""Exchange services and streams of the housing fund: the deposit-use certificate, issued on
request with a consent the depositor gave at home, and those consents reaching the lender."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from chuanyu.exchange import registry
from chuanyu.exchange.registry import PersonalData
from chuanyu.housing_fund import consent
from chuanyu.housing_fund.certificate import SHARED_FIELDS, CertificateRequest, SignedCertificate
from chuanyu.housing_fund.service import certify, waiting
from chuanyu.node import Node

CERTIFICATE_SERVICE = "housing_fund.certificate"


def _basis(request: dict[str, Any]) -> str:
    consent_id = request.get("consent_id")
    return f"consent:{consent_id}" if consent_id else ""


registry.personal_data(
    CERTIFICATE_SERVICE,
    PersonalData(
        subject=lambda request: str(request["depositor_id"]),
        basis=_basis,
        fields=SHARED_FIELDS,
        purpose=consent.PURPOSE,
        recipient="住房公积金管理中心",
    ),
)


@registry.service(
    CERTIFICATE_SERVICE, request=CertificateRequest, response=SignedCertificate, idempotent=True
)
def certificate(
    *, session: Session, node: Node, caller: str, request: CertificateRequest
) -> SignedCertificate:
    """Issue a signed deposit-use certificate to the lending centre, or refuse with a code."""
    return certify.issue(session=session, node=node, caller=caller, request=request)


@registry.stream(consent.STREAM)
def consent_decided(
    *, session: Session, node: Node, producer: str, event_type: str, payload: dict[str, Any],
    **_: Any,
) -> None:
    """The depositor granted, refused or revoked at their home centre: the application waiting
    for it here moves on."""
    waiting.apply_decision(
        session=session, node=node, producer=producer, event_type=event_type, payload=payload
    )
