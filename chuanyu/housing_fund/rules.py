"""Pure loan arithmetic: repayment schedules and deposit-month continuity.

Amounts are `Decimal` yuan. Every instalment is rounded to the fen (0.01) half-up, the way
bank repayment schedules are printed; the last instalment takes whatever residue rounding left,
so the principal column always sums to the loan exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from chuanyu.housing_fund.enums import RepaymentMethod

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def to_fen(amount: Decimal) -> Decimal:
    """Round an amount to the fen, half-up."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def monthly_rate(annual_rate_percent: Decimal) -> Decimal:
    """Monthly rate as a fraction, from an annual percentage (3.25 → 0.0027083…)."""
    with localcontext() as ctx:
        ctx.prec = 40
        return annual_rate_percent / Decimal(1200)


def annuity_payment(principal: Decimal, annual_rate_percent: Decimal, months: int) -> Decimal:
    """Equal monthly instalment (等额本息) rounded to the fen."""
    if months <= 0:
        raise ValueError("还款期数必须为正整数")
    if principal <= 0:
        raise ValueError("贷款本金必须大于零")
    r = monthly_rate(annual_rate_percent)
    if r == 0:
        return to_fen(principal / months)
    with localcontext() as ctx:
        ctx.prec = 40
        growth = (1 + r) ** months
        return to_fen(principal * r * growth / (growth - 1))


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One month of a repayment schedule."""

    period: int
    payment: Decimal
    principal: Decimal
    interest: Decimal
    balance: Decimal


@dataclass(frozen=True, slots=True)
class Schedule:
    """A full repayment schedule with its totals."""

    principal: Decimal
    annual_rate_percent: Decimal
    months: int
    method: RepaymentMethod
    rows: tuple[ScheduleRow, ...]

    @property
    def monthly_payment(self) -> Decimal:
        """The first month's payment (constant for annuity, highest for linear)."""
        return self.rows[0].payment

    @property
    def total_interest(self) -> Decimal:
        """Sum of the interest column."""
        return sum((row.interest for row in self.rows), ZERO)

    @property
    def total_payment(self) -> Decimal:
        """Sum of all payments (principal plus interest)."""
        return sum((row.payment for row in self.rows), ZERO)


def schedule(
    principal: Decimal,
    annual_rate_percent: Decimal,
    months: int,
    method: RepaymentMethod = RepaymentMethod.ANNUITY,
) -> Schedule:
    """Build a repayment schedule: equal instalments (annuity) or equal principal (linear)."""
    if months <= 0:
        raise ValueError("还款期数必须为正整数")
    if principal <= 0:
        raise ValueError("贷款本金必须大于零")
    if annual_rate_percent < 0:
        raise ValueError("利率不能为负")
    principal = to_fen(principal)
    r = monthly_rate(annual_rate_percent)
    if method is RepaymentMethod.ANNUITY:
        instalment = annuity_payment(principal, annual_rate_percent, months)
    else:
        instalment = to_fen(principal / months)  # the constant principal part
    rows: list[ScheduleRow] = []
    balance = principal
    for period in range(1, months + 1):
        interest = to_fen(balance * r)
        if period == months:
            part = balance
        elif method is RepaymentMethod.ANNUITY:
            part = min(instalment - interest, balance)
        else:
            part = min(instalment, balance)
        # A schedule never repays negative principal, even when rounding pushes interest
        # above a tiny instalment.
        part = max(part, ZERO)
        balance -= part
        rows.append(ScheduleRow(period, part + interest, part, interest, balance))
    return Schedule(principal, annual_rate_percent, months, method, tuple(rows))


def max_principal_for_payment(
    payment: Decimal, annual_rate_percent: Decimal, months: int, method: RepaymentMethod
) -> Decimal:
    """Largest principal whose first monthly payment does not exceed `payment` (floored to yuan).

    For annuity this inverts the instalment formula; for equal principal the first payment is the
    highest, principal/n + principal·r, so the bound is payment / (1/n + r).
    """
    if payment <= 0 or months <= 0:
        return ZERO
    r = monthly_rate(annual_rate_percent)
    with localcontext() as ctx:
        ctx.prec = 40
        if method is RepaymentMethod.LINEAR:
            bound = payment / (Decimal(1) / months + r)
        elif r == 0:
            bound = payment * months
        else:
            growth = (1 + r) ** months
            bound = payment * (growth - 1) / (r * growth)
    yuan = bound.to_integral_value(rounding="ROUND_FLOOR")
    # The instalment is rounded to the fen, so the exact bound can be off by a yuan either way.
    while schedule_first_payment(yuan + 1, annual_rate_percent, months, method) <= payment:
        yuan += 1
    while yuan > 0 and schedule_first_payment(yuan, annual_rate_percent, months, method) > payment:
        yuan -= 1
    return Decimal(yuan).quantize(FEN)


def schedule_first_payment(
    principal: Decimal, annual_rate_percent: Decimal, months: int, method: RepaymentMethod
) -> Decimal:
    """First month's payment without building the whole schedule."""
    principal = to_fen(Decimal(principal))
    if method is RepaymentMethod.ANNUITY:
        return annuity_payment(principal, annual_rate_percent, months)
    return to_fen(principal / months) + to_fen(principal * monthly_rate(annual_rate_percent))


# --- deposit months -------------------------------------------------------------------------
# A month is an int yyyymm (202007 = July 2020): compact, sortable and unambiguous.


def month_index(month: int) -> int:
    """Months since year 0, so consecutive months differ by one."""
    year, mon = divmod(month, 100)
    if not 1 <= mon <= 12:
        raise ValueError(f"月份无效：{month}")
    return year * 12 + mon - 1


def month_from_index(index: int) -> int:
    """Inverse of `month_index`."""
    year, mon0 = divmod(index, 12)
    return year * 100 + mon0 + 1


def add_months(month: int, delta: int) -> int:
    """Shift a yyyymm month by `delta` months."""
    return month_from_index(month_index(month) + delta)


def months_between(earlier: int, later: int) -> int:
    """Number of months from `earlier` to `later` (0 when equal)."""
    return month_index(later) - month_index(earlier)


def continuous_months(months: Iterable[int]) -> int:
    """Length of the unbroken run of deposit months that ends at the latest deposit month."""
    indices = sorted({month_index(m) for m in months}, reverse=True)
    if not indices:
        return 0
    run = 1
    for prev, cur in zip(indices, indices[1:], strict=False):
        if prev - cur != 1:
            break
        run += 1
    return run


def monthly_deposit(base: Decimal, employee_rate: Decimal, employer_rate: Decimal) -> Decimal:
    """Monthly deposit (月缴存额): base × each rate, each share rounded to the fen.

    Rates are fractions (0.12 = 12 %). Centres round each share separately; the sum is the
    amount credited every month.
    """
    return to_fen(base * employee_rate) + to_fen(base * employer_rate)
