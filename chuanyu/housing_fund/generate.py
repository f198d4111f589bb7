"""A deterministic synthetic population of depositors for demos and benchmarks.

The same member, seed, count and as-of month always give the same people, figures and deposit
months. Rows are written with plain multi-row INSERTs in batches, so a million accounts with
their monthly history load in minutes on SQLite.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from chuanyu.core import clock
from chuanyu.housing_fund.enums import AccountStatus, Sex
from chuanyu.housing_fund.identifiers import make_resident_id, make_uscc
from chuanyu.housing_fund.models import Account
from chuanyu.housing_fund.rules import add_months, monthly_deposit

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力成云飞鹏斌宇浩凯健俊帆晨阳梅琳雪倩婷颖露瑶欣怡佳嘉子涵思睿博宁川渝蓉峰"  # noqa: E501
TRADES = ("科技", "建设", "制造", "物流", "商贸", "信息", "医药", "食品", "汽车", "电子", "能源")
CITIES = {
    "CQ": ("重庆", "渝北", "江北", "九龙坡", "沙坪坝"),
    "SC": ("成都", "四川", "蓉城", "天府"),
}
ACCOUNT_COLUMNS = (
    "id", "account_no", "resident_id", "name", "employer_uscc", "employer_name", "status",
    "opened_date", "deposit_base", "employee_rate", "employer_rate", "balance",
    "outstanding_loans", "settled_loans", "updated_at",
)  # fmt: skip
ACCOUNT_NO_PREFIX = {"CQ": "50", "SC": "51"}


@dataclass(frozen=True)
class Employer:
    """A generated employing unit."""

    uscc: str
    name: str


def _employers(rng: random.Random, member: str, count: int) -> list[Employer]:
    seen: set[str] = set()
    out: list[Employer] = []
    while len(out) < count:
        code = make_uscc(rng, member)
        if code in seen:
            continue
        seen.add(code)
        name = f"{rng.choice(CITIES[member])}{rng.choice(GIVEN)}{rng.choice(GIVEN)}"
        out.append(Employer(code, f"{name}{rng.choice(TRADES)}有限公司"))
    return out


def _month_of(day: date) -> int:
    return day.year * 100 + day.month


@dataclass
class Person:
    """One generated depositor with raw values ready for insertion (money in fen)."""

    row: tuple[object, ...]
    deposits: list[tuple[int, int, int]]


def people(
    member: str,
    count: int,
    *,
    seed: int = 2020,
    as_of_month: int,
    max_months: int = 24,
    start_id: int = 1,
    taken: set[str] | None = None,
) -> Iterator[Person]:
    """Yield `count` depositors deterministically; deposits run up to `as_of_month`.

    `taken` holds resident IDs already present, which are never generated again.
    """
    rng = random.Random(f"{member}:{seed}:{start_id}")
    employers = _employers(rng, member, max(5, min(count // 40, 20000)))
    used: set[str] = taken if taken is not None else set()
    as_of_day = date(as_of_month // 100, as_of_month % 100, 1)
    # Working-age depositors: 23 to 55 years old at the as-of month.
    birth_lo = date(as_of_day.year - 55, 1, 1)
    span = (date(as_of_day.year - 23, 1, 1) - birth_lo).days
    stamp = clock.now()
    for offset in range(count):
        account_id = start_id + offset
        sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
        while True:
            birth = birth_lo + timedelta(days=rng.randrange(span))
            resident_id = make_resident_id(rng, member, birth, sex)
            if resident_id not in used:
                used.add(resident_id)
                break
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        employer = rng.choice(employers)
        roll = rng.random()
        status = (
            AccountStatus.NORMAL
            if roll < 0.88
            else AccountStatus.SEALED
            if roll < 0.95
            else AccountStatus.ARREARS
            if roll < 0.98
            else AccountStatus.CLOSED
        )
        start = max(date(birth.year + 22, birth.month, 1), date(2005, 1, 1))
        opened = start + timedelta(days=rng.randrange(max(1, (as_of_day - start).days - 90)))
        base = Decimal(rng.randrange(200, 2500) * 10)
        rate = rng.choice((Decimal("0.05"), Decimal("0.08"), Decimal("0.10"), Decimal("0.12")))
        monthly = monthly_deposit(base, rate, rate)
        # Normal accounts deposit up to the as-of month; the others stopped some time ago.
        last = (
            as_of_month
            if status == AccountStatus.NORMAL
            else add_months(as_of_month, -rng.randrange(3, 18))
        )
        first = max(_month_of(opened), add_months(last, -(max_months - 1)))
        months = []
        month = first
        gap = add_months(last, -rng.randrange(2, 12)) if rng.random() < 0.08 else None
        while month <= last:
            if month != gap:
                months.append(month)
            month = add_months(month, 1)
        fen = int(monthly * 100)
        earlier = max(0, (first // 100 - opened.year) * 12 + first % 100 - opened.month)
        balance = fen * len(months) + int(fen * earlier * rng.uniform(0.2, 0.9))
        if status == AccountStatus.CLOSED:
            balance = 0
        loans = rng.random()
        outstanding = 1 if loans < 0.10 else 0
        settled = 2 if loans > 0.97 else 1 if loans > 0.82 else 0
        row = (
            account_id,
            f"{ACCOUNT_NO_PREFIX.get(member, '99')}{account_id:010d}",
            resident_id,
            name,
            employer.uscc,
            employer.name,
            status.value,
            opened,
            int(base * 100),
            int(rate * 10000),
            int(rate * 10000),
            balance,
            outstanding,
            settled,
            stamp,
        )
        yield Person(row, [(account_id, m, fen) for m in months])


def _sqlite_value(value: object) -> object:
    """Dates and times in the text form SQLAlchemy itself stores on SQLite."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _insert(*, session: Session, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:  # type: ignore[type-arg]
    """Multi-row insert through the driver's executemany, inside the session's transaction."""
    if not rows:
        return
    sqlite = session.get_bind().dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    if sqlite:
        rows = [tuple(_sqlite_value(v) for v in row) for row in rows]
    driver = session.connection().connection.driver_connection
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def _reserve_ids(*, session: Session, table: str, last_id: int) -> None:
    """Move a PostgreSQL id sequence past the ids about to be written explicitly.

    The rows carry their own ids (account numbers derive from them), which bypasses the
    sequence; without this the next ordinary insert would be given an id already taken.
    Reserving before writing also keeps a concurrent insert off the generated range.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
        {"table": table, "last": last_id},
    )


def generate(
    *,
    session: Session,
    member: str,
    count: int,
    seed: int = 2020,
    as_of_month: int | None = None,
    max_months: int = 24,
    batch: int = 20000,
    progress: Callable[[int], None] | None = None,
    end_batch: Callable[[], None] | None = None,
) -> int:
    """Insert `count` generated accounts with their deposits (flushes only).

    A bulk loader for large populations: the caller that owns the transaction may pass its
    commit as `end_batch`, run after every batch, rather than hold one transaction over
    millions of rows. Returns the number of accounts written.
    """
    today = clock.today()
    as_of = as_of_month or add_months(_month_of(today), -1)
    start_id = (session.scalar(select(func.max(Account.id))) or 0) + 1
    taken = set(session.scalars(select(Account.resident_id))) if start_id > 1 else set()
    if count > 0:
        _reserve_ids(session=session, table=Account.__tablename__, last_id=start_id + count - 1)
    accounts: list[tuple] = []  # type: ignore[type-arg]
    deposits: list[tuple[int, int, int]] = []
    written = 0
    for person in people(
        member,
        count,
        seed=seed,
        as_of_month=as_of,
        max_months=max_months,
        start_id=start_id,
        taken=taken,
    ):
        accounts.append(person.row)
        deposits.extend(person.deposits)
        if len(accounts) >= batch:
            written += _flush(
                session=session,
                accounts=accounts,
                deposits=deposits,
                progress=progress,
                end_batch=end_batch,
            )
    written += _flush(
        session=session,
        accounts=accounts,
        deposits=deposits,
        progress=progress,
        end_batch=end_batch,
    )
    return written


def _flush(
    *,
    session: Session,
    accounts: list[tuple],
    deposits: list[tuple[int, int, int]],  # type: ignore[type-arg]
    progress: Callable[[int], None] | None,
    end_batch: Callable[[], None] | None,
) -> int:
    done = len(accounts)
    _insert(session=session, table="housing_fund_account", columns=ACCOUNT_COLUMNS, rows=accounts)
    _insert(
        session=session,
        table="housing_fund_deposit",
        columns=("account_id", "month", "amount"),
        rows=deposits,
    )
    if end_batch is not None:
        end_batch()
    accounts.clear()
    deposits.clear()
    if progress is not None:
        progress(done)
    return done
