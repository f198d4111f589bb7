"""API and pages on one node: validation, permissions, calculator, rules, accounts."""

from __future__ import annotations

import random
from datetime import date

import pytest

from chuanyu.core.db import write_scope
from chuanyu.housing_fund.demo import demo_depositors, load_demo
from chuanyu.housing_fund.enums import Sex
from chuanyu.housing_fund.identifiers import make_resident_id


@pytest.fixture
def loaded(client):  # type: ignore[no-untyped-def]
    with write_scope(client.node) as session:
        load_demo(session, client.node, population=10)
    return client


def test_schedule_api_matches_known_value(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        "/api/housing_fund/schedule", params={"principal": "500000", "years": 30, "rate": "3.25"}
    )
    assert response.status_code == 200
    assert response.json()["monthly_payment"] == "2176.03"
    bad = client.get(
        "/api/housing_fund/schedule", params={"principal": "-1", "years": 31, "rate": "3.25"}
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} >= {"principal", "years"}


def test_policy_is_public_and_sourced(client) -> None:  # type: ignore[no-untyped-def]
    policy = client.get("/api/housing_fund/policy").json()
    assert policy["centre"]["name"] == "重庆市住房公积金管理中心"
    assert policy["min_continuous_months"]["source"]
    page = client.get("/housing_fund/policy")
    assert page.status_code == 200 and "示例值" in page.text and "已核实" in page.text


def test_application_input_is_validated_field_by_field(client) -> None:  # type: ignore[no-untyped-def]
    rid = make_resident_id(random.Random(1), "SC", date(1990, 1, 1), Sex.MALE)
    headers = client.login_as("citizen", subject_id=rid)
    body = {
        "resident_id": rid[:-1] + ("0" if rid[-1] != "0" else "1"),
        "applicant_name": "",
        "depositing_member": "SC",
        "amount": "0",
        "term_years": 40,
        "property_price": "900000",
        "monthly_income": "9000",
        "consent": False,
    }
    response = client.post("/api/housing_fund/applications", json=body, headers=headers)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"resident_id", "applicant_name", "amount", "term_years", "consent"} <= fields


def test_citizen_may_apply_only_for_themself(client) -> None:  # type: ignore[no-untyped-def]
    mine = make_resident_id(random.Random(2), "SC", date(1990, 1, 1), Sex.MALE)
    other = make_resident_id(random.Random(3), "SC", date(1991, 1, 1), Sex.FEMALE)
    headers = client.login_as("citizen", subject_id=mine)
    body = {
        "resident_id": other,
        "applicant_name": "他人",
        "depositing_member": "SC",
        "amount": "100000",
        "term_years": 10,
        "property_price": "500000",
        "monthly_income": "9000",
        "consent": True,
    }
    response = client.post("/api/housing_fund/applications", json=body, headers=headers)
    assert response.status_code == 403
    local = client.post(
        "/api/housing_fund/applications",
        headers=headers,
        json={**body, "resident_id": mine, "depositing_member": "CQ"},
    )
    assert local.status_code == 422 and local.json()["code"] == "not_remote"


def test_officer_pages_and_citizen_limits(loaded) -> None:  # type: ignore[no-untyped-def]
    client = loaded
    rid, name, *_ = demo_depositors("CQ")[0]
    officer = client.login_as("fund_officer")
    listing = client.get("/api/housing_fund/accounts", params={"q": rid}, headers=officer)
    assert listing.json()["total"] == 1
    account = listing.json()["items"][0]
    assert account["name"] == name and account["continuous_months"] == 30
    for path in (
        "/housing_fund/",
        "/housing_fund/schedule",
        "/housing_fund/applications",
        "/housing_fund/issued",
        "/housing_fund/requests",
        "/housing_fund/accounts",
        f"/housing_fund/accounts/{rid}",
        "/housing_fund/apply",
    ):
        assert client.get(path, headers=officer).status_code == 200, path
    citizen = client.login_as("citizen", subject_id=rid)
    assert client.get("/housing_fund/applications", headers=citizen).status_code == 403
    assert client.get("/api/housing_fund/accounts", headers=citizen).status_code == 403
    own = client.get(f"/api/housing_fund/accounts/{rid}", headers=citizen)
    assert own.status_code == 200 and own.json()["resident_id"] == rid
    my = client.get("/housing_fund/my", headers=citizen)
    assert my.status_code == 200 and name in my.text


def test_apply_form_shows_field_errors(client) -> None:  # type: ignore[no-untyped-def]
    client.page_login("citizen", subject_id=None)
    response = client.post(
        "/housing_fund/apply", data={"resident_id": "123", "depositing_member": "SC"}
    )
    assert response.status_code == 422
    assert 'data-field="resident_id"' in response.text and 'data-field="consent"' in response.text


def test_schedule_page_renders_both_methods(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get(
        "/housing_fund/schedule",
        params={"principal": "500000", "years": 30, "rate": "3.25", "method": "linear"},
    )
    assert page.status_code == 200 and "2,743.06" in page.text
    bad = client.get("/housing_fund/schedule", params={"principal": "abc"})
    assert bad.status_code == 422


def test_chongqing_borrower_born_before_1997_may_apply(client) -> None:  # type: ignore[no-untyped-def]
    rid = "500103199001010010"  # 渝中区 code (in force since 1997), born 1990
    headers = client.login_as("citizen", subject_id=rid)
    body = {
        "resident_id": rid,
        "applicant_name": "张三",
        "depositing_member": "SC",
        "amount": "100000",
        "term_years": 10,
        "property_price": "500000",
        "monthly_income": "9000",
        "consent": True,
    }
    response = client.post("/api/housing_fund/applications", json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["masked_id"] == "5001**********0010"
