"""Consent granted at home, on two live nodes: the depositor decides on CQ, the certificate
service honours only CQ's own consents, and the depositor's data-use log on CQ is the audit log."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from html import unescape
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from sqlalchemy import func, select

from chuanyu.core import clock
from chuanyu.exchange.client import ExchangeRefused
from chuanyu.exchange.models import AuditEntry
from chuanyu.housing_fund import consent
from chuanyu.housing_fund.certificate import CertificateRequest
from chuanyu.housing_fund.consent import ConsentRequest
from chuanyu.housing_fund.demo import demo_depositors, load_demo
from chuanyu.housing_fund.enums import AccountStatus, Sex
from chuanyu.housing_fund.identifiers import make_resident_id
from chuanyu.housing_fund.models import Account, IssuedCertificate
from chuanyu.housing_fund.service import consents, waiting
from tests.support.nodes import LiveFederation

SERVICE = "housing_fund.certificate"


@pytest.fixture(scope="module")
def fed(live_nodes: LiveFederation) -> LiveFederation:
    for member in ("CQ", "SC"):
        live = live_nodes[member]
        with live.session() as session:
            load_demo(session, live.node, population=30)
    return live_nodes


def depositor(fed: LiveFederation, index: int) -> tuple[str, str]:
    """The resident ID and name of one of CQ's normal accounts."""
    with fed.cq.session() as session:
        row = session.scalars(select(Account).where(Account.status == AccountStatus.NORMAL)
                              .order_by(Account.id).offset(index).limit(1)).one()
        return row.resident_id, row.name


def form(resident_id: str, name: str, **kw: Any) -> dict[str, Any]:
    body = {"resident_id": resident_id, "applicant_name": name, "depositing_member": "CQ",
            "amount": "300000", "term_years": "20", "method": "annuity", "home": "first",
            "property_kind": "new", "property_price": "900000", "monthly_income": "15000",
            "building_age_years": "0", "consent": "yes"}
    body.update(kw)
    return body


def apply_api(fed: LiveFederation, rid: str, name: str) -> dict[str, Any]:
    """Apply at SC through the API; the application waits for consent."""
    body = {**form(rid, name), "term_years": 20, "consent": True}
    reply = httpx.post(f"{fed.sc.url}/api/housing_fund/applications", json=body,
                       headers=fed.sc.headers("citizen", rid), timeout=30)
    assert reply.status_code == 201, reply.text
    data: dict[str, Any] = reply.json()
    assert data["status"] == "awaiting_consent" and data["consent_id"] is None
    return data


def decide(fed: LiveFederation, rid: str, token: str, decision: str = "grant") -> httpx.Response:
    return httpx.post(f"{fed.cq.url}/housing_fund/consent",
                      data={"request": token, "decision": decision},
                      headers=fed.cq.headers("citizen", rid), timeout=30)


def sc_status(fed: LiveFederation, number: str) -> dict[str, Any]:
    reply = httpx.get(f"{fed.sc.url}/api/housing_fund/applications/{number}",
                      headers=fed.sc.headers("fund_officer"), timeout=30)
    result: dict[str, Any] = reply.json()
    return result


def wait_status(fed: LiveFederation, number: str, *states: str) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def reached() -> bool:
        found.update(sc_status(fed, number))
        return found["status"] in states

    fed.wait_until(reached, timeout=60, message=f"{number} in {states}")
    return found


def refused(fed: LiveFederation, request: CertificateRequest) -> ExchangeRefused:
    with pytest.raises(ExchangeRefused) as caught:
        fed.sc.node.exchange.call("CQ", SERVICE, request)
    return caught.value


def issued_count(fed: LiveFederation) -> int:
    with fed.cq.session() as session:
        return session.scalar(select(func.count()).select_from(IssuedCertificate)) or 0


def granted_consent(fed: LiveFederation, rid: str, *, application_no: str = "SCD-TEST",
                    at: Any = None) -> str:
    """A consent CQ issued for `rid` to SC (issued at `at`, default now)."""
    now = at or clock.now()
    request = ConsentRequest(
        request_id=random.randbytes(16).hex(), service=consent.SERVICE, purpose=consent.PURPOSE,
        depositor_id=rid, applicant_name="测试", application_no=application_no,
        lending_member="SC", depositing_member="CQ", issued_at=now,
        expires_at=now + consent.REQUEST_VALIDITY)
    with clock.freeze(now), fed.cq.session() as session:
        row = consents.decide(session=session, node=fed.cq.node, request=request, grant=True)
        return row.consent_id


