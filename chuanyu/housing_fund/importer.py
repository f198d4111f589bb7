"""Import depositor accounts and monthly deposits from CSV or xlsx, all or nothing.

The whole file is checked first: every row against its schema, duplicates within the file, and
clashes with what the centre already holds. Any error rejects the file with one message per row
and field; only a clean file is written, in the caller's single transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chuanyu.core import clock, tables
from chuanyu.core.errors import FieldError
from chuanyu.core.messages import zh_message
from chuanyu.housing_fund.enums import ACCOUNT_STATUS_LABELS
from chuanyu.housing_fund.errors import ImportRejected
from chuanyu.housing_fund.models import Account, Deposit
from chuanyu.housing_fund.schemas import AccountRow, DepositRow

HEADER_ALIASES: dict[str, str] = {
    "身份证号码": "resident_id", "证件号码": "resident_id", "姓名": "name",
    "职工姓名": "name", "单位统一社会信用代码": "employer_uscc",
    "统一社会信用代码": "employer_uscc",
    "单位名称": "employer_name", "工作单位": "employer_name", "账户状态": "status",
    "开户日期": "opened_date", "缴存基数": "deposit_base", "个人缴存比例": "employee_rate",
    "单位缴存比例": "employer_rate", "账户余额": "balance", "未结清贷款笔数": "outstanding_loans",
    "已结清贷款笔数": "settled_loans", "缴存月份": "month", "缴存金额": "amount",
    "月缴存额": "amount",
}  # fmt: skip
STATUS_ALIASES = {label: code for code, label in ACCOUNT_STATUS_LABELS.items()}
MAX_ERRORS = 200


@dataclass
class ImportReport:
    """What a clean file contained (and was written)."""

    accounts: int = 0
    deposits: int = 0
    errors: list[FieldError] = field(default_factory=list)


def _header(name: Any) -> str:
    key = str(name or "").strip().lstrip("\ufeff")
    return HEADER_ALIASES.get(key, key.lower())


def _rate(value: str) -> str:
    """Accept 12%, 12 or 0.12 for a twelve-percent deposit rate."""
    text = value.strip().rstrip("%")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return value
    return str(number / 100 if number >= 1 or value.strip().endswith("%") else number)


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key == "" or value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, float):
            value = format(Decimal(str(value)), "f")
        if isinstance(value, int | Decimal) and key != "month":
            value = str(value)
        if key in ("employee_rate", "employer_rate"):
            value = _rate(str(value))
        if key == "status":
            value = STATUS_ALIASES.get(str(value).strip(), str(value).strip())
        if key == "month":
            value = str(value).replace("-", "").replace("/", "").strip()
        out[key] = value
    return out


def read_rows(path: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    """Sheets of a file as (sheet name, rows keyed by canonical field names)."""
    found = []
    for sheet in tables.read_sheets(path):
        if sheet.header:
            head = [_header(h) for h in sheet.header]
            found.append((sheet.name, [dict(zip(head, row, strict=False)) for row in sheet.rows]))
    return found


def _kind(rows: list[dict[str, Any]]) -> type[BaseModel]:
    keys = set(rows[0]) if rows else set()
    return DepositRow if "month" in keys else AccountRow


def check(
    *, session: Session, path: Path, progress: Callable[[int], None] | None = None
) -> tuple[list[AccountRow], list[DepositRow], list[FieldError]]:
    """Parse and check the whole file without writing anything."""
    accounts: list[AccountRow] = []
    deposits: list[DepositRow] = []
    errors: list[FieldError] = []
    where: dict[int, str] = {}
    for sheet, rows in read_rows(path):
        model = _kind(rows)
        for number, raw in enumerate(rows, start=2):
            try:
                parsed = model.model_validate(_clean(raw))
            except ValidationError as exc:
                for e in exc.errors():
                    column = ".".join(str(p) for p in e["loc"]) or "row"
                    errors.append(FieldError(f"{sheet}:{number}:{column}", zh_message(e)))
            else:
                target: list[Any] = deposits if model is DepositRow else accounts
                where[id(parsed)] = f"{sheet}:{number}"
                target.append(parsed)
            if progress is not None:
                progress(1)
    errors.extend(_cross_checks(session=session, accounts=accounts, deposits=deposits, where=where))
    return accounts, deposits, errors


def _cross_checks(
    *,
    session: Session,
    accounts: list[AccountRow],
    deposits: list[DepositRow],
    where: dict[int, str],
) -> Iterable[FieldError]:
    in_file: set[str] = set()
    for row in accounts:
        if row.resident_id in in_file:
            yield FieldError(f"{where[id(row)]}:resident_id", "文件中该身份证号码重复")
        in_file.add(row.resident_id)
    existing = _existing_ids(session=session, ids=in_file | {d.resident_id for d in deposits})
    for row in accounts:
        if row.resident_id in existing:
            yield FieldError(f"{where[id(row)]}:resident_id", "本中心已有该身份证号码的账户")
    seen: set[tuple[str, int]] = set()
    for dep in deposits:
        key = (dep.resident_id, dep.month)
        if dep.resident_id not in in_file and dep.resident_id not in existing:
            yield FieldError(
                f"{where[id(dep)]}:resident_id", "没有该身份证号码的账户（文件和本中心均无）"
            )
        if key in seen:
            yield FieldError(f"{where[id(dep)]}:month", "文件中该职工该月份的缴存重复")
        seen.add(key)
    months = _existing_months(session=session, existing=existing)
    for dep in deposits:
        if (dep.resident_id, dep.month) in months:
            yield FieldError(f"{where[id(dep)]}:month", "本中心已有该职工该月份的缴存记录")


def _existing_ids(*, session: Session, ids: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    chunk = list(ids)
    for i in range(0, len(chunk), 500):
        query = select(Account.resident_id, Account.id).where(
            Account.resident_id.in_(chunk[i : i + 500])
        )
        found.update({str(rid): int(aid) for rid, aid in session.execute(query)})
    return found


def _existing_months(*, session: Session, existing: dict[str, int]) -> set[tuple[str, int]]:
    by_id = {aid: rid for rid, aid in existing.items()}
    out: set[tuple[str, int]] = set()
    ids = list(by_id)
    for i in range(0, len(ids), 500):
        query = select(Deposit.account_id, Deposit.month).where(
            Deposit.account_id.in_(ids[i : i + 500])
        )
        out.update((by_id[a], m) for a, m in session.execute(query))
    return out


def import_file(
    *, session: Session, member: str, path: Path, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Check the whole file, then write it (flushes; the caller commits). Raises ImportRejected."""
    accounts, deposits, errors = check(session=session, path=path, progress=progress)
    if errors:
        shown = errors[:MAX_ERRORS]
        more = f"（另有 {len(errors) - len(shown)} 处未列出）" if len(errors) > len(shown) else ""
        raise ImportRejected(
            detail=f"导入文件有 {len(errors)} 处错误，未导入任何数据{more}", errors=shown
        )
    now = clock.now()
    next_id = (session.scalar(select(func.max(Account.id))) or 0) + 1
    prefix = {"CQ": "50", "SC": "51"}.get(member, "99")
    for offset, row in enumerate(accounts):
        session.add(
            Account(
                id=next_id + offset,
                account_no=f"{prefix}{next_id + offset:010d}",
                updated_at=now,
                **row.model_dump(),
            )
        )
    session.flush()
    ids = _existing_ids(session=session, ids={d.resident_id for d in deposits})
    session.add_all(
        Deposit(account_id=ids[d.resident_id], month=d.month, amount=d.amount) for d in deposits
    )
    session.flush()
    return ImportReport(accounts=len(accounts), deposits=len(deposits))
