"""Exchange services of the housing fund: the deposit-use certificate, issued on request."""

from __future__ import annotations

from sqlalchemy.orm import Session

from chuanyu.exchange import registry
from chuanyu.housing_fund.certificate import CertificateRequest, SignedCertificate
from chuanyu.housing_fund.service import certify
from chuanyu.node import Node

CERTIFICATE_SERVICE = "housing_fund.certificate"


@registry.service(
    CERTIFICATE_SERVICE, request=CertificateRequest, response=SignedCertificate, idempotent=True
)
def certificate(
    *, session: Session, node: Node, caller: str, request: CertificateRequest
) -> SignedCertificate:
    """Issue a signed deposit-use certificate to the lending centre, or refuse with a code."""
    return certify.issue(session=session, node=node, caller=caller, request=request)
