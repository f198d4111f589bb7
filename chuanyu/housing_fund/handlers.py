"""Exchange services and streams of the housing fund: the deposit-use certificate, issued on
request with a consent the depositor gave at home, and those consents reaching the lender."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.exchange import registry
from chuanyu.exchange.registry import Ownership, PersonalData
from chuanyu.housing_fund import consent
from chuanyu.housing_fund.certificate import SHARED_FIELDS, CertificateRequest, SignedCertificate
from chuanyu.housing_fund.models import Application
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


def consent_issuer(event_type: str, payload: dict[str, Any]) -> list[str]:
    """A consent decision is the word of the home centre that issued (or refused) it."""
    del event_type
    return [str(payload["depositing_member"])]


def application_home(session: Session, event_type: str, payload: dict[str, Any]) -> list[str]:
    """The home centre named on the application here the decision is about."""
    del event_type
    number = str(payload["application_no"])
    home = session.scalar(
        select(Application.depositing_member).where(Application.application_no == number)
    )
    return [] if home is None else [home]


@registry.stream(consent.STREAM, owner=Ownership(claimed=consent_issuer, stored=application_home))
def consent_decided(
    *, session: Session, node: Node, producer: str, event_type: str, payload: dict[str, Any],
    **_: Any,
) -> None:
    """The depositor granted, refused or revoked at their home centre: the application waiting
    for it here moves on."""
    waiting.apply_decision(
        session=session, node=node, producer=producer, event_type=event_type, payload=payload
    )
