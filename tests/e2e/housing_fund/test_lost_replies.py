"""A lost reply does not spend the depositor's consent: retries reuse the idempotency key.

CQ lends to an SC depositor, who consents on SC; a TCP proxy in front of SC lets the
certificate request through and closes the connection before SC's reply gets back, so CQ cannot
know whether SC issued it. CQ's background fetcher retries under the same key.
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


def grant_at_home(fed: LiveFederation, pending: dict[str, Any], rid: str) -> None:
    """The depositor consents on SC, their home node (not behind the proxy)."""
    reply = httpx.post(f"{fed.sc.url}/housing_fund/consent",
                       data={"request": pending["consent_request"], "decision": "grant"},
                       headers=fed.sc.headers("citizen", rid), timeout=30)
    assert reply.status_code == 303, reply.text


def decided(fed: LiveFederation, number: str) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def done() -> bool:
        found.update(httpx.get(f"{fed.cq.url}/api/housing_fund/applications/{number}",
                               headers=fed.cq.headers("fund_officer")).json())
        return found["status"] in ("approved", "rejected", "fetch_refused")

    fed.wait_until(done, timeout=60, message=f"{number} decided")
    return found


def test_automatic_retry_after_a_lost_reply_gets_the_issued_certificate(lossy) -> None:  # type: ignore[no-untyped-def]
    fed, proxy = lossy
    body = application(0)
    response = apply(fed, body)
    assert response.status_code == 201, response.text
    pending = response.json()
    assert pending["status"] == "awaiting_consent"
    before = proxy.dropped
    proxy.drop_next(1)
    grant_at_home(fed, pending, body["resident_id"])
    result = decided(fed, pending["application_no"])
    assert proxy.dropped == before + 1
    assert result["certificate_verified"] is True, result
    assert result["status"] in ("approved", "rejected")
    assert result["fetch_attempts"] == 2 and result["fetch_outcome"] == "ok"
    assert issued_for(fed, result["application_no"]) == [result["certificate_no"]]
    assert "consent_used" not in sc_outcomes(fed)


def test_background_retries_after_lost_replies_reuse_the_key(lossy) -> None:  # type: ignore[no-untyped-def]
    fed, proxy = lossy
    body = application(1)
    pending = apply(fed, body).json()
    proxy.drop_next(ATTEMPTS)
    grant_at_home(fed, pending, body["resident_id"])
    done = decided(fed, pending["application_no"])
    issued = issued_for(fed, pending["application_no"])
    assert len(issued) == 1  # SC issued it once; only the replies were lost
    assert done["certificate_verified"] is True and done["certificate_no"] == issued[0]
    assert done["fetch_attempts"] == ATTEMPTS + 1
    assert "consent_used" not in sc_outcomes(fed)
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


def applications_of(fed: LiveFederation, resident_id: str) -> list[str]:
    with fed.cq.session() as session:
        return list(session.scalars(select(Application.application_no).where(
            Application.resident_id == resident_id).order_by(Application.id)))
