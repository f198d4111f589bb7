"""`chuanyu window …`: due dates, overdue cases, holiday schedules and the matter catalogue."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from chuanyu.cli_support import MemberOption, node_session
from chuanyu.core.errors import ChuanyuError
from chuanyu.window.catalogue import read_catalogue_file, starter_catalogue
from chuanyu.window.enums import HANDLING_MODE_LABELS, HandlingMode, Urgency
from chuanyu.window.holidays import read_schedule_file
from chuanyu.window.workdays import WorkdayCalendar

CLI_NAME = "window"

app = typer.Typer(help="两地互通的办事窗口：收件、转递、限时办结", no_args_is_help=True)
catalogue_app = typer.Typer(help="事项清单", no_args_is_help=True)
app.add_typer(catalogue_app, name="catalogue")
out = Console()
err = Console(stderr=True)

URGENCY_LABELS = {Urgency.NEAR: "临近到期", Urgency.OVERDUE: "已超期"}
PROVISIONAL = "暂定"


def _fail(exc: ChuanyuError) -> typer.Exit:
    err.print(f"[red]{exc.detail}[/red]")
    for e in exc.errors:
        err.print(f"  {e.field}: {e.message}")
    return typer.Exit(code=1)


@app.command("due")
def due_command(
    received: Annotated[str, typer.Option(help="收件日期 YYYY-MM-DD")],
    limit: Annotated[int, typer.Option(min=0, max=60, help="办理时限（工作日）")],
    holidays: Annotated[
        list[Path] | None, typer.Option("--holidays", help="另行载入的节假日安排文件（可多次）")
    ] = None,
    member: Annotated[
        str | None, typer.Option("--member", "-m", help="同时采用该节点已载入的节假日安排")
    ] = None,
) -> None:
    """Print the ISO due date: LIMIT working days after RECEIVED (the day itself not counted).

    A date counted through a year without an announced schedule is followed by a tab and a
    provisional note. Needs no database unless --member asks for that node's loaded schedules.
    """
    try:
        day = date.fromisoformat(received)
    except ValueError as exc:
        raise typer.BadParameter(f"日期格式应为 YYYY-MM-DD：{received}") from exc
    try:
        schedules = [read_schedule_file(path) for path in holidays or []]
        if member:
            from chuanyu.window.service.common import loaded_schedules

            with node_session(member) as (_, session):
                schedules += loaded_schedules(session=session)
        calendar = WorkdayCalendar(schedules)
        due = calendar.add_workdays(day, limit)
        note = ""
        if calendar.provisional_between(day, due):
            years = [y for y in range(day.year, due.year + 1) if calendar.is_provisional(y)]
            listed = "、".join(str(y) for y in years)
            note = f"\t{PROVISIONAL}（{listed} 年节假日安排尚未载入，按法定节假日推算）"
        typer.echo(due.isoformat() + note)
    except ChuanyuError as exc:
        raise _fail(exc) from None


@app.command("overdue")
def overdue_command(
    member: MemberOption = "CQ",
    as_json: Annotated[bool, typer.Option("--json", help="JSON 输出")] = False,
) -> None:
    """List open cases near or past their due date on this node (both sides)."""
    from chuanyu.window.service import escalations

    try:
        with node_session(member) as (node, session):
            items = escalations(session=session, node=node)
    except ChuanyuError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False))
        return
    if not items:
        out.print(f"{member}: 没有临近到期或超期的办件")
        return
    table = Table(title=f"{member} 临近到期/超期办件")
    table.add_column("办件编号", no_wrap=True)
    for name in ("事项", "收件地→办理地", "状态", "到期日", "剩余工作日", "提示"):
        table.add_column(name)
    for i in items:
        table.add_row(
            i.case_number,
            i.matter_name,
            f"{i.intake_member}→{i.authority_member}",
            i.status_label,
            i.due_date.isoformat() + (f"（{PROVISIONAL}）" if i.due_provisional else ""),
            str(i.days_left),
            URGENCY_LABELS.get(i.urgency, ""),
        )
    out.print(table)
    if any(i.due_provisional for i in items):
        out.print(f"{PROVISIONAL}：该年度节假日安排尚未载入，到期日按法定节假日推算，载入后自动重算")


@app.command("load-holidays")
def load_holidays_command(
    file: Annotated[Path, typer.Argument(help="节假日安排文件（YAML/JSON）")],
    member: MemberOption = "CQ",
) -> None:
    """Validate and load an announced year of holidays; it takes precedence over the package."""
    from chuanyu.window.service import load_holidays

    try:
        schedule = read_schedule_file(file)
        with node_session(member) as (_, session):
            read = load_holidays(session=session, schedule=schedule, actor="cli")
    except ChuanyuError as exc:
        raise _fail(exc) from None
    out.print(
        f"{member}: 已载入 {read.year} 年节假日安排（{read.festivals} 个节日），"
        f"重算 {read.recomputed} 件暂定到期日"
    )


@app.command("holidays")
def holidays_command(member: MemberOption = "CQ") -> None:
    """List the holiday schedules loaded on this node."""
    from chuanyu.window.service import list_schedules

    with node_session(member) as (_, session):
        rows = list_schedules(session=session)
    for row in rows:
        out.print(
            f"{row.year}\t{row.festivals} 个节日\t{row.announcement}\t{row.loaded_at:%Y-%m-%d}"
        )
    if not rows:
        out.print(f"{member}: 尚未载入节假日安排（使用 chinese_calendar 自带的数据）")


@catalogue_app.command("load")
def catalogue_load(
    member: MemberOption = "CQ",
    file: Annotated[
        Path | None, typer.Option("--file", help="事项清单文件；默认随附的清单")
    ] = None,
) -> None:
    """Load this region's matter catalogue and send it to the other region."""
    from chuanyu.window.service import load_catalogue

    try:
        catalogue = read_catalogue_file(file) if file else starter_catalogue(member)
        with node_session(member) as (node, session):
            count = load_catalogue(session=session, node=node, catalogue=catalogue)
    except ChuanyuError as exc:
        raise _fail(exc) from None
    out.print(f"{member}: 已载入 {count} 个事项，并同步至对方地区")


@catalogue_app.command("list")
def catalogue_list(
    member: MemberOption = "CQ",
    region: Annotated[str | None, typer.Option(help="只列出该地区（CQ/SC）的事项")] = None,
) -> None:
    """List the matters this node holds (its own and the other region's copy)."""
    from chuanyu.window.service import list_matters

    with node_session(member) as (_, session):
        matters = list_matters(session=session, member=region)
    table = Table()
    table.add_column("编码", no_wrap=True)
    for name in ("事项", "主管部门", "办理方式", "时限(工作日)", "材料", "收费(元)"):
        table.add_column(name)
    for m in matters:
        table.add_row(
            m.code,
            m.name,
            m.authority_name,
            HANDLING_MODE_LABELS[HandlingMode(m.mode)],
            str(m.time_limit_days) + ("" if m.limit_verified else "*"),
            str(len(m.materials)),
            str(m.total_fee),
        )
    out.print(table)
    out.print("* 时限未经核实，以办事指南为准")
