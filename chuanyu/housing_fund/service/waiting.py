"""Lending side: applications wait for the depositor's consent, then for their certificate.

The depositor's home centre tells this centre of each decision on the `housing_fund.consents`
stream; a granted consent makes the application due for a fetch, which the background fetcher
(tasks.py) makes, retrying with backoff while the home centre cannot be reached.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.domains import optional_module
from chuanyu.housing_fund import consent
from chuanyu.housing_fund.consent import ConsentClaims, ConsentRequest
from chuanyu.housing_fund.enums import ApplicationStatus
from chuanyu.housing_fund.errors import ApplicationNotFound, ConsentInvalid
from chuanyu.housing_fund.models import Application
from chuanyu.node import Node

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 60.0


def apply_decision(
    *, session: Session, node: Node, producer: str, event_type: str, payload: dict[str, Any]
) -> None:
    """Apply a consent decision from the depositor's home centre (in the inbox transaction).

    Only the home centre the application names may decide on it, only for this centre's
    current request, and a granted consent must carry that centre's signature.
    """
    signature = str(payload.get("signature", ""))
    try:
        claims = ConsentClaims.model_validate(
            {k: v for k, v in payload.items() if k not in ("status", "signature")}
        )
    except ValidationError:
        log.warning("malformed consent decision from %s ignored", producer)
        return
    app = session.scalar(
        select(Application).where(Application.application_no == claims.application_no)
    )
    if app is None or not _current_request(app, producer, claims):
        log.warning("consent %s from %s matches no waiting request here", claims.consent_id,
                    producer)
        return
    if not consent.claims_signed(claims, signature, node.descriptor.public_key(producer)):
        log.warning("consent %s from %s is not signed by it", claims.consent_id, producer)
        return
    now = clock.now()
    if event_type == "consent.granted" and app.status == ApplicationStatus.AWAITING_CONSENT:
        app.consent_id, app.consent_expires_at = claims.consent_id, claims.expires_at
        app.status = ApplicationStatus.SUBMITTED
        app.fetch_attempted_at, app.fetch_attempts = None, 0
        notify_consent(session=session, app=app, granted=True)
    elif event_type == "consent.refused" and app.status == ApplicationStatus.AWAITING_CONSENT:
        _stop(app, "consent_refused", "缴存职工在缴存地拒绝了授权")
        notify_consent(session=session, app=app, granted=False)
    elif event_type == "consent.revoked" and app.consent_id == claims.consent_id and (
        app.status == ApplicationStatus.SUBMITTED
    ):
        _stop(app, "consent_revoked", "缴存职工在缴存地撤回了授权")
        notify_consent(session=session, app=app, granted=False)
    else:
        return
    app.updated_at = now
    session.flush()
    wake_fetcher_after_commit(session=session, node=node)


def wake_fetcher_after_commit(*, session: Session, node: Node) -> None:
    """Let the background fetcher look for due fetches as soon as this transaction commits."""
    fetcher = node.extras.get("housing_fund.fetcher")
    if fetcher is not None:
        event.listen(session, "after_commit", lambda _s: fetcher.wake(), once=True)


def _current_request(app: Application, producer: str, claims: ConsentClaims) -> bool:
    try:
        request = consent.peek(app.consent_token, ConsentRequest)
    except ConsentInvalid:
        return False
    return (
        producer == app.depositing_member
        and claims.request_id == request.request_id
        and claims.depositor_id.upper() == app.resident_id.upper()
    )


def _stop(app: Application, code: str, detail: str) -> None:
    app.status = ApplicationStatus.CONSENT_REFUSED
    app.refusal_code, app.refusal_detail = code, detail


def notify_consent(*, session: Session, app: Application, granted: bool) -> None:
    """Tell the applicant and the fund officers that the depositor decided (the one place
    consent notices are sent from)."""
    if granted:
        subject = f"贷款申请 {app.application_no}：缴存职工已授权"
        body = "缴存职工已在缴存地授权，正在向缴存地调取缴存使用证明。"
    else:
        subject = f"贷款申请 {app.application_no}：缴存职工未授权"
        body = app.refusal_detail or "缴存职工未授权。"
    notices = optional_module("chuanyu.notices.service")
    if notices is None:
        log.info("%s: %s", subject, body)
        return
    # The officers of this centre, and the applicant's own accounts here (a counter filing
    # reaches the officer who filed it through the role).
    recipients = [notices.role_address("fund_officer"), notices.subject_address(app.resident_id)]
    for recipient in recipients:
        notices.notify(session=session, recipient=recipient, kind="consent", subject=subject,
                       body=body, link=f"/housing_fund/applications/{app.application_no}",
                       key=f"consent:{app.application_no}:{app.consent_id or app.refusal_code}")


def backoff(node: Node, attempts: int) -> timedelta:
    """How long after its last attempt an unanswered fetch is tried again."""
    base = node.settings.certificate_fetch_backoff_s
    return timedelta(seconds=min(MAX_BACKOFF_S, base * 2 ** max(0, attempts - 1)))


def due_fetches(*, session: Session, node: Node, now: datetime, limit: int = 20) -> list[str]:
    """Applications whose consent was granted and whose certificate should be fetched now."""
    rows = session.execute(
        select(Application.application_no, Application.fetch_attempts,
               Application.fetch_attempted_at)
        .where(Application.status == ApplicationStatus.SUBMITTED,
               Application.consent_id.is_not(None))
        .order_by(Application.updated_at)
        .limit(limit * 5)
    ).all()
    due = [number for number, attempts, at in rows
           if at is None or now >= at + backoff(node, attempts or 0)]
    return due[:limit]


def request_fetch(*, session: Session, application_no: str) -> Application:
    """Ask for a fetch now (an officer's retry): the fetcher takes it at its next round."""
    app = session.scalar(select(Application).where(Application.application_no == application_no))
    if app is None:
        raise ApplicationNotFound()
    if app.status == ApplicationStatus.SUBMITTED:
        app.fetch_attempted_at = None
        session.flush()
    return app
