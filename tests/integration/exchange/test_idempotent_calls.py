"""State-changing service calls under an idempotency key: a retry gets the same answer."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from chuanyu.core import clock
from chuanyu.exchange import envelope, federation, server, signing, wire
from chuanyu.exchange.models import AuditEntry
from chuanyu.exchange.registry import SERVICES
from chuanyu.housing_fund import consent
from chuanyu.housing_fund.generate import generate
from chuanyu.housing_fund.models import Account, Consent, IssuedCertificate
from chuanyu.housing_fund.service import consents

SERVICE = "housing_fund.certificate"


@pytest.fixture
def depositor(db) -> tuple[Any, str]:  # type: ignore[no-untyped-def]
    with db.scope() as session:
        generate(session=session, member="CQ", count=20, seed=5, as_of_month=202006)
    with db.session() as session:
        rid = session.scalars(select(Account.resident_id).order_by(Account.id)).first()
    return db, rid


def sc_key(federation_dir: Path) -> Any:
    return signing.read_private_key(federation.member_key_path(federation_dir, "SC"))


def consent_of(db: Any, depositor_id: str) -> str:
    """A consent the depositor gave on CQ (the node under test) for SC."""
    now = clock.now()
    request = consent.ConsentRequest(
        request_id=uuid.uuid4().hex, service=consent.SERVICE, purpose=consent.PURPOSE,
        depositor_id=depositor_id, applicant_name="测试", application_no="SCD-1",
        lending_member="SC", depositing_member="CQ", issued_at=now,
        expires_at=now + consent.REQUEST_VALIDITY)
    with db.scope() as session:
        return consents.decide(session=session, node=db.node, request=request,
                               grant=True).consent_id


def call_as_sc(federation_dir: Path, node: Any, body: dict[str, Any]) -> server.Answer:
    raw = json.dumps(body, ensure_ascii=False).encode()
    env = envelope.make("SC", "CQ", "call", SERVICE, wire.body_digest(raw))
    headers = env.headers(signing.sign(sc_key(federation_dir), env.signing_bytes()))
    return server.handle_call(node, SERVICE, headers, raw)


def count(db: Any, model: Any) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_certificate_service_is_declared_state_changing(federation_dir) -> None:  # type: ignore[no-untyped-def]
    assert SERVICES[SERVICE].idempotent is True


def test_retry_under_the_same_key_returns_the_issued_certificate(depositor, federation_dir
                                                                  ) -> None:  # type: ignore[no-untyped-def]
    db, rid = depositor
    body = {"depositor_id": rid, "consent_id": consent_of(db, rid),
            "application_no": "SCD20261204AAAAAA",
            "idempotency_key": "hf-cert:SCD20261204AAAAAA:1"}
    first = call_as_sc(federation_dir, db.node, body)
    second = call_as_sc(federation_dir, db.node, body)
    assert first.status == second.status == 200, second.body
    assert second.body == first.body
    # A fresh signed envelope answers the retry's own message.
    assert second.headers["x-chuanyu-message-id"] != first.headers["x-chuanyu-message-id"]
    assert second.headers["x-chuanyu-in-reply-to"] != first.headers["x-chuanyu-in-reply-to"]
    assert count(db, IssuedCertificate) == 1
    assert count(db, Consent) == 1
    with db.session() as session:
        outcomes = list(session.scalars(select(AuditEntry.outcome).where(
            AuditEntry.name == SERVICE, AuditEntry.direction == "in")))
        details = list(session.scalars(select(AuditEntry.detail).where(
            AuditEntry.name == SERVICE, AuditEntry.direction == "in")))
    assert outcomes == ["ok", "ok"]
    assert json.loads(details[-1]).get("replayed") is True


def test_same_key_for_a_different_request_is_refused(depositor, federation_dir
                                                      ) -> None:  # type: ignore[no-untyped-def]
    db, rid = depositor
    token = consent_of(db, rid)
    body = {"depositor_id": rid, "consent_id": token, "application_no": "SCD20261204BBBBBB",
            "idempotency_key": "hf-cert:shared"}
    assert call_as_sc(federation_dir, db.node, body).status == 200
    other = call_as_sc(federation_dir, db.node, {**body, "application_no": "SCD20261204CCCCCC"})
    assert other.status == 409
    assert json.loads(other.body)["code"] == "idempotency_mismatch"
    assert count(db, IssuedCertificate) == 1


def test_without_a_key_a_second_call_still_finds_the_consent_used(depositor, federation_dir
                                                                  ) -> None:  # type: ignore[no-untyped-def]
    db, rid = depositor
    body = {"depositor_id": rid, "consent_id": consent_of(db, rid),
            "application_no": "SCD20261204DDDDDD"}
    assert call_as_sc(federation_dir, db.node, body).status == 200
    again = call_as_sc(federation_dir, db.node, body)
    assert json.loads(again.body)["code"] == "consent_used"
    assert count(db, IssuedCertificate) == 1


def test_malformed_key_is_refused_with_its_field(depositor, federation_dir
                                                 ) -> None:  # type: ignore[no-untyped-def]
    db, rid = depositor
    body = {"depositor_id": rid, "consent_id": consent_of(db, rid),
            "idempotency_key": "含有空格 的键"}
    answer = call_as_sc(federation_dir, db.node, body)
    problem = json.loads(answer.body)
    assert answer.status == 422 and problem["code"] == "bad_payload"
    assert [e["field"] for e in problem["errors"]] == ["idempotency_key"]
    assert count(db, IssuedCertificate) == 0


def test_concurrent_retries_issue_one_certificate(depositor, federation_dir
                                                  ) -> None:  # type: ignore[no-untyped-def]
    db, rid = depositor
    body = {"depositor_id": rid, "consent_id": consent_of(db, rid),
            "application_no": "SCD20261204EEEEEE", "idempotency_key": "hf-cert:race"}
    answers: list[server.Answer] = []
    start = threading.Barrier(4)

    def send() -> None:
        start.wait()
        answers.append(call_as_sc(federation_dir, db.node, body))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status for a in answers] == [200] * 4, [a.body for a in answers]
    assert len({a.body for a in answers}) == 1
    assert count(db, IssuedCertificate) == 1