def test_full_consent_flow_through_pages(fed: LiveFederation) -> None:
    rid, name, *_ = demo_depositors("CQ")[0]
    applicant = fed.sc.headers("citizen", rid)
    sent = httpx.post(f"{fed.sc.url}/housing_fund/apply", data=form(rid, name),
                      headers=applicant, timeout=30)
    assert sent.status_code == 303, sent.text
    number = sent.headers["location"].rsplit("/", 1)[-1]
    page = httpx.get(f"{fed.sc.url}{sent.headers['location']}", headers=applicant).text
    assert 'data-status="awaiting_consent"' in page and 'data-consent="waiting"' in page
    assert "<svg" in page  # the QR code
    found = re.search(r'href="([^"]+)" id="consent-url"', page)
    assert found is not None
    link = unescape(found.group(1))
    assert link.startswith(f"{fed.cq.url}/housing_fund/consent?request=")

    # Someone else signed in at CQ cannot decide on it.
    other, *_ = demo_depositors("CQ")[1]
    assert httpx.get(link, headers=fed.cq.headers("citizen", other)).status_code == 403
    # The depositor sees who asks, why, and their own values.
    preview = httpx.get(link, headers=fed.cq.headers("citizen", rid))
    assert preview.status_code == 200, preview.text[-600:]
    assert "（SC）" in preview.text and name in preview.text
    assert 'id="shared-balance"' in preview.text
    granted = decide(fed, rid, unquote(link.split("request=", 1)[1]))
    assert granted.status_code == 303 and granted.headers["location"] == "/housing_fund/data-log"

    done = wait_status(fed, number, "approved", "rejected")
    assert done["status"] == "approved" and done["certificate_verified"] is True
    assert done["certificate"]["consent_id"] == done["consent_id"]
    officer_page = httpx.get(f"{fed.sc.url}/housing_fund/applications/{number}",
                             headers=fed.sc.headers("fund_officer")).text
    assert 'data-consent="granted"' in officer_page

    log = httpx.get(f"{fed.cq.url}/housing_fund/data-log", headers=fed.cq.headers("citizen", rid))
    assert 'data-service="housing_fund.certificate" data-outcome="ok"' in log.text
    assert "账户余额" in log.text and "本人授权" in log.text
    exported = httpx.get(f"{fed.cq.url}/housing_fund/data-log.json",
                         headers=fed.cq.headers("citizen", rid)).json()
    assert [u["consent_id"] for u in exported["uses"] if u["outcome"] == "ok"] == [
        done["consent_id"]]
    assert name not in str(exported)  # field names, never values
    pdf = httpx.get(f"{fed.cq.url}/housing_fund/data-log.pdf",
                    headers=fed.cq.headers("citizen", rid), timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_refused_consent_stops_the_application_until_asked_again(fed: LiveFederation) -> None:
    rid, name = depositor(fed, 5)
    app = apply_api(fed, rid, name)
    assert decide(fed, rid, app["consent_request"], "refuse").status_code == 303
    stopped = wait_status(fed, app["application_no"], "consent_refused")
    assert stopped["refusal_code"] == "consent_refused"
    again = decide(fed, rid, app["consent_request"])  # the decision is taken once
    assert again.status_code == 409
    # The applicant asks again; a new request, and this time the depositor agrees.
    renewed = httpx.post(f"{fed.sc.url}/api/housing_fund/applications/"
                         f"{app['application_no']}/consent",
                         headers=fed.sc.headers("citizen", rid), timeout=30)
    assert renewed.status_code == 200, renewed.text
    fresh = renewed.json()
    assert fresh["status"] == "awaiting_consent" and fresh["consent_request"] != (
        app["consent_request"])
    assert decide(fed, rid, fresh["consent_request"]).status_code == 303
    done = wait_status(fed, app["application_no"], "approved", "rejected")
    assert done["certificate_verified"] is True


def test_certificate_calls_without_a_valid_consent_are_refused(fed: LiveFederation) -> None:
    rid, name = depositor(fed, 6)
    other, _ = depositor(fed, 7)
    stranger = make_resident_id(random.Random(17), "CQ", date(1985, 1, 1), Sex.MALE)
    before = issued_count(fed)

    missing = refused(fed, CertificateRequest(depositor_id=rid))
    unknown = refused(fed, CertificateRequest(depositor_id=stranger))
    made_up = refused(fed, CertificateRequest(depositor_id=stranger, consent_id="0" * 32))
    # No existence oracle: a depositor and a stranger get the same answer.
    assert (missing.code, missing.detail) == (unknown.code, unknown.detail) == (
        made_up.code, made_up.detail) == ("consent_missing", missing.detail)

    theirs = granted_consent(fed, other)
    assert refused(fed, CertificateRequest(depositor_id=rid, consent_id=theirs)).code == (
        "consent_other_person")
    stale = granted_consent(fed, rid, at=clock.now() - consent.CONSENT_VALIDITY
                            - timedelta(minutes=1))
    assert refused(fed, CertificateRequest(depositor_id=rid, consent_id=stale)).code == (
        "consent_expired")
    used = granted_consent(fed, rid)
    fed.sc.node.exchange.call("CQ", SERVICE, CertificateRequest(depositor_id=rid,
                                                                consent_id=used))
    assert refused(fed, CertificateRequest(depositor_id=rid, consent_id=used)).code == (
        "consent_used")
    revoked = granted_consent(fed, rid)
    back = httpx.post(f"{fed.cq.url}/housing_fund/consents/{revoked}/revoke",
                      headers=fed.cq.headers("citizen", rid))
    assert back.status_code == 303
    assert refused(fed, CertificateRequest(depositor_id=rid, consent_id=revoked)).code == (
        "consent_revoked")
    # Only the one honoured call disclosed anything.
    assert issued_count(fed) == before + 1

    with fed.cq.session() as session:
        entries = list(session.scalars(select(AuditEntry).where(
            AuditEntry.name == SERVICE, AuditEntry.direction == "in",
            AuditEntry.subject.in_([rid, stranger])).order_by(AuditEntry.position)))
    outcomes = [(e.subject, e.outcome) for e in entries][-8:]
    assert outcomes == [
        (rid, "consent_missing"), (stranger, "consent_missing"), (stranger, "consent_missing"),
        (rid, "consent_other_person"), (rid, "consent_expired"), (rid, "ok"),
        (rid, "consent_used"), (rid, "consent_revoked")]
    assert entries[-1].basis == f"consent:{revoked}"
    for entry in entries[-8:]:
        if entry.outcome != "ok":
            assert name not in entry.detail
    assert "intact" in fed.cq.cli("audit", "verify").stdout


def test_fetch_waits_for_a_peer_that_is_down_and_retries_by_itself(fed: LiveFederation) -> None:
    rid, name = depositor(fed, 8)
    app = apply_api(fed, rid, name)
    request = consent.peek(app["consent_request"], ConsentRequest)
    fed.cq.kill()
    try:
        # The depositor consented at home just before CQ went down; SC learns of it.
        with fed.cq.session() as session:
            row = consents.decide(session=session, node=fed.cq.node, request=request,
                                  grant=True)
            claims = consents.claims_of(row).model_copy(update={"depositing_member": "CQ"})
            payload = {**claims.model_dump(mode="json"), "status": row.status,
                       "signature": row.signature}
        with fed.sc.session() as session:
            waiting.apply_decision(session=session, node=fed.sc.node, producer="CQ",
                                   event_type="consent.granted", payload=payload)
        fed.wait_until(lambda: sc_status(fed, app["application_no"])["fetch_attempts"] >= 2,
                       timeout=60, message="fetch retried while CQ is down")
        pending = sc_status(fed, app["application_no"])
        assert pending["status"] == "submitted" and pending["fetch_outcome"] == "unreachable"
        page = httpx.get(f"{fed.sc.url}/housing_fund/applications/{app['application_no']}",
                         headers=fed.sc.headers("fund_officer"), timeout=5)
        assert "已向对方地区请求，正在等待" in page.text
        asked = httpx.post(f"{fed.sc.url}/api/housing_fund/applications/"
                           f"{app['application_no']}/fetch",
                           headers=fed.sc.headers("fund_officer"), timeout=5)
        assert asked.status_code == 200 and asked.json()["status"] == "submitted"
    finally:
        fed.cq.start()
    done = wait_status(fed, app["application_no"], "approved", "rejected")
    assert done["certificate_verified"] is True and done["consent_id"] == row.consent_id


def test_officers_and_the_applicant_are_notified_of_the_decision(fed: LiveFederation) -> None:
    notices = pytest.importorskip("chuanyu.notices.models")
    rid, name = depositor(fed, 9)
    app = apply_api(fed, rid, name)
    assert decide(fed, rid, app["consent_request"]).status_code == 303
    wait_status(fed, app["application_no"], "approved", "rejected")
    with fed.sc.session() as session:
        sent = list(session.scalars(select(notices.Notice.recipient).where(
            notices.Notice.kind == "consent",
            notices.Notice.link == f"/housing_fund/applications/{app['application_no']}")))
    assert f"subject:{rid}" in sent
