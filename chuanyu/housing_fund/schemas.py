"""Pydantic shapes at the edges: API bodies, import rows, and what pages and clients read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from chuanyu.core.fields import PlainText
from chuanyu.core.identifiers import ResidentId
from chuanyu.core.pagination import Page
from chuanyu.housing_fund.enums import (
    AccountStatus,
    ApplicationStatus,
    HomeKind,
    PropertyKind,
    RepaymentMethod,
)
from chuanyu.housing_fund.identifiers import InvalidIdentifier, normalize_uscc


def _uscc(value: str) -> str:
    try:
        return normalize_uscc(value.strip())
    except InvalidIdentifier as exc:
        raise ValueError(str(exc)) from exc


Uscc = Annotated[str, AfterValidator(_uscc)]
Yuan = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
YuanOrZero = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
DepositRate = Annotated[Decimal, Field(ge=Decimal("0.05"), le=Decimal("0.12"), decimal_places=4)]


def _month(value: int) -> int:
    year, mon = divmod(value, 100)
    if not (1990 <= year <= 2100 and 1 <= mon <= 12):
        raise ValueError("月份格式应为 YYYYMM，例如 202006")
    return value


Month = Annotated[int, AfterValidator(_month)]


class ApplicationCreate(BaseModel):
    """A remote-loan application with the depositor's consent to fetch the certificate."""

    model_config = ConfigDict(extra="forbid")

    resident_id: ResidentId
    applicant_name: PlainText = Field(min_length=1, max_length=64)
    depositing_member: str = Field(pattern="^(CQ|SC)$")
    amount: Yuan
    term_years: int = Field(ge=1, le=30)
    method: RepaymentMethod = RepaymentMethod.ANNUITY
    home: HomeKind = HomeKind.FIRST
    property_kind: PropertyKind = PropertyKind.NEW
    property_price: Yuan
    building_age_years: int = Field(default=0, ge=0, le=80)
    monthly_income: Yuan
    with_spouse: bool = False
    consent: bool = Field(description="缴存职工同意贷款中心向缴存地中心调取缴存使用证明")

    @field_validator("consent")
    @classmethod
    def _must_consent(cls, value: bool) -> bool:
        if not value:
            raise ValueError("须缴存职工本人同意调取缴存使用证明")
        return value


class RuleOutcomeRead(BaseModel):
    """One rule's outcome as stored with the decision."""

    code: str
    title: str
    passed: bool
    detail: str
    source: str
    verified: bool


class ApplicationRead(BaseModel):
    """An application as the lending centre's officers and the applicant see it."""

    model_config = ConfigDict(from_attributes=True)

    application_no: str
    applicant_name: str
    masked_id: str
    depositing_member: str
    amount: Decimal
    term_years: int
    method: RepaymentMethod
    home: HomeKind
    property_kind: PropertyKind
    property_price: Decimal
    monthly_income: Decimal
    with_spouse: bool
    status: ApplicationStatus
    status_label: str
    refusal_code: str | None
    refusal_detail: str | None
    fetch_attempts: int = 0
    fetch_outcome: str | None = None
    consent_id: str | None = Field(
        description="缴存地中心签发的授权编号；缴存职工尚未授权时为空"
    )
    consent_expires_at: datetime
    consent_request: str | None = Field(
        default=None,
        description="本中心签名的授权请求（待授权时）：缴存职工在缴存地打开 "
        "<缴存地>/housing_fund/consent?request=<授权请求> 授权或拒绝",
    )
    consent_url: str | None = Field(
        default=None, description="缴存职工在缴存地授权的链接（待授权时）"
    )
    certificate_no: str | None
    certificate_verified: bool | None
    certificate_fingerprint: str | None
    certificate: dict[str, Any] | None
    decided_at: datetime | None
    outcomes: list[RuleOutcomeRead]
    max_amount: Decimal | None
    max_term_years: int | None
    annual_rate: Decimal | None
    created_at: datetime


ApplicationPage = Page[ApplicationRead]


class AccountRead(BaseModel):
    """A depositor account at this centre (officer view)."""

    model_config = ConfigDict(from_attributes=True)

    account_no: str
    resident_id: str
    name: str
    employer_uscc: str
    employer_name: str
    status: AccountStatus
    opened_date: date
    deposit_base: Decimal
    employee_rate: Decimal
    employer_rate: Decimal
    monthly_amount: Decimal
    balance: Decimal
    outstanding_loans: int
    settled_loans: int
    first_month: int | None
    latest_month: int | None
    continuous_months: int


AccountPage = Page[AccountRead]


class IssuedCertificateRead(BaseModel):
    """A certificate this centre issued."""

    certificate_no: str
    lending_member: str
    application_no: str
    consent_id: str
    fingerprint: str
    issued_at: datetime
    valid_until: date
    body: dict[str, Any]
    signature: str


IssuedCertificatePage = Page[IssuedCertificateRead]


class ScheduleQuery(BaseModel):
    """Inputs of a repayment schedule."""

    model_config = ConfigDict(extra="forbid")

    # `years` first: the principal's lower bound depends on it.
    years: int = Field(ge=1, le=30)
    principal: Yuan
    rate: Decimal = Field(ge=0, le=20, description="年利率（%）")
    method: RepaymentMethod = RepaymentMethod.ANNUITY

    @field_validator("principal")
    @classmethod
    def _every_month_repays_something(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        # Below one yuan of principal a month, rounding to the fen ends the schedule early and
        # leaves months that repay nothing.
        years = info.data.get("years")
        least = Decimal(years * 12) if years else Decimal(1)
        if value < least:
            raise ValueError(f"本金过小：{years} 年期本金至少 {least} 元（每月至少还本金 1 元）")
        return value


class ScheduleRowRead(BaseModel):
    """One month of a schedule."""

    period: int
    payment: Decimal
    principal: Decimal
    interest: Decimal
    balance: Decimal


class ScheduleRead(BaseModel):
    """A repayment schedule; `monthly_payment` is the first month's payment."""

    principal: Decimal
    annual_rate: Decimal
    months: int
    method: RepaymentMethod
    monthly_payment: Decimal
    total_interest: Decimal
    total_payment: Decimal
    rows: list[ScheduleRowRead]


class AccountRow(BaseModel):
    """One row of an account import file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    resident_id: ResidentId
    name: str = Field(min_length=1, max_length=64)
    employer_uscc: Uscc
    employer_name: str = Field(min_length=1, max_length=128)
    status: AccountStatus = AccountStatus.NORMAL
    opened_date: date
    deposit_base: Yuan
    employee_rate: DepositRate
    employer_rate: DepositRate
    balance: YuanOrZero
    outstanding_loans: int = Field(default=0, ge=0, le=9)
    settled_loans: int = Field(default=0, ge=0, le=9)


class DepositRow(BaseModel):
    """One row of a monthly-deposit import file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    resident_id: ResidentId
    month: Month
    amount: Yuan
