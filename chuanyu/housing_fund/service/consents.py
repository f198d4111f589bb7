"""Home side: the depositor grants, refuses or revokes; the certificate service spends a consent.

Every decision travels to the requesting centre on the `housing_fund.consents` stream, written
in the same transaction as the consent row, so the lender learns of it exactly once.
"""

from __future__ import annotations

import uuid
from datetime import UTC
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.exchange import outbox
from chuanyu.housing_fund import consent
from chuanyu.housing_fund.consent import ConsentClaims, ConsentRequest
from chuanyu.housing_fund.enums import ConsentStatus
from chuanyu.housing_fund.errors import (
    ConsentExpired,
    ConsentInvalid,
    ConsentMissing,
    ConsentOtherPerson,
    ConsentRevoked,
    ConsentUsed,
    NotYourRequest,
    WrongState,
)
from chuanyu.housing_fund.models import Consent
from chuanyu.node import Node


def open_request(node: Node, token: str, *, subject_id: str | None) -> ConsentRequest:
    """The consent request behind a link, checked: signed by its lender, addressed to this
    node, unexpired, and made for the signed-in citizen."""
    claimed = consent.peek(token, ConsentRequest)
    try:
        key = node.descriptor.public_key(claimed.lending_member)
    except KeyError as exc:
        raise ConsentInvalid(detail="发起授权请求的不是联邦成员") from exc
    request = consent.verify_request(token, public_key=key, me=node.member, now=clock.now())
    if (subject_id or "").strip().upper() != request.depositor_id.upper():
        raise NotYourRequest()
    return request


def decided(*, session: Session, request_id: str) -> Consent | None:
    """The decision already taken on a request, if any."""
    return session.scalar(select(Consent).where(Consent.request_id == request_id))


def claims_of(row: Consent) -> ConsentClaims:
    """The signed claims of a stored consent."""
    return ConsentClaims(
        consent_id=row.consent_id,
        request_id=row.request_id,
        service=row.service,
        purpose=row.purpose,
        depositor_id=row.resident_id,
        lending_member=row.requesting_member,
        depositing_member="",
        application_no=row.application_no,
        issued_at=row.issued_at.astimezone(UTC),
        expires_at=row.expires_at.astimezone(UTC),
    )


def _claims(node: Node, row: Consent) -> ConsentClaims:
    return claims_of(row).model_copy(update={"depositing_member": node.member})


def decide(
    *, session: Session, node: Node, request: ConsentRequest, grant: bool
) -> Consent:
    """Issue the consent (or record the refusal) and tell the requesting centre."""
    if decided(session=session, request_id=request.request_id) is not None:
        raise WrongState(detail="您已对该授权请求作出决定")
    now = clock.now()
    row = Consent(
        consent_id=uuid.uuid4().hex,
        request_id=request.request_id,
        resident_id=request.depositor_id.upper(),
        requesting_member=request.lending_member,
        service=request.service,
        purpose=request.purpose[:200],
        application_no=request.application_no,
        status=ConsentStatus.GRANTED if grant else ConsentStatus.REFUSED,
        issued_at=now,
        expires_at=now + consent.CONSENT_VALIDITY,
        signature="",
    )
    row.signature = node.sign(consent.claims_bytes(_claims(node, row)))
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # the same request decided at the same moment elsewhere
        raise WrongState(detail="您已对该授权请求作出决定") from exc
    _publish(
        session=session,
        node=node,
        row=row,
        event_type="consent.granted" if grant else "consent.refused",
    )
    return row


def revoke(*, session: Session, node: Node, consent_id: str, subject_id: str) -> Consent:
    """Withdraw an unused consent of the signed-in citizen."""
    row = session.get(Consent, consent_id)
    if row is None or row.resident_id != subject_id.strip().upper():
        raise ConsentMissing(detail="未找到您的这项授权")
    if row.status != ConsentStatus.GRANTED:
        raise WrongState(detail="只能撤回尚未使用的授权")
    row.status, row.revoked_at = ConsentStatus.REVOKED, clock.now()
    session.flush()
    _publish(session=session, node=node, row=row, event_type="consent.revoked")
    return row


def _publish(*, session: Session, node: Node, row: Consent, event_type: str) -> None:
    payload: dict[str, Any] = {
        **_claims(node, row).model_dump(mode="json"),
        "status": row.status,
        "signature": row.signature,
    }
    outbox.publish(session=session, stream=consent.STREAM, event_type=event_type, payload=payload)


def of_subject(*, session: Session, subject_id: str) -> list[Consent]:
    """A citizen's consents and refusals at this centre, newest first."""
    query = (
        select(Consent)
        .where(Consent.resident_id == subject_id.strip().upper())
        .order_by(Consent.issued_at.desc())
    )
    return list(session.scalars(query))


def use(
    *, session: Session, node: Node, caller: str, depositor_id: str, consent_id: str | None
) -> Consent:
    """Spend a consent for one certificate, or refuse with the consent's own code.

    Checked before the depositor is looked up, so a caller without a consent learns nothing
    about whether the person is a depositor here. A consent issued to another member is, to
    the caller, no consent at all.
    """
    row = session.get(Consent, consent_id) if consent_id else None
    if (
        row is None
        or row.requesting_member != caller
        or row.service != consent.SERVICE
        or row.status == ConsentStatus.REFUSED
        or not consent.claims_signed(
            _claims(node, row), row.signature, node.descriptor.public_key(node.member)
        )
    ):
        raise ConsentMissing()
    if row.resident_id != depositor_id.strip().upper():
        raise ConsentOtherPerson()
    if row.status == ConsentStatus.REVOKED:
        raise ConsentRevoked()
    if row.status == ConsentStatus.USED:
        raise ConsentUsed()
    if clock.now() >= row.expires_at:
        raise ConsentExpired()
    spent = session.execute(
        update(Consent)
        .where(Consent.consent_id == row.consent_id, Consent.status == ConsentStatus.GRANTED)
        .values(status=ConsentStatus.USED, used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if getattr(spent, "rowcount", 1) != 1:  # a concurrent request spent it first
        raise ConsentUsed()
    session.refresh(row)
    return row
