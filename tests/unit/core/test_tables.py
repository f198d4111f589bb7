"""The table reader: CSV and xlsx alike, formulas as their values, blank rows out, files closed."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import psutil
from openpyxl import Workbook

from chuanyu.core.tables import Sheet, read_sheets, read_table


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "账户"
    sheet.append([" 姓名 ", "月缴", "合计", None])
    sheet.append(["张三", 1200, "=B2*2", "备注不在表头下"])
    sheet.append([None, None, None, None])
    sheet.append(["李四", 800.5, datetime(2020, 7, 8)])
    book.create_sheet("空表")
    book.save(path)
    return path


def _with_cached_formula_value(path: Path, formula: str, value: str) -> None:
    """Give a formula cell the result a spreadsheet program stores beside it."""
    with zipfile.ZipFile(path) as src:
        items = {name: src.read(name) for name in src.namelist()}
    xml = items["xl/worksheets/sheet1.xml"].decode()
    xml, count = re.subn(rf"<f>{re.escape(formula)}</f>(<v\s*/>|<v></v>)?",
                         f"<f>{formula}</f><v>{value}</v>", xml)
    assert count == 1
    items["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as dst:
        for name, data in items.items():
            dst.writestr(name, data)


def test_xlsx_formula_reads_as_its_value_not_its_text(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "accounts.xlsx")
    _with_cached_formula_value(path, "B2*2", "2400")
    records = read_table(path).records()
    assert records[0]["合计"] == 2400


def test_xlsx_rows_keep_cell_types_and_skip_blank_rows(tmp_path: Path) -> None:
    sheet = read_table(_workbook(tmp_path / "accounts.xlsx"))
    assert sheet.name == "账户" and sheet.header == ["姓名", "月缴", "合计", ""]
    assert [r["姓名"] for r in sheet.records()] == ["张三", "李四"]
    assert sheet.records()[1] == {"姓名": "李四", "月缴": 800.5, "合计": datetime(2020, 7, 8)}


def test_every_sheet_is_read_and_the_workbook_closed(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "accounts.xlsx")
    sheets = read_sheets(path)
    assert [(s.name, len(s.rows)) for s in sheets] == [("账户", 2), ("空表", 0)]
    assert str(path) not in {f.path for f in psutil.Process().open_files()}


def test_csv_with_bom_reads_like_a_sheet(tmp_path: Path) -> None:
    path = tmp_path / "postings.csv"
    path.write_text("\ufefftitle, salary\n会计,8000\n,\n出纳\n", encoding="utf-8")
    sheet = read_table(path)
    assert sheet == Sheet("postings.csv", ["title", "salary"], [("会计", "8000"), ("出纳",)])
    assert sheet.records() == [{"title": "会计", "salary": "8000"},
                               {"title": "出纳", "salary": None}]


def test_empty_file_has_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    assert read_table(path).records() == []
