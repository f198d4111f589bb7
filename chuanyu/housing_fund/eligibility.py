"""The lending centre's eligibility decision: its own rules applied to a verified certificate.

Pure: no session, clock or I/O. Every rule yields an outcome (passed or not, with the figures and
the rule's source), so the decision page can show exactly why a loan was granted or refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from chuanyu.housing_fund.enums import (
    ACCOUNT_STATUS_LABELS,
    AccountStatus,
    HomeKind,
    PropertyKind,
    RepaymentMethod,
    Sex,
)
from chuanyu.housing_fund.policy import Policy, Sourced
from chuanyu.housing_fund.rules import (
    FEN,
    max_principal_for_payment,
    months_between,
)


@dataclass(frozen=True, slots=True)
class DepositFacts:
    """What the deposit-use certificate says about the depositor (already verified)."""

    account_status: AccountStatus
    balance: Decimal
    deposit_base: Decimal
    monthly_amount: Decimal
    first_month: int | None
    latest_month: int | None
    continuous_months: int
    outstanding_loans: int
    settled_loans: int
    valid_until: date


@dataclass(frozen=True, slots=True)
class LoanRequest:
    """What the depositor asks the lending centre for."""

    amount: Decimal
    term_years: int
    method: RepaymentMethod
    home: HomeKind
    property_kind: PropertyKind
    property_price: Decimal
    monthly_income: Decimal
    with_spouse: bool = False
    building_age_years: int = 0


@dataclass(frozen=True, slots=True)
class Applicant:
    """Facts the lending centre reads from the applicant's own resident ID."""

    birth_date: date
    sex: Sex


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """One rule's result."""

    code: str
    title: str
    passed: bool
    detail: str
    source: str
    verified: bool


@dataclass(frozen=True, slots=True)
class Decision:
    """All outcomes, the resulting limits, and the verdict."""

    member: str
    outcomes: tuple[RuleOutcome, ...]
    max_amount: Decimal
    max_term_years: int
    annual_rate: Decimal | None

    @property
    def approved(self) -> bool:
        """True when every rule passed."""
        return all(outcome.passed for outcome in self.outcomes)

    @property
    def failed(self) -> tuple[RuleOutcome, ...]:
        """The rules that did not pass."""
        return tuple(outcome for outcome in self.outcomes if not outcome.passed)


def _outcome(code: str, title: str, passed: bool, detail: str, rule: Sourced[Any]) -> RuleOutcome:
    return RuleOutcome(code, title, passed, detail, rule.source, rule.verified)


def _yuan(amount: Decimal) -> str:
    return f"{amount.quantize(FEN):,} 元"


