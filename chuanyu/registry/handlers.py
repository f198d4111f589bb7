"""Exchange services of business registration: verify a licence, check a name."""

from __future__ import annotations

from sqlalchemy.orm import Session

from chuanyu.exchange.registry import service
from chuanyu.node import Node
from chuanyu.registry import service as registry_service
from chuanyu.registry.schemas import NameCheck, NameCheckResult, VerifyRequest, VerifyResult
from chuanyu.registry.service.names import NAME_SERVICE
from chuanyu.registry.service.verify import SERVICE as VERIFY_SERVICE


@service(VERIFY_SERVICE, request=VerifyRequest, response=VerifyResult)
def verify_licence(
    *, session: Session, node: Node, caller: str, request: VerifyRequest
) -> VerifyResult:
    """Answer another region's verification from this region's register."""
    del caller  # every member may verify; the exchange has checked who is asking
    return registry_service.verify_local(session=session, node=node, request=request)


@service(NAME_SERVICE, request=NameCheck, response=NameCheckResult)
def check_name(*, session: Session, node: Node, caller: str, request: NameCheck) -> NameCheckResult:
    """Tell the other region's window whether a name is free in this region."""
    del caller
    return registry_service.name_status(session=session, name=request.name, region=node.member)
