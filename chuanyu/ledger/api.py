"""REST API of the cooperation ledger, mounted under /api/ledger."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, UploadFile
from pydantic import BaseModel

from chuanyu.core import clock
from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.errors import invalid
from chuanyu.core.idempotency import idempotent
from chuanyu.core.openapi import file_answer
from chuanyu.core.pagination import PageQuery, paging
from chuanyu.core.security import Role, require
from chuanyu.ledger import service
from chuanyu.ledger.enums import EntryKind
from chuanyu.ledger.reports import FORMATS, MEDIA_TYPES, render
from chuanyu.ledger.reports.jsonout import report_dict
from chuanyu.ledger.schemas import (
    EntryCreate,
    EntryPage,
    EntryRead,
    EntryUpdate,
    FigureCreate,
    FigureRead,
)
from chuanyu.ledger.service.entries import EntryFilter
from chuanyu.ledger.service.sheets import export_xlsx, import_file, template_xlsx
from chuanyu.node import NodeDep

router = APIRouter(tags=["ledger"])

WRITER = Role.joint_office
XLSX = MEDIA_TYPES["xlsx"]


class ImportResult(BaseModel):
    """How many entries an import recorded."""

    imported: int


def _as_of(value: dt.date | None) -> dt.date:
    return value or clock.today()


@router.get("/entries", dependencies=[require()])
def list_entries(
    session: ReadSessionDep,
    stage: Annotated[int | None, Query(ge=1, le=20)] = None,
    kind: EntryKind | None = None,
    region: Annotated[str | None, Query(pattern="^(CQ|SC)$")] = None,
    party: Annotated[str | None, Query(max_length=32)] = None,
    tag: Annotated[str | None, Query(max_length=40)] = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: Annotated[str | None, Query(max_length=60)] = None,
    page: PageQuery = paging(max_limit=500),
) -> EntryPage:
    """Entries on this node (own and replicated), filtered."""
    filters = EntryFilter(
        stage=stage,
        kind=kind.value if kind else None,
        region=region,
        party=party,
        tag=tag,
        date_from=date_from,
        date_to=date_to,
        q=q,
    )
    return service.list_entries(
        session=session, filters=filters, limit=page.limit, offset=page.offset
    )


@router.post("/entries", status_code=201, dependencies=[require(WRITER), idempotent()])
def create_entry(body: EntryCreate, session: WriteSessionDep, node: NodeDep) -> EntryRead:
    """Record an entry on this node; it is replicated to the other region."""
    return service.create_entry(session=session, member=node.member, data=body)


@router.get("/entries/{entry_id}", dependencies=[require()])
def get_entry(entry_id: str, session: ReadSessionDep) -> EntryRead:
    """One entry."""
    return service.get_entry(session=session, entry_id=entry_id)


@router.put("/entries/{entry_id}", dependencies=[require(WRITER)])
def update_entry(
    entry_id: str, body: EntryUpdate, session: WriteSessionDep, node: NodeDep
) -> EntryRead:
    """Replace an entry's content (only on the node that recorded it)."""
    return service.update_entry(session=session, member=node.member, entry_id=entry_id, data=body)


@router.delete("/entries/{entry_id}", status_code=204, dependencies=[require(WRITER)])
def delete_entry(entry_id: str, session: WriteSessionDep, node: NodeDep) -> Response:
    """Delete an entry (only on the node that recorded it)."""
    service.delete_entry(session=session, member=node.member, entry_id=entry_id)
    return Response(status_code=204)


@router.get("/figures", dependencies=[require()])
def list_figures(
    session: ReadSessionDep, metric: Annotated[str | None, Query(max_length=64)] = None
) -> list[FigureRead]:
    """Published totals."""
    return service.list_figures(session=session, metric=metric)


@router.post("/figures", status_code=201, dependencies=[require(WRITER), idempotent()])
def add_figure(body: FigureCreate, session: WriteSessionDep, node: NodeDep) -> FigureRead:
    """Record a published total."""
    return service.add_figure(session=session, member=node.member, data=body)


@router.get("/firsts", dependencies=[require()])
def firsts(session: ReadSessionDep, as_of: dt.date | None = None) -> dict[str, Any]:
    """The firsts and totals as of a date (the report's JSON form)."""
    return report_dict(service.build_report_for(session=session, as_of=_as_of(as_of)))


@router.get("/report", dependencies=[require()], response_class=Response,
            responses=file_answer(*MEDIA_TYPES.values()))
def report(
    session: ReadSessionDep,
    as_of: dt.date | None = None,
    format: Annotated[str, Query(pattern="^(" + "|".join(FORMATS) + ")$")] = "html",
) -> Response:
    """The “N firsts” report in html, pdf, md, xlsx or json."""
    day = _as_of(as_of)
    data = render(service.build_report_for(session=session, as_of=day), format)
    name = f"ledger-report-{day.isoformat()}.{format}"
    disposition = "inline" if format in ("html", "pdf", "json") else "attachment"
    return Response(
        data,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'{disposition}; filename="{name}"'},
    )


@router.post("/import", dependencies=[require(WRITER)])
def import_entries(file: UploadFile, session: WriteSessionDep, node: NodeDep) -> ImportResult:
    """Import an .xlsx/.csv sheet: all rows or none, with a row-by-row error report."""
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise invalid("file", "请上传 .xlsx 或 .csv 文件（可先下载模板）")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(file.file.read())
        try:
            count = import_file(session=session, member=node.member, path=path)
        except (KeyError, ValueError, OSError) as exc:
            raise invalid("file", f"无法读取文件：{exc}") from exc
    return ImportResult(imported=count)


@router.get("/export.xlsx", dependencies=[require()], response_class=Response,
            responses=file_answer(XLSX))
def export(session: ReadSessionDep) -> Response:
    """Every entry on this node as .xlsx (the import layout)."""
    headers = {"Content-Disposition": 'attachment; filename="ledger-export.xlsx"'}
    return Response(export_xlsx(session=session), media_type=XLSX, headers=headers)


@router.get("/template.xlsx", dependencies=[require()], response_class=Response,
            responses=file_answer(XLSX))
def template() -> Response:
    """The import template."""
    headers = {"Content-Disposition": 'attachment; filename="ledger-template.xlsx"'}
    return Response(template_xlsx(), media_type=XLSX, headers=headers)