def age_on(birth: date, on: date) -> int:
    """Full years of age on a date."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def max_term_years(policy: Policy, applicant: Applicant, request: LoanRequest, on: date) -> int:
    """Longest term the centre allows for this applicant and property (0 if none)."""
    retirement = policy.retirement_age.value
    retire_at = retirement.male if applicant.sex is Sex.MALE else retirement.female
    by_age = retire_at + policy.years_past_retirement.value - age_on(applicant.birth_date, on)
    limits = [policy.max_term_years.value, by_age]
    if request.property_kind is PropertyKind.RESALE:
        limits.append(policy.resale_age_plus_term_years.value - request.building_age_years)
    return max(min(limits), 0)


def decide(
    policy: Policy, applicant: Applicant, request: LoanRequest, facts: DepositFacts, on: date
) -> Decision:
    """Apply a centre's rules to a certificate and a request; every rule's outcome is kept."""
    out: list[RuleOutcome] = []
    add = out.append
    this_month = on.year * 100 + on.month

    add(
        RuleOutcome(
            "certificate_valid",
            "缴存使用证明在有效期内",
            on <= facts.valid_until,
            f"有效期至 {facts.valid_until.isoformat()}，审批日 {on.isoformat()}",
            "缴存地中心在证明上载明的有效期",
            True,
        )
    )
    allowed = policy.allowed_account_statuses.value
    add(
        _outcome(
            "account_status",
            "账户状态正常",
            facts.account_status in allowed,
            f"账户状态：{ACCOUNT_STATUS_LABELS[facts.account_status]}",
            policy.allowed_account_statuses,
        )
    )
    need = policy.min_continuous_months.value
    add(
        _outcome(
            "continuous_months",
            f"连续缴存满 {need} 个月",
            facts.continuous_months >= need,
            f"连续缴存 {facts.continuous_months} 个月",
            policy.min_continuous_months,
        )
    )
    gap_limit = policy.max_months_since_last_deposit.value
    gap = None if facts.latest_month is None else months_between(facts.latest_month, this_month)
    add(
        _outcome(
            "recent_deposit",
            f"申请前 {gap_limit} 个月内仍在缴存",
            gap is not None and 0 <= gap <= gap_limit,
            "无缴存记录" if facts.latest_month is None else f"最近缴存月份 {facts.latest_month}",
            policy.max_months_since_last_deposit,
        )
    )
    add(
        _outcome(
            "no_outstanding_loan",
            "无未结清公积金贷款",
            facts.outstanding_loans <= policy.max_outstanding_loans.value,
            f"未结清贷款 {facts.outstanding_loans} 笔",
            policy.max_outstanding_loans,
        )
    )
    add(
        _outcome(
            "loan_history",
            "公积金贷款累计不超过两次",
            facts.settled_loans <= policy.max_settled_loans.value,
            f"已结清贷款 {facts.settled_loans} 笔",
            policy.max_settled_loans,
        )
    )

    term_limit = max_term_years(policy, applicant, request, on)
    add(
        _outcome(
            "term",
            "贷款期限符合年龄与房屋条件",
            0 < request.term_years <= term_limit,
            f"申请 {request.term_years} 年，最长可贷 {term_limit} 年"
            f"（申请人 {age_on(applicant.birth_date, on)} 岁）",
            policy.max_term_years,
        )
    )
    rate = policy.rate_for(request.term_years, request.home)
    add(
        _outcome(
            "rate",
            "适用利率",
            rate is not None,
            "无适用利率档次" if rate is None else f"年利率 {rate}%",
            policy.rates,
        )
    )

    bounds: list[Decimal] = []
    cap_rule = policy.cap_family if request.with_spouse else policy.cap_single
    cap = cap_rule.value
    bounds.append(cap)
    add(
        _outcome(
            "amount_cap",
            "不超过最高贷款额度",
            request.amount <= cap,
            f"{'家庭' if request.with_spouse else '单人'}最高额度 {_yuan(cap)}",
            cap_rule,
        )
    )
    multiple = policy.balance_multiple.value
    if multiple is not None:
        by_balance = (facts.balance * multiple).quantize(FEN)
        bounds.append(by_balance)
        add(
            _outcome(
                "amount_balance",
                f"不超过账户余额的 {multiple} 倍",
                request.amount <= by_balance,
                f"余额 {_yuan(facts.balance)} × {multiple} = {_yuan(by_balance)}",
                policy.balance_multiple,
            )
        )
    ratio = policy.loan_to_price.value[request.home]
    by_price = (request.property_price * ratio).quantize(FEN)
    bounds.append(by_price)
    add(
        _outcome(
            "amount_price",
            f"不超过房价的 {ratio * 100:.0f}%",
            request.amount <= by_price,
            f"房价 {_yuan(request.property_price)} × {ratio} = {_yuan(by_price)}",
            policy.loan_to_price,
        )
    )
    share = policy.repayment_income_share.value
    payable = (request.monthly_income * share).quantize(FEN)
    if rate is not None and request.term_years > 0:
        by_income = max_principal_for_payment(
            payable, rate, request.term_years * 12, request.method
        )
        bounds.append(by_income)
        add(
            _outcome(
                "repayment_capacity",
                f"月还款额不超过月收入的 {share * 100:.0f}%",
                request.amount <= by_income,
                f"月收入 {_yuan(request.monthly_income)}，可承受月还款 {_yuan(payable)}，"
                f"对应最高本金 {_yuan(by_income)}",
                policy.repayment_income_share,
            )
        )
    max_amount = max(min(bounds), Decimal(0)).quantize(FEN)
    return Decision(policy.centre.member, tuple(out), max_amount, term_limit, rate)
