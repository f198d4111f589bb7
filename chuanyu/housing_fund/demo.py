"""Demo data for `chuanyu demo`: a small population per centre and depositors ready to apply.

Each centre gets a generated population plus two named depositors. A citizen account is
created on the *other* node for each, because a depositor applies where the home is:

- CQ depositors apply at SC (sign in on the SC node as `sc-depositor-1` / `sc-depositor-2`);
- SC depositors apply at CQ (sign in on the CQ node as `cq-depositor-1` / `cq-depositor-2`).

Depositor 1 of each centre has 30 continuous months and qualifies at both centres; depositor 2
has 8 continuous months: enough for Chongqing's 6, short of Chengdu's 12.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.core.models import User
from chuanyu.core.security import create_user
from chuanyu.demo import DEMO_PASSWORD
from chuanyu.housing_fund.enums import AccountStatus, Sex
from chuanyu.housing_fund.generate import generate
from chuanyu.housing_fund.identifiers import make_resident_id, make_uscc
from chuanyu.housing_fund.models import Account, Deposit
from chuanyu.housing_fund.rules import add_months, monthly_deposit
from chuanyu.node import Node

POPULATION = 300
OTHER = {"CQ": "SC", "SC": "CQ"}
NAMES = {"CQ": ("张渝川", "李秋月"), "SC": ("王蓉生", "赵锦书")}
EMPLOYERS = {"CQ": "重庆两江示范科技有限公司", "SC": "成都天府示范软件有限公司"}


def demo_depositors(member: str) -> list[tuple[str, str, date, Sex, int]]:
    """(resident ID, name, birth date, sex, continuous months) of a centre's demo depositors."""
    rng = random.Random(f"demo-depositors:{member}")
    people = [
        (NAMES[member][0], date(1988, 5, 16), Sex.MALE, 30),
        (NAMES[member][1], date(1993, 10, 2), Sex.FEMALE, 8),
    ]
    return [
        (make_resident_id(rng, member, birth, sex), name, birth, sex, months)
        for name, birth, sex, months in people
    ]


def _add_depositor(
    session: Session,
    member: str,
    person: tuple[str, str, date, Sex, int],
    employer_uscc: str,
    latest: int,
) -> None:
    resident_id, name, _birth, _sex, months = person
    base, rate = Decimal("9000.00"), Decimal("0.12")
    monthly = monthly_deposit(base, rate, rate)
    first = add_months(latest, -(months - 1))
    account = Account(
        account_no=f"{'50' if member == 'CQ' else '51'}DEMO{resident_id[-6:]}",
        resident_id=resident_id,
        name=name,
        employer_uscc=employer_uscc,
        employer_name=EMPLOYERS[member],
        status=AccountStatus.NORMAL,
        opened_date=date(first // 100, first % 100, 1),
        deposit_base=base,
        employee_rate=rate,
        employer_rate=rate,
        balance=monthly * months,
        outstanding_loans=0,
        settled_loans=0,
        updated_at=clock.now(),
    )
    session.add(account)
    session.flush()
    session.add_all(
        Deposit(account_id=account.id, month=add_months(first, i), amount=monthly)
        for i in range(months)
    )


def load_demo(session: Session, node: Node, population: int = POPULATION) -> str:
    """Load the demo population (once) and citizen accounts for the other centre's depositors."""
    member = node.member
    mine = demo_depositors(member)
    if session.scalar(select(Account.id).where(Account.resident_id == mine[0][0])) is None:
        generate(session=session, member=member, count=population, seed=7)
        today = clock.today()
        latest = add_months(today.year * 100 + today.month, -1)
        uscc = make_uscc(random.Random(f"demo-employer:{member}"), member)
        for person in mine:
            _add_depositor(session, member, person, uscc, latest)
        session.flush()
    other = OTHER.get(member)
    guests = demo_depositors(other) if other else []
    for index, (resident_id, name, *_rest) in enumerate(guests, start=1):
        username = f"{member.lower()}-depositor-{index}"
        if session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(
                session=session,
                username=username,
                password=DEMO_PASSWORD,
                roles=["citizen"],
                display_name=f"{name}（{other}缴存职工）",
                subject_id=resident_id,
            )
    shown = "、".join(f"{name} {rid}" for rid, name, *_ in mine)
    return (
        f"{POPULATION + len(mine)} 个缴存账户；本中心演示缴存职工 {shown}"
        f"（登录 {OTHER.get(member, '?').lower()}-depositor-1/2 在对方中心申请异地贷款）"
    )
