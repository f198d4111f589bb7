"""The remote-loan flow across two real nodes: consent, certificate, verification, decision."""

from __future__ import annotations

import json
import random
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from chuanyu.exchange.models import AuditEntry
from chuanyu.housing_fund.demo import demo_depositors, load_demo
from chuanyu.housing_fund.enums import AccountStatus, Sex
from chuanyu.housing_fund.identifiers import make_resident_id
from chuanyu.housing_fund.models import Account, Application
from chuanyu.ledger.providers import live_counts

SERVICE = "housing_fund.certificate"


@pytest.fixture(scope="module")
def fed(live_nodes):  # type: ignore[no-untyped-def]
    for member in ("CQ", "SC"):
        live = live_nodes[member]
        with live.session() as session:
            load_demo(session, live.node, population=30)
    return live_nodes


def application(resident_id: str, name: str, depositing: str, **kw: Any) -> dict[str, Any]:
    body = {
        "resident_id": resident_id,
        "applicant_name": name,
        "depositing_member": depositing,
        "amount": "300000",
        "term_years": 20,
        "method": "annuity",
        "home": "first",
        "property_kind": "new",
        "property_price": "900000",
        "monthly_income": "15000",
        "consent": True,
    }
    body.update(kw)
    return body


def submit(live: Any, resident_id: str, name: str, depositing: str, **kw: Any) -> dict[str, Any]:
    """Apply at `live`; the application waits for the depositor's consent at home."""
    response = httpx.post(
        f"{live.url}/api/housing_fund/applications",
        json=application(resident_id, name, depositing, **kw),
        headers=live.headers("citizen", resident_id),
        timeout=30,
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    assert result["status"] == "awaiting_consent", result
    return result


def consent_at_home(home: Any, resident_id: str, pending: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{home.url}/housing_fund/consent",
        data={"request": pending["consent_request"], "decision": "grant"},
        headers=home.headers("citizen", resident_id),
        timeout=30,
    )


def settled(fed: Any, live: Any, number: str) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def done() -> bool:
        found.update(httpx.get(f"{live.url}/api/housing_fund/applications/{number}",
                               headers=live.headers("fund_officer")).json())
        return found["status"] not in ("awaiting_consent", "submitted")

    fed.wait_until(done, timeout=60, message=f"{number} settled")
    return found


def apply(fed: Any, live: Any, resident_id: str, name: str, depositing: str,
          **kw: Any) -> dict[str, Any]:
    """Apply at `live`, consent at the depositing node, and wait for the outcome."""
    pending = submit(live, resident_id, name, depositing, **kw)
    granted = consent_at_home(fed[depositing], resident_id, pending)
    assert granted.status_code == 303, granted.text
    return settled(fed, live, pending["application_no"])


def audit_outcomes(live: Any, direction: str) -> list[str]:
    with live.session() as session:
        rows = session.scalars(
            select(AuditEntry.outcome).where(
                AuditEntry.name == SERVICE, AuditEntry.direction == direction
            )
        )
        return list(rows)


def test_cq_depositor_borrows_at_sc_on_a_verified_certificate(fed) -> None:  # type: ignore[no-untyped-def]
    rid, name, *_ = demo_depositors("CQ")[0]
    result = apply(fed, fed.sc, rid, name, "CQ")
    assert result["status"] == "approved", result
    assert result["certificate_verified"] is True
    assert result["certificate"]["issuer_member"] == "CQ"
    assert result["certificate"]["continuous_months"] == 30
    assert rid not in json.dumps(result["certificate"], ensure_ascii=False)
    assert all(o["passed"] for o in result["outcomes"])
    officer = fed.sc.headers("fund_officer")
    schedule = httpx.get(
        f"{fed.sc.url}/api/housing_fund/applications/{result['application_no']}/schedule",
        headers=officer,
    ).json()
    assert sum(float(r["principal"]) for r in schedule["rows"]) == pytest.approx(300000)
    page = httpx.get(
        f"{fed.sc.url}/housing_fund/applications/{result['application_no']}", headers=officer
    )
    assert page.status_code == 200 and 'data-state="ok"' in page.text and "准予贷款" in page.text
    issued = httpx.get(
        f"{fed.cq.url}/api/housing_fund/certificates/issued", headers=fed.cq.headers("fund_officer")
    ).json()
    numbers = [c["certificate_no"] for c in issued["items"]]
    assert result["certificate_no"] in numbers
    with fed.sc.session() as session:
        assert live_counts(session)["remote_loan_cases"] >= 1


def test_rules_are_each_centres_own(fed) -> None:  # type: ignore[no-untyped-def]
    # 8 continuous months: short of Chengdu's 12, enough for Chongqing's 6.
    cq_rid, cq_name, *_ = demo_depositors("CQ")[1]
    at_sc = apply(fed, fed.sc, cq_rid, cq_name, "CQ")
    assert at_sc["status"] == "rejected"
    assert [o["code"] for o in at_sc["outcomes"] if not o["passed"]] == ["continuous_months"]
    sc_rid, sc_name, *_ = demo_depositors("SC")[1]
    at_cq = apply(fed, fed.cq, sc_rid, sc_name, "SC")
    assert at_cq["status"] == "approved", at_cq["outcomes"]


def test_refusals_reach_the_lender_and_are_audited_on_both_sides(fed) -> None:  # type: ignore[no-untyped-def]
    stranger = make_resident_id(random.Random(5), "CQ", date(1985, 1, 1), Sex.MALE)
    waiting = submit(fed.sc, stranger, "无此人", "CQ")
    # Nothing to share: CQ tells the person themself, and issues no consent.
    assert consent_at_home(fed.cq, stranger, waiting).status_code == 422
    assert settled_now(fed.sc, waiting["application_no"]) == "awaiting_consent"
    with fed.cq.session() as session:
        closed = session.scalars(
            select(Account).where(Account.status == AccountStatus.NORMAL).order_by(Account.id)
        ).first()
        closed.status = AccountStatus.CLOSED
        closed_id, closed_name = closed.resident_id, closed.name
    shut = apply(fed, fed.sc, closed_id, closed_name, "CQ")
    assert shut["refusal_code"] == "account_closed"
    assert "account_closed" in audit_outcomes(fed.cq, "in")
    assert "account_closed" in audit_outcomes(fed.sc, "out")
    requests = httpx.get(
        f"{fed.cq.url}/housing_fund/requests", headers=fed.cq.headers("fund_officer")
    )
    assert "account_closed" in requests.text


def settled_now(live: Any, number: str) -> str:
    reply = httpx.get(f"{live.url}/api/housing_fund/applications/{number}",
                      headers=live.headers("fund_officer"))
    status: str = reply.json()["status"]
    return status


def test_altered_certificate_is_rejected_by_the_lender(fed) -> None:  # type: ignore[no-untyped-def]
    rid, name, *_ = demo_depositors("CQ")[0]
    result = apply(fed, fed.sc, rid, name, "CQ", amount="200000")
    assert result["status"] == "approved"
    number = result["application_no"]
    with fed.sc.session() as session:
        app = session.scalar(select(Application).where(Application.application_no == number))
        body = json.loads(app.certificate_body)
        body["balance"] = str(int(float(body["balance"])) * 10)
        app.certificate_body = json.dumps(body, ensure_ascii=False)
    officer = fed.sc.headers("fund_officer")
    again = httpx.post(
        f"{fed.sc.url}/api/housing_fund/applications/{number}/decide", headers=officer
    )
    assert again.status_code == 422 and again.json()["code"] == "certificate_invalid"
    page = httpx.get(f"{fed.sc.url}/housing_fund/applications/{number}", headers=officer)
    assert 'data-state="bad"' in page.text
