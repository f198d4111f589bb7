"""`chuanyu fund …`: schedules, populations, imports and the officer's remote-loan commands."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from chuanyu.core.messages import zh_message
from chuanyu.housing_fund.enums import RepaymentMethod
from chuanyu.housing_fund.rules import schedule as build_schedule
from chuanyu.housing_fund.schemas import ScheduleQuery

CLI_NAME = "fund"

app = typer.Typer(help="住房公积金一地办：异地贷款、缴存使用证明、还款计划", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

Member = Annotated[
    str, typer.Option("--member", "-m", help="Region node: CQ or SC", envvar="CHUANYU_MEMBER")
]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


@app.command("schedule")
def schedule_command(
    principal: Annotated[Decimal, typer.Option(help="贷款本金（元）")],
    years: Annotated[int, typer.Option(min=1, max=30, help="贷款年限")],
    rate: Annotated[Decimal, typer.Option(help="年利率（%），如 3.25")],
    method: Annotated[
        RepaymentMethod, typer.Option(help="annuity 等额本息 / linear 等额本金")
    ] = RepaymentMethod.ANNUITY,
    fmt: Annotated[str, typer.Option("--format", help="table 或 json")] = "table",
) -> None:
    """Print a repayment schedule; needs no node or database."""
    if fmt not in ("table", "json"):
        raise typer.BadParameter("--format must be table or json")
    try:
        query = ScheduleQuery(principal=principal, years=years, rate=rate, method=method)
    except ValidationError as exc:
        problems = "；".join(f"--{e['loc'][0]}: {zh_message(e)}" for e in exc.errors())
        raise typer.BadParameter(problems) from None
    try:
        plan = build_schedule(query.principal, query.rate, query.years * 12, query.method)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if fmt == "json":
        data = {
            "principal": str(plan.principal),
            "annual_rate": str(rate),
            "months": plan.months,
            "method": plan.method.value,
            "monthly_payment": str(plan.monthly_payment),
            "total_interest": str(plan.total_interest),
            "total_payment": str(plan.total_payment),
            "rows": [
                {
                    "period": r.period,
                    "payment": str(r.payment),
                    "principal": str(r.principal),
                    "interest": str(r.interest),
                    "balance": str(r.balance),
                }
                for r in plan.rows
            ],
        }
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    table = Table(
        "期数",
        "月供",
        "本金",
        "利息",
        "剩余本金",
        title=f"还款计划：{plan.principal} 元，{years} 年，年利率 {rate}%",
    )
    for r in plan.rows:
        table.add_row(
            str(r.period), f"{r.payment:,}", f"{r.principal:,}", f"{r.interest:,}", f"{r.balance:,}"
        )
    out.print(table)
    out.print(
        f"首月月供 {plan.monthly_payment:,} 元；利息合计 {plan.total_interest:,} 元；"
        f"还款总额 {plan.total_payment:,} 元"
    )


@app.command("policy")
def policy_command(member: Member = "CQ") -> None:
    """Show a centre's loan rules with the source of every value."""
    from chuanyu.housing_fund.policy import load_policy

    policy = load_policy(member.upper())
    table = Table("规则", "取值", "来源", "核实", title=policy.centre.name)
    for name, item in policy.sources().items():
        value = (
            item.value
            if not isinstance(item.value, list)
            else ", ".join(str(v) for v in item.value)
        )
        table.add_row(name, str(value), item.source, "已核实" if item.verified else "示例值")
    out.print(table)


@app.command("generate")
def generate_command(
    accounts: Annotated[int, typer.Option("--accounts", min=1, help="账户数")],
    member: Member = "CQ",
    seed: Annotated[int, typer.Option(help="随机种子（同种子同结果）")] = 2020,
    months: Annotated[int, typer.Option(min=1, max=120, help="每户最多缴存月数")] = 24,
    as_of: Annotated[int | None, typer.Option(help="最近缴存月份 YYYYMM，默认上月")] = None,
) -> None:
    """Generate a deterministic depositor population with monthly deposits."""
    from chuanyu.cli_support import node_session
    from chuanyu.housing_fund.generate import generate

    with node_session(member) as (node, session), _progress() as bar:
        task = bar.add_task(f"{node.member} 生成缴存账户", total=accounts)
        written = generate(
            session=session,
            member=node.member,
            count=accounts,
            seed=seed,
            as_of_month=as_of,
            max_months=months,
            progress=lambda n: bar.advance(task, n),
            end_batch=session.commit,  # this command's unit of work is one batch
        )
    out.print(f"{member}: 已生成 {written} 个缴存账户")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV 或 xlsx 文件")],
    member: Member = "CQ",
) -> None:
    """Import accounts or monthly deposits; any error rejects the whole file."""
    from chuanyu.cli_support import node_session
    from chuanyu.housing_fund.errors import ImportRejected
    from chuanyu.housing_fund.importer import import_file

    try:
        with node_session(member) as (node, session), _progress() as bar:
            task = bar.add_task(f"检查 {file.name}", total=None)
            report = import_file(
                session=session,
                member=node.member,
                path=file,
                progress=lambda n: bar.advance(task, n),
            )
    except ImportRejected as rejected:
        err.print(f"[red]{rejected.detail}[/red]")
        for e in rejected.errors:
            err.print(f"  {e.field}: {e.message}")
        raise typer.Exit(1) from None
    out.print(f"{member}: 已导入 {report.accounts} 个账户、{report.deposits} 条缴存记录")


from chuanyu.housing_fund import cli_cases  # noqa: E402,F401  (registers the case commands)
