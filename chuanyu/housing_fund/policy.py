"""Per-centre loan rules, kept as data (YAML shipped with the package).

Every value in a policy file carries its `source`: a citation when it was checked, or the word
"illustrative" when it is a placeholder. Pages show the source next to each rule's outcome, so
nobody mistakes an illustrative figure for the centre's published one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from chuanyu.housing_fund.enums import AccountStatus, HomeKind

T = TypeVar("T")

POLICY_MEMBERS: tuple[str, ...] = ("CQ", "SC")


class Sourced(BaseModel, Generic[T]):
    """A rule value with where it comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: T
    source: str = Field(min_length=1)
    verified: bool = False

    @property
    def illustrative(self) -> bool:
        """True when the value is a placeholder rather than a checked figure."""
        return not self.verified


class RateBand(BaseModel):
    """Annual interest rates (percent) for terms up to `max_years`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_years: int = Field(gt=0)
    first_home: Decimal = Field(ge=0)
    second_home: Decimal = Field(ge=0)

    def rate_for(self, home: HomeKind) -> Decimal:
        """Rate for a first or second home."""
        return self.first_home if home == HomeKind.FIRST else self.second_home


class RetirementAge(BaseModel):
    """Statutory retirement age by sex (years)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    male: int = Field(gt=40, lt=80)
    female: int = Field(gt=40, lt=80)


class Centre(BaseModel):
    """The fund centre a policy belongs to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    member: str
    name: str
    short_name: str


class Policy(BaseModel):
    """One centre's remote-loan rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    centre: Centre
    effective_from: date
    allowed_account_statuses: Sourced[list[AccountStatus]]
    min_continuous_months: Sourced[int]
    max_months_since_last_deposit: Sourced[int]
    max_outstanding_loans: Sourced[int]
    max_settled_loans: Sourced[int]
    cap_single: Sourced[Decimal]
    cap_family: Sourced[Decimal]
    balance_multiple: Sourced[Decimal | None]
    loan_to_price: Sourced[dict[HomeKind, Decimal]]
    repayment_income_share: Sourced[Decimal]
    max_term_years: Sourced[int]
    retirement_age: Sourced[RetirementAge]
    years_past_retirement: Sourced[int]
    resale_age_plus_term_years: Sourced[int]
    rates: Sourced[list[RateBand]]

    @field_validator("rates")
    @classmethod
    def _bands_sorted(cls, rates: Sourced[list[RateBand]]) -> Sourced[list[RateBand]]:
        years = [band.max_years for band in rates.value]
        if not years or years != sorted(years) or len(set(years)) != len(years):
            raise ValueError("利率档次必须按期限递增且不重复")
        return rates

    def rate_for(self, term_years: int, home: HomeKind) -> Decimal | None:
        """Annual rate (percent) for a term and home kind; None when no band covers the term."""
        for band in self.rates.value:
            if term_years <= band.max_years:
                return band.rate_for(home)
        return None

    def sources(self) -> dict[str, Sourced[Any]]:
        """Every rule value keyed by field name, for display."""
        return {
            name: getattr(self, name)
            for name in type(self).model_fields
            if isinstance(getattr(self, name), Sourced)
        }


class PolicyError(ValueError):
    """A policy file is missing or malformed."""


def parse_policy(text: str) -> Policy:
    """Parse and validate a policy document (YAML)."""
    try:
        raw = yaml.safe_load(text)
        return Policy.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise PolicyError(f"贷款政策文件无效：{exc}") from exc


@cache
def load_policy(member: str) -> Policy:
    """The shipped policy of the centre on node `member` (CQ or SC)."""
    if member not in POLICY_MEMBERS:
        raise PolicyError(f"没有 {member} 的贷款政策")
    text = (
        resources.files("chuanyu.housing_fund")
        .joinpath("policies", f"{member.lower()}.yaml")
        .read_text(encoding="utf-8")
    )
    return parse_policy(text)
