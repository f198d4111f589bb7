"""Repayment schedules: known values, rounding, and totals that reconcile to the cent."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chuanyu.housing_fund.enums import RepaymentMethod
from chuanyu.housing_fund.rules import (
    annuity_payment,
    max_principal_for_payment,
    schedule,
    schedule_first_payment,
)

D = Decimal


def test_annuity_500k_30y_325_pays_2176_03_a_month() -> None:
    plan = schedule(D(500000), D("3.25"), 360, RepaymentMethod.ANNUITY)
    assert plan.monthly_payment == D("2176.03")
    assert all(row.payment == D("2176.03") for row in plan.rows[:-1])


def test_annuity_first_month_splits_interest_and_principal() -> None:
    row = schedule(D(500000), D("3.25"), 360).rows[0]
    # 500,000 × 3.25 % / 12 = 1,354.1666… → 1,354.17 (half-up to the fen)
    assert row.interest == D("1354.17")
    assert row.principal == D("821.86")
    assert row.balance == D("499178.14")


def test_linear_500k_30y_325_first_and_second_month() -> None:
    plan = schedule(D(500000), D("3.25"), 360, RepaymentMethod.LINEAR)
    # principal 500,000 / 360 = 1,388.888… → 1,388.89; interest 1,354.17
    assert plan.monthly_payment == D("2743.06")
    second = plan.rows[1]
    assert second.principal == D("1388.89")
    assert second.interest == D("1350.41")


def test_half_up_rounding_of_a_half_fen() -> None:
    # 1,000 at 6 % over 1 month: interest 5.00 exactly; 1,001 → 5.005 → 5.01 half-up
    assert schedule(D(1001), D(6), 1).rows[0].interest == D("5.01")


def test_zero_rate_spreads_principal_evenly() -> None:
    plan = schedule(D(1000), D(0), 3)
    assert [row.payment for row in plan.rows] == [D("333.33"), D("333.33"), D("333.34")]
    assert plan.total_interest == D("0.00")


def test_short_annuity_against_hand_computed_values() -> None:
    # 10,000 at 12 % over 12 months: instalment 888.4878… → 888.49. Worked month by month with
    # exact fractions: the last month pays 879.67 principal + 8.80 interest.
    assert annuity_payment(D(10000), D(12), 12) == D("888.49")
    plan = schedule(D(10000), D(12), 12)
    assert plan.rows[-1].payment == D("888.47")
    assert plan.total_interest == D("661.86")


@pytest.mark.parametrize("bad", [(D(0), D(3), 12), (D(100), D(3), 0), (D(100), D(-1), 12)])
def test_invalid_inputs_are_refused(bad: tuple[Decimal, Decimal, int]) -> None:
    with pytest.raises(ValueError):
        schedule(*bad)


money = st.decimals(min_value=D("1000"), max_value=D("2000000"), places=2)
rates = st.decimals(min_value=D("0"), max_value=D("12"), places=3)
terms = st.integers(min_value=1, max_value=360)
methods = st.sampled_from(list(RepaymentMethod))


@settings(max_examples=100, deadline=None)
@given(principal=money, rate=rates, months=terms, method=methods)
def test_principal_column_always_sums_to_the_loan(
    principal: Decimal, rate: Decimal, months: int, method: RepaymentMethod
) -> None:
    plan = schedule(principal, rate, months, method)
    assert sum(row.principal for row in plan.rows) == principal
    assert plan.rows[-1].balance == D("0.00")
    assert plan.total_payment == principal + plan.total_interest
    assert all(row.payment == row.principal + row.interest for row in plan.rows)
    assert all(row.principal >= 0 and row.interest >= 0 for row in plan.rows)
    assert all(row.interest == row.interest.quantize(D("0.01")) for row in plan.rows)


@settings(max_examples=60, deadline=None)
@given(
    payment=st.decimals(min_value=D("100"), max_value=D("20000"), places=2),
    rate=st.decimals(min_value=D("1"), max_value=D("6"), places=2),
    months=st.integers(min_value=12, max_value=360),
    method=methods,
)
def test_max_principal_is_the_largest_that_fits(
    payment: Decimal, rate: Decimal, months: int, method: RepaymentMethod
) -> None:
    best = max_principal_for_payment(payment, rate, months, method)
    assert schedule_first_payment(best, rate, months, method) <= payment
    assert schedule_first_payment(best + 1, rate, months, method) > payment
