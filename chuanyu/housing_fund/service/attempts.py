"""The lender's certificate fetch attempts: each recorded before it is sent, retried under one
idempotency key while its outcome is unknown."""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.db import UnitOfWork
from chuanyu.exchange.client import ExchangeRefused, PeerUnavailable
from chuanyu.exchange.signing import digest
from chuanyu.housing_fund.certificate import CertificateRequest
from chuanyu.housing_fund.errors import ApplicationNotFound
from chuanyu.housing_fund.models import Application
from chuanyu.node import Node

SERVICE = "housing_fund.certificate"
KEY_LENGTH = 64  # the exchange's token length

log = logging.getLogger(__name__)


def fetch_key(app: Application) -> str:
    """The idempotency key of every fetch under the application's current consent.

    Stable across retries, so a retry after a lost reply is answered with the certificate
    already issued; a renewed consent is a new request and gets a new key.
    """
    key = f"{app.application_no}:{app.consent_id}"
    if len(key) > KEY_LENGTH:
        key = "cert:" + digest(key.encode())[: KEY_LENGTH - 5]
    return key


def send(
    *,
    units: UnitOfWork,
    node: Node,
    application_no: str,
    member: str,
    request: CertificateRequest,
    key: str,
    attempts: int | None = None,
) -> dict[str, Any]:
    """Call the depositing centre under `key`, recording each attempt (in a unit of work of
    its own, committed) before it is sent and its failure after; no transaction is open during
    the call.

    A timeout or a connection lost after sending leaves the outcome unknown: the certificate
    may have been issued. Retrying under the same key is safe, so this retries with backoff
    up to the configured number of attempts before giving up with PeerUnavailable.
    """
    attempts = max(1, attempts or node.settings.certificate_fetch_attempts)
    for attempt in range(1, attempts + 1):
        with units() as session:
            note_attempt(session=session, application_no=application_no, key=key)
        try:
            return node.exchange.call(member, SERVICE, request, idempotency_key=key)
        except PeerUnavailable as exc:
            outcome = "unknown" if exc.maybe_delivered else "unreachable"
            last = exc
        except ExchangeRefused as refused:
            if refused.code != "unavailable":  # only a storage failure there is worth retrying
                raise
            outcome, last = "unreachable", PeerUnavailable(refused.detail, maybe_delivered=False)
        with units() as session:
            reload_open(session=session, application_no=application_no).fetch_outcome = outcome
        log.warning("certificate fetch %s attempt %d/%d: %s (%s)", application_no, attempt,
                    attempts, outcome, last.detail)
        if attempt < attempts:
            time.sleep(node.settings.certificate_fetch_backoff_s * 2 ** (attempt - 1))
    raise last


def note_attempt(*, session: Session, application_no: str, key: str) -> None:
    """Record that a fetch is being sent: until it is answered, its outcome is unknown (the
    caller commits before sending)."""
    app = reload_open(session=session, application_no=application_no)
    app.fetch_key = key
    app.fetch_attempts = (app.fetch_attempts or 0) + 1
    app.fetch_outcome = "sending"
    app.fetch_attempted_at = clock.now()
    session.flush()


def reload_open(*, session: Session, application_no: str) -> Application:
    """Re-read the application for update once the remote call is over."""
    query = select(Application).where(Application.application_no == application_no)
    if session.get_bind().dialect.name != "sqlite":  # SQLite's BEGIN IMMEDIATE already locks
        query = query.with_for_update()
    app = session.scalar(query.execution_options(populate_existing=True))
    if app is None:
        raise ApplicationNotFound()
    return app
