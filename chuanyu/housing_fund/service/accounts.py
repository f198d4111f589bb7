"""Depositor accounts at this centre: look-ups and the facts a certificate states."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chuanyu.core.pagination import fetch_page
from chuanyu.housing_fund.errors import AccountNotFound
from chuanyu.housing_fund.models import Account, Deposit
from chuanyu.housing_fund.rules import continuous_months, monthly_deposit


@dataclass(frozen=True)
class DepositSummary:
    """Deposit months of one account, derived from its monthly history."""

    first_month: int | None
    latest_month: int | None
    continuous_months: int
    months: int
    total: Decimal


def by_resident_id(*, session: Session, resident_id: str) -> Account | None:
    """The account of a depositor, or None."""
    return session.scalar(select(Account).where(Account.resident_id == resident_id))


def get(*, session: Session, account_id: int) -> Account:
    """An account by id, or AccountNotFound."""
    account = session.get(Account, account_id)
    if account is None:
        raise AccountNotFound()
    return account


def deposit_summary(*, session: Session, account_id: int) -> DepositSummary:
    """First, latest and continuous deposit months of an account."""
    months = list(
        session.scalars(
            select(Deposit.month).where(Deposit.account_id == account_id).order_by(Deposit.month)
        )
    )
    total = session.scalar(
        select(func.coalesce(func.sum(Deposit.amount), 0)).where(Deposit.account_id == account_id)
    )
    return DepositSummary(
        first_month=months[0] if months else None,
        latest_month=months[-1] if months else None,
        continuous_months=continuous_months(months),
        months=len(months),
        total=Decimal(total or 0),
    )


def history(*, session: Session, account_id: int, limit: int = 24) -> list[Deposit]:
    """The latest monthly deposits of an account, newest first."""
    query = (
        select(Deposit)
        .where(Deposit.account_id == account_id)
        .order_by(Deposit.month.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def monthly_amount(account: Account) -> Decimal:
    """What the account is credited every month under its current base and rates."""
    return monthly_deposit(account.deposit_base, account.employee_rate, account.employer_rate)


def search(
    *, session: Session, q: str = "", offset: int = 0, limit: int = 50
) -> tuple[list[Account], int]:
    """Accounts whose ID or account number (digits) or name starts with `q`, with the count.

    Number prefixes become index range scans, so a search stays fast on a million accounts.
    """
    query = select(Account)
    q = q.strip().upper()
    if q and q[0].isdigit():
        upper = q + "\uffff"
        query = query.where(
            ((Account.resident_id >= q) & (Account.resident_id < upper))
            | ((Account.account_no >= q) & (Account.account_no < upper))
        )
    elif q:
        query = query.where(Account.name.like(f"{q}%"))
    return fetch_page(session=session, query=query.order_by(Account.id), limit=limit, offset=offset)
