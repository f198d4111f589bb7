"""Pages of the cooperation ledger: dashboard, entry list with filters, entry form."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chuanyu.core import clock
from chuanyu.core.db import ReadSessionDep, WriteSessionDep
from chuanyu.core.security import Role, require
from chuanyu.ledger import parties, service
from chuanyu.ledger.catalogue import default_catalog
from chuanyu.ledger.enums import KIND_LABELS, MEETING_LABELS, SERVICE_LABELS
from chuanyu.ledger.reports.html import charts, fmt
from chuanyu.ledger.schemas import EntryRead, EntryUpdate
from chuanyu.ledger.service.entries import EntryFilter
from chuanyu.ledger.sheets import COLUMNS, check_rows, entry_row
from chuanyu.node import NodeDep
from chuanyu.web import render
from chuanyu.web.forms import form_fields
from chuanyu.web.i18n import STRINGS

router = APIRouter(include_in_schema=False)

STRINGS.update(
    {
        "ledger.title": ("合作台账", "Cooperation ledger"),
        "ledger.entries": ("台账事项", "Entries"),
        "ledger.new": ("新增事项", "New entry"),
        "ledger.edit": ("修改事项", "Edit entry"),
        "ledger.filter": ("筛选", "Filter"),
        "ledger.save": ("保存", "Save"),
        "ledger.report": ("“N个第一次”报告", "“N firsts” report"),
    }
)


def _choices() -> dict[str, Any]:
    return {
        "kind_labels": KIND_LABELS,
        "meeting_labels": MEETING_LABELS,
        "service_labels": SERVICE_LABELS,
        "stages": default_catalog().stages,
        "bodies": list(parties.bodies().values()),
    }


def _party_names(entry: EntryRead) -> list[str]:
    return [(p.label if (p := parties.find(c)) else c) for c in entry.parties]


@router.get("/", dependencies=[require()])
def dashboard(
    request: Request, session: ReadSessionDep, as_of: dt.date | None = None
) -> HTMLResponse:
    """Current firsts, running totals and charts."""
    day = as_of or clock.today()
    report = service.build_report_for(session=session, as_of=day)
    return render(
        request,
        "ledger/dashboard.html",
        {"report": report, "fmt": fmt, "as_of": day, **charts(report)},
    )


@router.get("/entries", dependencies=[require()])
def entry_list(
    request: Request,
    session: ReadSessionDep,
    stage: Annotated[str, Query(max_length=2)] = "",
    kind: Annotated[str, Query(max_length=32)] = "",
    region: Annotated[str, Query(max_length=2)] = "",
    party: Annotated[str, Query(max_length=32)] = "",
    tag: Annotated[str, Query(max_length=40)] = "",
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
    q: Annotated[str, Query(max_length=60)] = "",
) -> HTMLResponse:
    """Entries filtered by stage, kind, region, party, tag and date range."""
    args = {
        "stage": stage,
        "kind": kind,
        "region": region,
        "party": party,
        "tag": tag,
        "date_from": date_from,
        "date_to": date_to,
        "q": q,
    }
    try:
        filters = EntryFilter(
            stage=int(stage) if stage else None,
            kind=kind or None,
            region=region or None,
            party=party or None,
            tag=tag or None,
            date_from=dt.date.fromisoformat(date_from) if date_from else None,
            date_to=dt.date.fromisoformat(date_to) if date_to else None,
            q=q or None,
        )
        error = ""
    except ValueError:
        filters, error = EntryFilter(), "筛选条件格式有误（日期应为 2020-05-06），已显示全部"
    page = service.list_entries(session=session, filters=filters, limit=200)
    names = {e.id: _party_names(e) for e in page.items}
    return render(
        request,
        "ledger/entries.html",
        {"page": page, "args": args, "names": names, "error": error, **_choices()},
    )


def _form_page(
    request: Request, values: dict[str, str], errors: list[str], entry_id: str | None
) -> HTMLResponse:
    context = {
        "values": values,
        "errors": errors,
        "entry_id": entry_id,
        "columns": COLUMNS,
        **_choices(),
    }
    return render(request, "ledger/form.html", context, status_code=422 if errors else 200)


def _row_of(values: dict[str, str]) -> dict[str, str]:
    return {header: values.get(field, "").strip() for header, field in COLUMNS}


@router.get("/entries/new", dependencies=[require(Role.joint_office)])
def new_entry_form(request: Request) -> HTMLResponse:
    """An empty entry form."""
    return _form_page(request, {"status": "done"}, [], None)


@router.post("/entries/new", dependencies=[require(Role.joint_office)])
async def create_entry_page(request: Request, session: WriteSessionDep, node: NodeDep) -> Response:
    """Record an entry from the form."""
    values = await form_fields(request)
    entries, errors = check_rows([_row_of(values)])
    if errors:
        return _form_page(request, values, [e.text().removeprefix("第2行") for e in errors], None)
    created = service.create_entry(session=session, member=node.member, data=entries[0][1])
    return RedirectResponse(f"/ledger/entries/{created.id}", status_code=303)


@router.get("/entries/{entry_id}", dependencies=[require()])
def entry_page(request: Request, entry_id: str, session: ReadSessionDep) -> HTMLResponse:
    """One entry."""
    entry = service.get_entry(session=session, entry_id=entry_id)
    return render(
        request,
        "ledger/entry.html",
        {"entry": entry, "names": _party_names(entry), **_choices()},
    )


@router.get("/entries/{entry_id}/edit", dependencies=[require(Role.joint_office)])
def edit_entry_form(request: Request, entry_id: str, session: ReadSessionDep) -> HTMLResponse:
    """The entry form filled with the entry."""
    entry = service.get_entry(session=session, entry_id=entry_id)
    values = dict(zip([f for _, f in COLUMNS], entry_row(entry), strict=True))
    return _form_page(request, values, [], entry_id)


@router.post("/entries/{entry_id}/edit", dependencies=[require(Role.joint_office)])
async def update_entry_page(
    request: Request, entry_id: str, session: WriteSessionDep, node: NodeDep
) -> Response:
    """Save the edited entry (only on the node that recorded it)."""
    values = await form_fields(request)
    values["id"] = ""
    entries, errors = check_rows([_row_of(values)])
    if errors:
        return _form_page(
            request, values, [e.text().removeprefix("第2行") for e in errors], entry_id
        )
    data = EntryUpdate.model_validate(entries[0][1].model_dump(exclude={"id"}))
    service.update_entry(session=session, member=node.member, entry_id=entry_id, data=data)
    return RedirectResponse(f"/ledger/entries/{entry_id}", status_code=303)
