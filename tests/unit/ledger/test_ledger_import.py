"""Sheet import checks the whole file first and names every bad row and field."""

from __future__ import annotations

import csv
from pathlib import Path

from chuanyu.ledger.dataset import seed_dataset
from chuanyu.ledger.sheets import HEADERS, check_rows, entry_row, read_rows, workbook_bytes


def _good(**kw: str) -> dict[str, str]:
    row = dict.fromkeys(HEADERS, "")
    row.update(
        {
            "类型": "agreement",
            "标题": "潼南区与遂宁市补充协议",
            "日期": "2020-06",
            "参与方代码": "500152、510900",
            "指标": "items=12",
        }
    )
    row.update(kw)
    return row


def test_good_rows_pass() -> None:
    entries, errors = check_rows([_good(), _good(类型="合作协议", 日期="")])
    assert errors == []
    assert [n for n, _ in entries] == [2, 3]
    assert entries[0][1].metrics["items"] == 12


def test_each_bad_row_is_named_with_its_field() -> None:
    rows = [
        _good(),
        _good(参与方代码="500152、999999"),
        _good(日期="2020-13-01"),
        _good(标题=""),
        _good(类型="banquet"),
        _good(指标="items=很多"),
    ]
    _, errors = check_rows(rows)
    found = {(e.row, e.field) for e in errors}
    assert found == {(3, "参与方代码"), (4, "日期"), (5, "标题"), (6, "类型"), (7, "指标")}
    assert "999999" in next(e.text() for e in errors if e.row == 3)


def test_duplicate_ids_in_one_file_are_refused() -> None:
    _, errors = check_rows([_good(编号="a-1"), _good(编号="a-1")])
    assert [(e.row, e.field) for e in errors] == [(3, "编号")]


def test_export_layout_imports_back(tmp_path: Path) -> None:
    seed = seed_dataset().entries
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(workbook_bytes(seed, template=False))
    entries, errors = check_rows(read_rows(path))
    assert errors == []
    assert [e.model_dump() for _, e in entries] == [e.model_dump() for e in seed]


def test_csv_is_read_with_the_same_headers(tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerow(entry_row(seed_dataset().entries[0]))
    entries, errors = check_rows(read_rows(path))
    assert errors == [] and entries[0][1].title == seed_dataset().entries[0].title
