"""`chuanyu ledger …`: load the seed, derive firsts, build reports, import and export."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from chuanyu.cli_support import MemberOption, node_session
from chuanyu.core import clock
from chuanyu.core.errors import InvalidInput
from chuanyu.ledger import rules
from chuanyu.ledger.catalogue import load_catalog
from chuanyu.ledger.dataset import load_dataset
from chuanyu.ledger.reports import FORMATS, render
from chuanyu.ledger.service import build_report_for, entry_facts, load_seed
from chuanyu.ledger.service.sheets import export_xlsx, import_file, template_xlsx

CLI_NAME = "ledger"
app = typer.Typer(help="Cooperation ledger and the “N firsts” report", no_args_is_help=True)
err = Console(stderr=True)
out = Console()

CatalogOption = Annotated[
    Path | None,
    typer.Option("--catalog", help="Stages/categories/totals YAML (default: the shipped one)"),
]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default: today in China)")
]


def _as_of(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else clock.today()
    except ValueError as exc:
        raise typer.BadParameter(f"not a date: {text}", param_hint="--as-of") from exc


@app.command("load-seed")
def load_seed_cmd(
    member: MemberOption = "CQ",
    file: Annotated[
        Path | None, typer.Option(help="Dataset YAML (default: the shipped seed)")
    ] = None,
) -> None:
    """Record the seed report's entries and figures on this node (repeatable; keeps existing)."""
    dataset = load_dataset(file) if file else None
    with node_session(member) as (node, session):
        result = load_seed(session=session, member=node.member, dataset=dataset, progress=True)
    out.print(
        f"{member}: {result.entries} entries and {result.figures} figures recorded, "
        f"{result.skipped} already present"
    )


@app.command("firsts")
def firsts_cmd(
    member: MemberOption = "CQ", as_of: AsOf = None, catalog_file: CatalogOption = None
) -> None:
    """List the first of every category as of a date (ties and unknown dates are shown)."""
    day = _as_of(as_of)
    catalog = load_catalog(catalog_file)
    with node_session(member, write=False) as (_node, session):
        facts = entry_facts(session=session)
    table = Table("类别", "状态", "事项", "日期", "阶段", title=f"截至 {day.isoformat()}")
    for first in rules.firsts(catalog.categories, facts, catalog.stages, day):
        if first.entry is not None:
            e = first.entry
            stage = catalog.stage_name(rules.stage_of(e, catalog.stages))
            table.add_row(first.category.title, first.status, e.title, e.date.label(), stage)
        else:
            names = "；".join(c.title for c in first.candidates[:5]) or "—"
            if len(first.candidates) > 5:
                names += f" 等 {len(first.candidates)} 条"
            table.add_row(first.category.title, first.status, names, "—", "—")
    out.print(table)


@app.command("report")
def report_cmd(
    member: MemberOption = "CQ",
    as_of: AsOf = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="|".join(FORMATS))] = "html",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write")] = None,
    live: Annotated[bool, typer.Option(help="Include live counts of other domains")] = True,
    catalog_file: CatalogOption = None,
) -> None:
    """Build the “N firsts” report as of a date."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    day = _as_of(as_of)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("读取台账…", total=2)
        with node_session(member, write=False) as (_node, session):
            report = build_report_for(
                session=session, as_of=day, with_live=live, catalog=load_catalog(catalog_file)
            )
        bar.update(task, advance=1, description=f"生成 {fmt}…")
        data = render(report, fmt)
        bar.update(task, advance=1)
    if output is None and fmt in ("md", "json", "html"):
        sys.stdout.write(data.decode("utf-8"))
        return
    target = output or Path(f"ledger-report-{day.isoformat()}.{fmt}")
    target.write_bytes(data)
    err.print(f"report written to {target} ({len(data):,} bytes)")


@app.command("template")
def template_cmd(
    output: Annotated[Path, typer.Option("--output", "-o")] = Path("ledger-template.xlsx"),
) -> None:
    """Write the import template (.xlsx with instructions and body codes)."""
    output.write_bytes(template_xlsx())
    out.print(f"template written to {output}")


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    member: MemberOption = "CQ",
) -> None:
    """Import entries from .xlsx/.csv: every row is checked first; any error imports nothing."""
    try:
        with node_session(member) as (node, session):
            count = import_file(session=session, member=node.member, path=file, progress=True)
    except InvalidInput as exc:
        err.print(f"[red]{exc.detail}[/red]")
        for e in exc.errors:
            err.print(f"  {e.message}")
        raise typer.Exit(1) from exc
    out.print(f"{count} entries imported on {member}")


@app.command("export")
def export_cmd(
    member: MemberOption = "CQ",
    output: Annotated[Path, typer.Option("--output", "-o")] = Path("ledger-export.xlsx"),
) -> None:
    """Export every entry on this node to .xlsx (the import layout)."""
    with node_session(member, write=False) as (_node, session):
        data = export_xlsx(session=session)
    output.write_bytes(data)
    out.print(f"ledger exported to {output}")
