"""`chuanyu fund` commands for officers: accounts, applications, certificates, decisions."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from chuanyu.core.db import units_of, write_scope
from chuanyu.housing_fund.cli import Member, app, err, out
from chuanyu.housing_fund.enums import (
    ACCOUNT_STATUS_LABELS,
    HomeKind,
    PropertyKind,
    RepaymentMethod,
)
from chuanyu.housing_fund.schemas import ApplicationRead


def _show(app_read: ApplicationRead) -> None:
    out.print(
        f"[bold]{app_read.application_no}[/bold] {app_read.applicant_name} "
        f"{app_read.masked_id}  缴存地 {app_read.depositing_member}  "
        f"状态：{app_read.status_label}"
    )
    if app_read.consent_url:
        out.print(f"  请缴存职工在缴存地授权：{app_read.consent_url}", soft_wrap=True)
    if app_read.refusal_code:
        out.print(f"  拒绝/失败原因 [{app_read.refusal_code}] {app_read.refusal_detail}")
    if app_read.certificate_no:
        verdict = "验签通过" if app_read.certificate_verified else "验签失败"
        out.print(
            f"  缴存使用证明 {app_read.certificate_no}（{verdict}，指纹 "
            f"{(app_read.certificate_fingerprint or '')[:16]}…）"
        )
    if app_read.outcomes:
        table = Table("规则", "结果", "说明", "依据")
        for o in app_read.outcomes:
            table.add_row(
                o.title,
                "✓ 通过" if o.passed else "✗ 不通过",
                o.detail,
                o.source + ("" if o.verified else "（示例值）"),
            )
        out.print(table)
        out.print(
            f"  最高可贷 {app_read.max_amount} 元，最长 {app_read.max_term_years} 年，"
            f"年利率 {app_read.annual_rate}%"
        )


@app.command("apply")
def apply_command(
    resident_id: Annotated[str, typer.Option(help="缴存职工身份证号码")],
    name: Annotated[str, typer.Option(help="缴存职工姓名")],
    depositing: Annotated[str, typer.Option("--from", help="缴存地节点 CQ/SC")],
    amount: Annotated[Decimal, typer.Option(help="申请金额（元）")],
    years: Annotated[int, typer.Option(help="贷款年限")],
    income: Annotated[Decimal, typer.Option(help="月收入（元）")],
    price: Annotated[Decimal, typer.Option(help="房价（元）")],
    method: Annotated[RepaymentMethod, typer.Option()] = RepaymentMethod.ANNUITY,
    home: Annotated[HomeKind, typer.Option()] = HomeKind.FIRST,
    property_kind: Annotated[PropertyKind, typer.Option()] = PropertyKind.NEW,
    building_age: Annotated[int, typer.Option(help="二手房房龄（年）")] = 0,
    with_spouse: Annotated[bool, typer.Option(help="夫妻共同申请")] = False,
    member: Member = "CQ",
) -> None:
    """File an application at the counter; it waits for the depositor's consent at home."""
    from chuanyu.cli_support import open_cli_node
    from chuanyu.housing_fund import present
    from chuanyu.housing_fund.schemas import ApplicationCreate
    from chuanyu.housing_fund.service import lending

    try:
        data = ApplicationCreate(
            resident_id=resident_id,
            applicant_name=name,
            depositing_member=depositing.upper(),
            amount=amount,
            term_years=years,
            method=method,
            home=home,
            property_kind=property_kind,
            property_price=price,
            building_age_years=building_age,
            monthly_income=income,
            with_spouse=with_spouse,
            consent=True,
        )
    except ValidationError as exc:
        for e in exc.errors():
            err.print(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}")
        raise typer.Exit(2) from None
    node = open_cli_node(member)
    try:
        with write_scope(node) as session:
            app_row = lending.apply(session=session, node=node, data=data, user_id=None)
            home_url = node.descriptor.members[app_row.depositing_member].base_url
            _show(present.to_read(app_row, home_url=home_url))
    finally:
        node.close()


@app.command("fetch")
def fetch_command(application_no: str, member: Member = "CQ") -> None:
    """Fetch the certificate of an application again and decide."""
    from chuanyu.cli_support import open_cli_node
    from chuanyu.housing_fund import present
    from chuanyu.housing_fund.service import lending

    node = open_cli_node(member)
    try:
        row = lending.fetch_certificate(
            units=units_of(node), node=node, application_no=application_no
        )
        _show(present.to_read(row))
    finally:
        node.close()


@app.command("show")
def show_command(application_no: str, member: Member = "CQ") -> None:
    """Show an application with its certificate and every rule's outcome."""
    from chuanyu.cli_support import node_session
    from chuanyu.housing_fund import present
    from chuanyu.housing_fund.service import lending

    with node_session(member) as (_node, session):
        _show(present.to_read(lending.get(session=session, application_no=application_no)))


@app.command("applications")
def applications_command(
    member: Member = "CQ",
    status: Annotated[str | None, typer.Option(help="按状态筛选")] = None,
    limit: Annotated[int, typer.Option()] = 30,
) -> None:
    """List remote-loan applications at this centre."""
    from chuanyu.cli_support import node_session
    from chuanyu.housing_fund import present
    from chuanyu.housing_fund.service import lending

    with node_session(member) as (_node, session):
        rows, total = lending.listing(session=session, status=status, limit=limit)
        table = Table("申请编号", "姓名", "证件", "缴存地", "金额", "状态", title=f"共 {total} 件")
        for row in rows:
            r = present.to_read(row)
            table.add_row(
                r.application_no,
                r.applicant_name,
                r.masked_id,
                r.depositing_member,
                f"{r.amount:,}",
                r.status_label,
            )
    out.print(table)


@app.command("accounts")
def accounts_command(
    member: Member = "CQ",
    q: Annotated[str, typer.Option(help="身份证号码、账号或姓名前缀")] = "",
    limit: Annotated[int, typer.Option()] = 20,
) -> None:
    """List depositor accounts at this centre."""
    from chuanyu.cli_support import node_session
    from chuanyu.housing_fund import present
    from chuanyu.housing_fund.service import accounts

    with node_session(member) as (_node, session):
        rows, total = accounts.search(session=session, q=q, limit=limit)
        table = Table(
            "账号", "身份证号码", "姓名", "状态", "余额", "连续缴存", title=f"共 {total} 户"
        )
        for row in rows:
            a = present.to_account_read(session=session, row=row)
            table.add_row(
                a.account_no,
                a.resident_id,
                a.name,
                ACCOUNT_STATUS_LABELS[a.status],
                f"{a.balance:,}",
                f"{a.continuous_months} 个月",
            )
    out.print(table)


@app.command("issued")
def issued_command(member: Member = "CQ", limit: Annotated[int, typer.Option()] = 30) -> None:
    """List certificates this centre issued to lending centres."""
    from chuanyu.cli_support import node_session
    from chuanyu.housing_fund.service import certify

    with node_session(member) as (_node, session):
        rows, total = certify.issued(session=session, limit=limit)
        table = Table(
            "证明编号", "出具给", "申请编号", "出具时间", "有效期至", title=f"共 {total} 份"
        )
        for row in rows:
            table.add_row(
                row.certificate_no,
                row.lending_member,
                row.application_no,
                f"{row.issued_at:%Y-%m-%d %H:%M}",
                row.valid_until.isoformat(),
            )
    out.print(table)
