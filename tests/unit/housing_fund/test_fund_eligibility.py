"""Each centre applies its own rules; every rule's outcome is reported."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from chuanyu.housing_fund.eligibility import (
    Applicant,
    DepositFacts,
    LoanRequest,
    decide,
    max_term_years,
)
from chuanyu.housing_fund.enums import AccountStatus, HomeKind, PropertyKind, RepaymentMethod, Sex
from chuanyu.housing_fund.policy import PolicyError, load_policy, parse_policy

D = Decimal
ON = date(2020, 7, 8)
APPLICANT = Applicant(birth_date=date(1988, 5, 1), sex=Sex.MALE)
FACTS = DepositFacts(
    account_status=AccountStatus.NORMAL,
    balance=D("12000.00"),
    deposit_base=D("8000.00"),
    monthly_amount=D("1920.00"),
    first_month=201911,
    latest_month=202006,
    continuous_months=8,
    outstanding_loans=0,
    settled_loans=0,
    valid_until=date(2020, 9, 8),
)
REQUEST = LoanRequest(
    amount=D("300000"),
    term_years=20,
    method=RepaymentMethod.ANNUITY,
    home=HomeKind.FIRST,
    property_kind=PropertyKind.NEW,
    property_price=D("1000000"),
    monthly_income=D("12000"),
)


def codes_failed(member: str, facts: DepositFacts = FACTS, request: LoanRequest = REQUEST) -> set:
    decision = decide(load_policy(member), APPLICANT, request, facts, ON)
    return {o.code for o in decision.failed}


def test_same_depositor_qualifies_in_cq_but_not_in_sc() -> None:
    # 8 continuous months: enough for CQ's 6, short of SC's 12; SC also caps at 20 × balance.
    assert codes_failed("CQ") == set()
    assert codes_failed("SC") == {"continuous_months", "amount_balance"}


def test_every_rule_outcome_is_reported_with_its_source() -> None:
    decision = decide(load_policy("SC"), APPLICANT, REQUEST, FACTS, ON)
    codes = [o.code for o in decision.outcomes]
    assert codes == [
        "certificate_valid",
        "account_status",
        "continuous_months",
        "recent_deposit",
        "no_outstanding_loan",
        "loan_history",
        "term",
        "rate",
        "amount_cap",
        "amount_balance",
        "amount_price",
        "repayment_capacity",
    ]
    assert all(o.source for o in decision.outcomes)
    rate = next(o for o in decision.outcomes if o.code == "rate")
    assert rate.verified and "2015-08-26" in rate.source


def test_max_amount_is_the_least_of_the_bounds() -> None:
    decision = decide(load_policy("SC"), APPLICANT, REQUEST, FACTS, ON)
    # SC: cap 400,000; 12,000 × 20 = 240,000; 80 % of 1,000,000; income allows far more.
    assert decision.max_amount == D("240000.00")
    # CQ applies no balance multiple: the single cap binds.
    assert decide(load_policy("CQ"), APPLICANT, REQUEST, FACTS, ON).max_amount == D("400000.00")
    poor = replace(REQUEST, monthly_income=D("2000"))
    # 1,000 a month over 20 years at 3.25 % carries about 175,000 of principal.
    cq_poor = decide(load_policy("CQ"), APPLICANT, poor, FACTS, ON).max_amount
    assert D("170000") < cq_poor < D("180000")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"account_status": AccountStatus.SEALED}, "account_status"),
        ({"outstanding_loans": 1}, "no_outstanding_loan"),
        ({"settled_loans": 2}, "loan_history"),
        ({"latest_month": 202003, "continuous_months": 8}, "recent_deposit"),
        ({"valid_until": date(2020, 7, 7)}, "certificate_valid"),
    ],
)
def test_each_deposit_rule_can_refuse(change: dict, code: str) -> None:
    assert code in codes_failed("CQ", facts=replace(FACTS, **change))


def test_income_and_price_limit_the_amount() -> None:
    poor = replace(REQUEST, monthly_income=D("2000"))
    assert "repayment_capacity" in codes_failed("CQ", request=poor)
    cheap = replace(REQUEST, property_price=D("300000"))
    assert "amount_price" in codes_failed("CQ", request=cheap)
    second = replace(REQUEST, home=HomeKind.SECOND, property_price=D("420000"))
    assert "amount_price" in codes_failed("CQ", request=second)  # 70 % of 420,000 = 294,000


def test_family_cap_is_higher_than_single() -> None:
    big = replace(REQUEST, amount=D("500000"), monthly_income=D("30000"))
    assert "amount_cap" in codes_failed("CQ", request=big)
    assert "amount_cap" not in codes_failed("CQ", request=replace(big, with_spouse=True))


def test_term_ends_by_retirement_plus_five_and_resale_age() -> None:
    policy = load_policy("CQ")
    older = Applicant(birth_date=date(1965, 1, 1), sex=Sex.FEMALE)  # 55 in 2020, retires at 55
    assert max_term_years(policy, older, REQUEST, ON) == 5
    resale = replace(REQUEST, property_kind=PropertyKind.RESALE, building_age_years=25)
    assert max_term_years(policy, APPLICANT, resale, ON) == 15
    assert max_term_years(policy, APPLICANT, REQUEST, ON) == 30


def test_rates_follow_term_and_home_kind() -> None:
    policy = load_policy("CQ")
    assert policy.rate_for(5, HomeKind.FIRST) == D("2.75")
    assert policy.rate_for(6, HomeKind.FIRST) == D("3.25")
    assert policy.rate_for(30, HomeKind.SECOND) == D("3.575")
    assert policy.rate_for(31, HomeKind.FIRST) is None


def test_every_shipped_value_names_its_source() -> None:
    for member in ("CQ", "SC"):
        policy = load_policy(member)
        assert policy.centre.member == member
        assert all(item.source.strip() for item in policy.sources().values())
    assert load_policy("CQ").centre.name == "重庆市住房公积金管理中心"
    assert load_policy("SC").centre.name == "成都住房公积金管理中心"


def test_malformed_policy_is_refused() -> None:
    with pytest.raises(PolicyError):
        parse_policy("centre: {member: CQ}\n")
