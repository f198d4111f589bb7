"""`chuanyu fund` commands against a node database, and all-or-nothing imports."""

from __future__ import annotations

import csv
import json
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from chuanyu.housing_fund.cli import app
from chuanyu.housing_fund.enums import Sex
from chuanyu.housing_fund.identifiers import make_resident_id, make_uscc
from chuanyu.housing_fund.models import Account, Deposit

runner = CliRunner()


@pytest.fixture
def cli_db(db, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("chuanyu.cli_support.get_settings", lambda: db.node.settings)
    return db


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)))


def people(n: int, seed: int = 3) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        rid = make_resident_id(rng, "CQ", date(1980 + i, 3, 1 + i), Sex.MALE)
        rows.append(
            {
                "身份证号码": rid,
                "姓名": f"测试{i}",
                "单位统一社会信用代码": make_uscc(rng, "CQ"),
                "单位名称": "重庆测试有限公司",
                "账户状态": "正常",
                "开户日期": "2015-03-01",
                "缴存基数": "8000",
                "个人缴存比例": "12%",
                "单位缴存比例": "12%",
                "账户余额": "50000.50",
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_schedule_command_needs_no_node() -> None:
    result = runner.invoke(
        app,
        [
            "schedule",
            "--principal",
            "500000",
            "--years",
            "30",
            "--rate",
            "3.25",
            "--method",
            "annuity",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["monthly_payment"] == "2176.03" and len(data["rows"]) == 360
    assert data["total_interest"] == str(sum(Decimal(r["interest"]) for r in data["rows"]))
    table = runner.invoke(
        app,
        [
            "schedule",
            "--principal",
            "100000",
            "--years",
            "1",
            "--rate",
            "3.25",
            "--method",
            "linear",
        ],
    )
    assert table.exit_code == 0 and "8,604.16" in table.stdout


def test_generate_writes_accounts_with_history(cli_db) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app, ["generate", "--accounts", "40", "--member", "CQ", "--as-of", "202006"]
    )
    assert result.exit_code == 0, result.output
    assert count(cli_db, Account) == 40 and count(cli_db, Deposit) > 40
    listing = runner.invoke(app, ["accounts", "--member", "CQ", "--limit", "5"])
    assert "共 40 户" in listing.stdout


def test_clean_csv_is_imported_with_deposits(cli_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = people(3)
    accounts = write_csv(tmp_path / "accounts.csv", rows)
    result = runner.invoke(app, ["import", str(accounts), "--member", "CQ"])
    assert result.exit_code == 0, result.output
    deposits = write_csv(
        tmp_path / "deposits.csv",
        [
            {"身份证号码": rows[0]["身份证号码"], "缴存月份": f"2020{m:02d}", "缴存金额": "1920"}
            for m in range(1, 7)
        ],
    )
    assert runner.invoke(app, ["import", str(deposits), "--member", "CQ"]).exit_code == 0
    with cli_db.session() as session:
        acc = session.scalar(select(Account).where(Account.resident_id == rows[0]["身份证号码"]))
        assert acc.employee_rate == acc.employer_rate == Decimal("0.12")
        assert str(acc.balance) == "50000.50"
    assert count(cli_db, Deposit) == 6


def test_any_bad_row_rejects_the_whole_file(cli_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = people(4)
    rows[1]["身份证号码"] = rows[1]["身份证号码"][:-1] + (
        "0" if rows[1]["身份证号码"][-1] != "0" else "1"
    )
    rows[2]["缴存基数"] = "-5"
    rows[3]["身份证号码"] = rows[0]["身份证号码"]
    result = runner.invoke(
        app, ["import", str(write_csv(tmp_path / "bad.csv", rows)), "--member", "CQ"]
    )
    assert result.exit_code == 1
    assert "bad.csv:3:resident_id" in result.output and "校验码" in result.output
    assert "bad.csv:4:deposit_base" in result.output
    assert "bad.csv:5:resident_id" in result.output
    assert count(cli_db, Account) == 0


def test_xlsx_with_both_sheets_is_checked_as_a_whole(cli_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = people(2, seed=9)
    book = Workbook()
    sheet = book.active
    sheet.title = "账户"
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    deposits = book.create_sheet("缴存")
    deposits.append(["身份证号码", "缴存月份", "缴存金额"])
    deposits.append([rows[0]["身份证号码"], 202005, 1920])
    deposits.append([rows[1]["身份证号码"], 202013, 1920])
    path = tmp_path / "both.xlsx"
    book.save(path)
    rejected = runner.invoke(app, ["import", str(path), "--member", "CQ"])
    assert rejected.exit_code == 1 and "缴存:3:month" in rejected.output
    assert count(cli_db, Account) == 0 and count(cli_db, Deposit) == 0
    deposits.delete_rows(3)
    book.save(path)
    accepted = runner.invoke(app, ["import", str(path), "--member", "CQ"])
    assert accepted.exit_code == 0, accepted.output
    assert count(cli_db, Account) == 2 and count(cli_db, Deposit) == 1
