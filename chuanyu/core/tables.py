"""One reader for the tables people upload: CSV (UTF-8, with or without BOM) and xlsx.

Cells come back as the file holds them: text from CSV; numbers, dates and text from xlsx, where
a formula cell gives its last computed value (what the person saw), never the formula's text.
Blank rows are left out; the workbook is always closed. Each importer turns cells into its own
field values.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Sheet:
    """One sheet (a CSV file is one sheet named after the file): header and data rows."""

    name: str
    header: list[str]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """Rows keyed by header; cells under a blank header are dropped, missing ones are None."""
        columns = [(i, name) for i, name in enumerate(self.header) if name]
        return [{name: row[i] if i < len(row) else None for i, name in columns}
                for row in self.rows]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet(name: str, lines: Iterable[tuple[Any, ...]]) -> Sheet:
    rows = [tuple(line) for line in lines if not all(_blank(v) for v in line)]
    if not rows:
        return Sheet(name, [])
    header = [str(h if h is not None else "").strip().lstrip("\ufeff").strip() for h in rows[0]]
    return Sheet(name, header, rows[1:])


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of an xlsx workbook, or the one sheet of a CSV file."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        from openpyxl import load_workbook

        # data_only: a formula cell reads as its cached result, as the spreadsheet showed it.
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            return [_sheet(ws.title, ws.iter_rows(values_only=True)) for ws in book.worksheets]
        finally:
            book.close()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [_sheet(path.name, (tuple(line) for line in csv.reader(fh)))]


def read_table(path: Path) -> Sheet:
    """The first sheet of an xlsx workbook, or the CSV file's rows."""
    sheets = read_sheets(path)
    return sheets[0] if sheets else Sheet(path.name, [])
