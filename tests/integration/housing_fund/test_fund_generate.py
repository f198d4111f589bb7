"""The synthetic population loader leaves the database usable for ordinary inserts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from chuanyu.core import clock
from chuanyu.housing_fund.demo import load_demo
from chuanyu.housing_fund.enums import AccountStatus
from chuanyu.housing_fund.generate import generate
from chuanyu.housing_fund.models import Account


def _account(n: int) -> Account:
    return Account(
        account_no=f"50ORM{n:08d}", resident_id=f"50010119900101{n:04d}", name="测试",
        employer_uscc="915000000000000000", employer_name="测试单位",
        status=AccountStatus.NORMAL, opened_date=date(2015, 1, 1), deposit_base=5000,
        employee_rate=0.1, employer_rate=0.1, balance=0, outstanding_loans=0,
        settled_loans=0, updated_at=clock.now(),
    )  # fmt: skip


def test_account_added_after_generation_gets_a_fresh_id(db) -> None:  # type: ignore[no-untyped-def]
    with db.scope() as session:
        generate(session=session, member="CQ", count=30, seed=3, as_of_month=202006, batch=10)
    with db.scope() as session:
        session.add(_account(1))
    with db.scope() as session:
        assert session.scalar(select(func.count()).select_from(Account)) == 31
        ids = list(session.scalars(select(Account.id).order_by(Account.id)))
        assert ids[-1] == 31


def test_generation_after_ordinary_inserts_continues_both_ways(db) -> None:  # type: ignore[no-untyped-def]
    with db.scope() as session:
        session.add(_account(1))
    with db.scope() as session:
        generate(session=session, member="CQ", count=20, seed=3, as_of_month=202006)
    with db.scope() as session:
        session.add(_account(2))
    with db.scope() as session:
        assert session.scalar(select(func.max(Account.id))) == 22


def test_demo_population_loads_with_its_named_depositors(db) -> None:  # type: ignore[no-untyped-def]
    with db.scope() as session:
        load_demo(session, db.node, population=25)
    with db.scope() as session:
        assert (session.scalar(select(func.count()).select_from(Account)) or 0) > 25
