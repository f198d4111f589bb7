"""`chuanyu registry …`: verify, show, revoke and list business licences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from chuanyu.cli_support import MemberOption, node_session
from chuanyu.core.errors import ChuanyuError
from chuanyu.registry import document
from chuanyu.registry import service as registry_service
from chuanyu.registry.enums import OUTCOME_LABELS, STATUS_LABELS, LicenceStatus, VerifyOutcome
from chuanyu.registry.schemas import LicenceRead, VerifyRequest

CLI_NAME = "registry"

app = typer.Typer(help="营业执照：核验、查看、吊销、列表", no_args_is_help=True)
out = Console()
err = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]{message}[/red]")
    return typer.Exit(2)


def _show(lic: LicenceRead) -> None:
    labels = lic.labels
    table = Table(show_header=False, title=f"营业执照 {lic.uscc}")
    for caption, value in (
        ("统一社会信用代码", lic.uscc),
        ("名称", lic.name),
        ("类型", lic.enterprise_type.value),
        (labels["representative"], lic.legal_representative),
        ("经营范围", lic.business_scope),
        (labels["capital"], f"人民币{lic.capital_in_words}（{lic.registered_capital} 元）"),
        ("成立日期", lic.established_date.isoformat()),
        (labels["period"], lic.period_label),
        (labels["domicile"], lic.domicile),
        ("登记机关", lic.authority_name),
        ("核发日期", lic.issued_date.isoformat()),
        ("状态", STATUS_LABELS[lic.status]),
        ("受理地", lic.received_member),
        ("办件编号", lic.case_number or "—"),
    ):
        table.add_row(caption, value)
    out.print(table)


@app.command("verify")
def verify(
    member: MemberOption,
    uscc: Annotated[str | None, typer.Option(help="统一社会信用代码")] = None,
    payload: Annotated[str | None, typer.Option(help="二维码内容（CYL1|…）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Verify a licence of either region; exit 0 only when it is valid."""
    try:
        request = VerifyRequest.model_validate({"uscc": uscc, "payload": payload})
    except ValidationError as exc:
        raise _fail("；".join(str(e["msg"]) for e in exc.errors())) from None
    try:
        with node_session(member) as (node, session):
            result = registry_service.verify(session=session, node=node, request=request)
    except ChuanyuError as exc:
        raise _fail(exc.detail) from None
    if as_json:
        out.print_json(result.model_dump_json())
    else:
        name = result.facts.name if result.facts else "—"
        out.print(f"{OUTCOME_LABELS[result.outcome]}（{result.outcome.value}）：{result.reason}")
        out.print(f"代码 {result.uscc or '—'} · 名称 {name} · 核验方 {'→'.join(result.checked_by)}")
    if result.outcome is not VerifyOutcome.VALID:
        raise typer.Exit(1)


@app.command("show")
def show(
    member: MemberOption,
    uscc: Annotated[str, typer.Argument(help="统一社会信用代码")],
    pdf: Annotated[Path | None, typer.Option(help="把 PDF 写到此文件")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """Show a licence this region issued (optionally write its PDF)."""
    try:
        with node_session(member) as (node, session):
            lic = registry_service.get(session=session, code=uscc)
            issuer_name = node.name
            url = document.verify_url(node, lic.uscc)
    except ChuanyuError as exc:
        raise _fail(exc.detail) from None
    if as_json:
        out.print_json(lic.model_dump_json())
    else:
        _show(lic)
    if pdf is not None:
        pdf.write_bytes(document.licence_pdf(lic, issuer_name, url=url))
        err.print(f"PDF 已写入 {pdf}")


@app.command("revoke")
def revoke(
    member: MemberOption,
    uscc: Annotated[str, typer.Argument(help="统一社会信用代码")],
    reason: Annotated[str, typer.Option(help="吊销理由")],
    actor: Annotated[str, typer.Option(help="经办人")] = "cli",
) -> None:
    """Revoke a licence this region issued."""
    if len(reason.strip()) < 2:
        raise _fail("请填写吊销理由（至少 2 个字）")
    try:
        with node_session(member) as (node, session):
            lic = registry_service.revoke(
                session=session, node=node, code=uscc, reason=reason.strip(), actor=actor
            )
    except ChuanyuError as exc:
        raise _fail(exc.detail) from None
    out.print(f"已吊销 {lic.uscc} {lic.name}")


@app.command("list")
def list_licences(
    member: MemberOption,
    status: Annotated[LicenceStatus | None, typer.Option(help="active 或 revoked")] = None,
    query: Annotated[str | None, typer.Option("--q", help="名称或代码包含")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """List licences this region issued, newest first."""
    with node_session(member) as (_node, session):
        page = registry_service.list_licences(
            session=session, status=status, query=query, limit=limit
        )
    if as_json:
        out.print_json(json.dumps(page.model_dump(mode="json"), ensure_ascii=False))
        return
    table = Table(title=f"营业执照（共 {page.total} 张）")
    for column in ("统一社会信用代码", "名称", "登记机关", "核发日期", "受理地", "状态"):
        table.add_column(column)
    for lic in page.items:
        table.add_row(
            lic.uscc,
            lic.name,
            lic.authority_name,
            lic.issued_date.isoformat(),
            lic.received_member,
            STATUS_LABELS[lic.status],
        )
    out.print(table)
