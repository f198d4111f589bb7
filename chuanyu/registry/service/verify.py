"""Verification of any licence of either region, by credit code or by QR payload."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from chuanyu.registry import errors, licence, uscc
from chuanyu.registry.enums import LicenceStatus, VerifyOutcome
from chuanyu.registry.schemas import LicenceRead, VerifyRequest, VerifyResult
from chuanyu.registry.service.issue import facts_of
from chuanyu.registry.service.read import find, get_row, to_read

if TYPE_CHECKING:
    from chuanyu.node import Node

SERVICE = "registry.verify"


def signature_check(node: Node) -> licence.SignatureCheck:
    """Check a signature against a member's key in the federation descriptor."""

    def check(member: str, message: bytes, signature: str) -> bool:
        return node.verify(member, signature, message)

    return check


def _target(request: VerifyRequest) -> tuple[str | None, licence.QrPayload | None, str | None]:
    """(credit code, parsed payload, reason the payload is unreadable)."""
    if request.payload is not None and request.payload.strip():
        try:
            payload = licence.parse_payload(request.payload)
        except licence.PayloadError as exc:
            return None, None, str(exc)
        return payload.uscc, payload, None
    return request.uscc, None, None


def _result(
    assessment: licence.Assessment,
    *,
    code: str | None,
    issuer: str | None,
    checked_by: list[str],
    record: licence.Record | None,
) -> VerifyResult:
    return VerifyResult(
        outcome=assessment.outcome,
        reason=assessment.reason,
        uscc=code,
        issuer_member=issuer,
        checked_by=checked_by,
        facts=record.facts if record else None,
        digest=record.digest if record else None,
        signature=record.signature if record else None,
        status=record.status if record else None,
    )


def verify_local(*, session: Session, node: Node, request: VerifyRequest) -> VerifyResult:
    """Verify against this region's own register (what the issuing side answers)."""
    code, payload, unreadable = _target(request)
    if unreadable is not None or code is None:
        forged = licence.Assessment(VerifyOutcome.FORGED, unreadable or "缺少核验数据")
        return _result(forged, code=None, issuer=None, checked_by=[node.member], record=None)
    row = find(session=session, code=code)
    record = None
    if row is not None:
        record = licence.Record(facts_of(row), row.digest, row.signature, LicenceStatus(row.status))
    assessment = licence.assess(record=record, payload=payload, check=signature_check(node))
    result = _result(
        assessment, code=code, issuer=node.member, checked_by=[node.member], record=record
    )
    if row is not None:
        result.revoked_at = row.revoked_at
        result.licence = to_read(row)
    return result


def verify(*, session: Session, node: Node, request: VerifyRequest) -> VerifyResult:
    """Verify any licence: locally when this region issued it, else through the exchange.

    The answer of the issuing region is checked again here with the same `assess`, against the
    issuer's public key from the federation descriptor, so both regions apply one standard.
    """
    code, payload, unreadable = _target(request)
    if unreadable is not None or code is None:
        return verify_local(session=session, node=node, request=request)
    issuer = payload.issuer if payload is not None else uscc.region_member(code)
    if issuer is None or issuer == node.member:
        if issuer is None and payload is None:
            unknown = licence.Assessment(
                VerifyOutcome.UNKNOWN, "该代码的登记机关不在川渝两地，无法核验"
            )
            return _result(unknown, code=code, issuer=None, checked_by=[node.member], record=None)
        return verify_local(session=session, node=node, request=request)
    check = signature_check(node)
    if payload is not None and not _known_member(node, issuer):
        assessment = licence.assess(record=None, payload=payload, check=check)
        return _result(assessment, code=code, issuer=issuer, checked_by=[node.member], record=None)
    answer = VerifyResult.model_validate(node.exchange.call(issuer, SERVICE, request))
    record = None
    if answer.facts is not None and answer.digest and answer.signature and answer.status:
        record = licence.Record(answer.facts, answer.digest, answer.signature, answer.status)
    assessment = licence.assess(record=record, payload=payload, check=check)
    if record is not None and record.facts.uscc != code:
        assessment = licence.Assessment(VerifyOutcome.FORGED, "登记机关返回的执照与所查代码不符")
    if answer.licence is not None and (record is None or facts_of(answer.licence) != record.facts):
        assessment = licence.Assessment(VerifyOutcome.FORGED, "登记机关返回的执照与签名内容不符")
    result = _result(
        assessment,
        code=code,
        issuer=issuer,
        checked_by=[*answer.checked_by, node.member],
        record=record,
    )
    result.revoked_at = answer.revoked_at
    result.licence = answer.licence if assessment.outcome in _AUTHENTIC else None
    return result


_AUTHENTIC = (VerifyOutcome.VALID, VerifyOutcome.REVOKED)


def fetch(*, session: Session, node: Node, code: str) -> LicenceRead:
    """A licence of either region: from this register, or verified through the exchange.

    The window that received an application for the other region prints the licence for the
    applicant from this; a forged or unknown answer is refused.
    """
    if uscc.region_member(code) in (None, node.member):
        return to_read(get_row(session=session, code=code))
    result = verify(session=session, node=node, request=VerifyRequest(uscc=code))
    if result.outcome not in _AUTHENTIC or result.licence is None:
        raise errors.LicenceNotFound(detail=f"{code}：{result.reason}")
    return result.licence


def _known_member(node: Node, member: str) -> bool:
    return member in node.descriptor.members
