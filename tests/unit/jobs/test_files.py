"""Posting files: CSV and xlsx read through the shared table reader into import rows."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from chuanyu.jobs.files import read_rows


def test_csv_and_xlsx_give_the_same_rows(tmp_path: Path) -> None:
    header = ["title", "salary_min", "benefits", "not_a_column", "contact_name"]
    row = ["会计", "8000", "五险一金，双休", "x", ""]
    csv_path = tmp_path / "postings.csv"
    csv_path.write_text(",".join(header) + "\n" + ",".join(row) + "\n,,,,\n", encoding="utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    sheet.append([*row[:1], 8000, *row[2:]])
    xlsx_path = tmp_path / "postings.xlsx"
    book.save(xlsx_path)
    expected = [{"title": "会计", "salary_min": "8000", "benefits": ["五险一金", "双休"]}]
    assert read_rows(csv_path) == expected
    assert read_rows(xlsx_path) == expected
