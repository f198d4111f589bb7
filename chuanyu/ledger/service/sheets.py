"""Importing a sheet of entries (all or nothing) and exporting the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.progress import Progress
from sqlalchemy import select
from sqlalchemy.orm import Session

from chuanyu.core.errors import FieldError, InvalidInput
from chuanyu.ledger.models import LedgerEntry
from chuanyu.ledger.service.convert import to_read
from chuanyu.ledger.service.entries import add_entry
from chuanyu.ledger.sheets import RowError, check_rows, read_rows, workbook_bytes


@dataclass
class ImportRejected(InvalidInput):
    """The file has bad rows; nothing was imported."""

    code: str = "ledger_import_rejected"


def reject(errors: list[RowError]) -> ImportRejected:
    """The error listing every bad row and field."""
    return ImportRejected(
        detail=f"文件有 {len(errors)} 处错误，未导入任何记录",
        errors=[FieldError(f"row {e.row}: {e.field}", e.text()) for e in errors],
    )


def import_rows(
    *, session: Session, member: str, rows: list[dict[str, str]], progress: bool = False
) -> int:
    """Check every row, then record them all in one transaction; returns the count."""
    entries, errors = check_rows(rows)
    ids = [e.id for _, e in entries if e.id]
    existing = set(session.scalars(select(LedgerEntry.id).where(LedgerEntry.id.in_(ids))))
    for number, entry in entries:
        if entry.id in existing:
            errors.append(RowError(number, "编号", f"编号 {entry.id} 已在台账中"))
    if errors:
        raise reject(sorted(errors, key=lambda e: e.row))
    with Progress(transient=True, disable=not progress) as bar:
        task = bar.add_task("导入台账", total=len(entries))
        for _, entry in entries:
            add_entry(session=session, member=member, data=entry)
            bar.advance(task)
    return len(entries)


def import_file(*, session: Session, member: str, path: Path, progress: bool = False) -> int:
    """Import an .xlsx or .csv file laid out like the template."""
    return import_rows(session=session, member=member, rows=read_rows(path), progress=progress)


def export_xlsx(*, session: Session) -> bytes:
    """Every entry on this node (own and replicated) in template layout."""
    rows = session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))
    return workbook_bytes((to_read(r) for r in rows), template=False)


def template_xlsx() -> bytes:
    """An empty import template with instructions and the body codes."""
    return workbook_bytes([], template=True)
