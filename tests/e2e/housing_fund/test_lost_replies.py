"""A lost reply does not spend the depositor's consent: retries reuse the idempotency key.

CQ lends to an SC depositor; a TCP proxy in front of SC lets the certificate request through
and closes the connection before SC's reply gets back, so CQ cannot know whether SC issued it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from chuanyu.exchange import federation
from chuanyu.exchange.models import AuditEntry
from chuanyu.exchange.registry import SERVICES, STREAMS
from chuanyu.housing_fund.demo import demo_depositors, load_demo
from chuanyu.housing_fund.models import Application, IssuedCertificate
from tests.support.nodes import LiveFederation
from tests.support.proxy import ReplyDropper

SERVICE = "housing_fund.certificate"
ATTEMPTS = 3


@pytest.fixture(scope="module")
def lossy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveFederation,
                                                                       ReplyDropper]]:
    root: Path = tmp_path_factory.mktemp("lossy")
    fed = LiveFederation(root, extra_env={"CHUANYU_CERTIFICATE_FETCH_ATTEMPTS": str(ATTEMPTS),
                                          "CHUANYU_CERTIFICATE_FETCH_BACKOFF_S": "0.05"})
    proxy = ReplyDropper(fed.sc.port, marker=f"/exchange/call/{SERVICE}".encode())
    # Everything CQ sends to SC goes through the proxy.
    federation.init(root / "federation", urls={"CQ": fed.cq.url, "SC": proxy.url},
                    services={m: sorted(SERVICES) for m in ("CQ", "SC")},
                    streams={m: sorted(STREAMS) for m in ("CQ", "SC")})
    try:
        fed.start()
        for live in (fed.cq, fed.sc):
            with live.session() as session:
                load_demo(session, live.node, population=30)
        yield fed, proxy
    finally:
        fed.stop()
        proxy.close()


def application(index: int) -> dict[str, Any]:
    rid, name, *_ = demo_depositors("SC")[index]
    return {"resident_id": rid, "applicant_name": name, "depositing_member": "SC",
            "amount": "300000", "term_years": 20, "method": "annuity", "home": "first",
            "property_kind": "new", "property_price": "900000", "monthly_income": "15000",
            "consent": True}


def apply(fed: LiveFederation, body: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.post(f"{fed.cq.url}/api/housing_fund/applications", json=body,
                      headers={**fed.cq.headers("fund_officer"), **headers}, timeout=60)


def issued_for(fed: LiveFederation, application_no: str) -> list[str]:
    with fed.sc.session() as session:
        return list(session.scalars(select(IssuedCertificate.certificate_no).where(
            IssuedCertificate.application_no == application_no)))


def sc_outcomes(fed: LiveFederation) -> list[str]:
    with fed.sc.session() as session:
        return list(session.scalars(select(AuditEntry.outcome).where(
            AuditEntry.name == SERVICE, AuditEntry.direction == "in")))


def test_automatic_retry_after_a_lost_reply_gets_the_issued_certificate(lossy) -> None:  # type: ignore[no-untyped-def]
    fed, proxy = lossy
    before = proxy.dropped
    proxy.drop_next(1)
    response = apply(fed, application(0))
    assert response.status_code == 201, response.text
    result = response.json()
    assert proxy.dropped == before + 1
    assert result["certificate_verified"] is True, result
    assert result["status"] in ("approved", "rejected")
    assert result["fetch_attempts"] == 2 and result["fetch_outcome"] == "ok"
    assert issued_for(fed, result["application_no"]) == [result["certificate_no"]]
    assert "consent_reused" not in sc_outcomes(fed)


def test_officer_retry_after_lost_replies_reuses_the_key(lossy) -> None:  # type: ignore[no-untyped-def]
    fed, proxy = lossy
    proxy.drop_next(ATTEMPTS)
    response = apply(fed, application(1))
    assert response.status_code == 201, response.text
    pending = response.json()
    assert pending["status"] == "submitted"
    assert pending["fetch_outcome"] == "unknown" and pending["fetch_attempts"] == ATTEMPTS
    issued = issued_for(fed, pending["application_no"])
    assert len(issued) == 1  # SC did issue it; only the replies were lost
    officer = fed.cq.headers("fund_officer")
    retried = httpx.post(f"{fed.cq.url}/api/housing_fund/applications/"
                         f"{pending['application_no']}/fetch", headers=officer, timeout=60)
    assert retried.status_code == 200, retried.text
    done = retried.json()
    assert done["certificate_verified"] is True and done["certificate_no"] == issued[0]
    assert issued_for(fed, pending["application_no"]) == issued
    assert "consent_reused" not in sc_outcomes(fed)
    with fed.cq.session() as session:
        key = session.scalar(select(Application.fetch_key).where(
            Application.application_no == pending["application_no"]))
    assert key and pending["application_no"] in key


def test_replayed_application_request_creates_one_application(lossy) -> None:  # type: ignore[no-untyped-def]
    fed, _proxy = lossy
    body = application(0)
    before = applications_of(fed, body["resident_id"])
    first = apply(fed, body, **{"Idempotency-Key": "apply-sc-0"})
    again = apply(fed, body, **{"Idempotency-Key": "apply-sc-0"})
    assert first.status_code == again.status_code == 201, again.text
    assert again.headers.get("idempotent-replayed") == "true"
    assert "idempotent-replayed" not in first.headers
    assert again.json() == first.json()
    number = first.json()["application_no"]
    assert applications_of(fed, body["resident_id"]) == [*before, number]
    assert len(issued_for(fed, number)) == 1


def applications_of(fed: LiveFederation, resident_id: str) -> list[str]:
    with fed.cq.session() as session:
        return list(session.scalars(select(Application.application_no).where(
            Application.resident_id == resident_id).order_by(Application.id)))
