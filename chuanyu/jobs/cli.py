"""`chuanyu jobs …`: generate, import, reindex, search and expire postings."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from chuanyu.cli_support import node_session, open_cli_node
from chuanyu.core import clock
from chuanyu.core.db import read_scope, write_scope
from chuanyu.core.errors import ChuanyuError, InvalidInput
from chuanyu.jobs import files, indexing
from chuanyu.jobs.generate import Generator
from chuanyu.jobs.search.base import SearchRequest
from chuanyu.jobs.service import employers, generate, ingest, postings

CLI_NAME = "jobs"

app = typer.Typer(
    help="川渝两地线上求职招聘信息系统：岗位生成、导入、索引、搜索、过期", no_args_is_help=True
)
out = Console()
err = Console(stderr=True)
Member = Annotated[
    str, typer.Option("--member", "-m", help="Region node: CQ or SC", envvar="CHUANYU_MEMBER")
]


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err)  # fmt: skip


@app.command("generate")
def generate_command(
    member: Member = "CQ",
    employers: Annotated[int, typer.Option(min=1, help="用人单位数（两地合计）")] = 13000,
    postings_count: Annotated[
        int, typer.Option("--postings", min=0, help="岗位数（两地合计）")
    ] = 600000,
    seed: Annotated[int, typer.Option(help="随机种子")] = 2020,
    as_of: Annotated[str | None, typer.Option(help="参照日 YYYY-MM-DD（默认今天）")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="写入 CSV 文件而不入库")] = None,
) -> None:
    """Generate the two regions' board and load this region's share (or write all to CSV)."""
    day = date.fromisoformat(as_of) if as_of else clock.today()
    if csv_out is not None:
        gen = Generator(seed=seed, as_of=day)
        emps = gen.employers(employers)
        stream = (files.record_of(p) for p in gen.postings(emps, postings_count))
        with _progress() as bar:
            task = bar.add_task("生成岗位", total=postings_count)

            def counted():  # type: ignore[no-untyped-def]
                for row in stream:
                    bar.advance(task)
                    yield row

            n = files.write_csv(csv_out, counted())
        out.print(f"已写入 {n} 个岗位：{csv_out}")
        return
    node = open_cli_node(member)
    try:
        with _progress() as bar:
            task = bar.add_task(f"{node.member} 入库并索引", total=None)
            done = generate.load_generated(
                node, employers=employers, postings=postings_count, seed=seed, as_of=day,
                progress=lambda n: bar.advance(task, n),
            )  # fmt: skip
    finally:
        node.close()
    if done.skipped:
        out.print(f"已跳过此前（同一随机种子）生成入库的 {done.skipped} 个岗位，从其后继续")
    result = done.stored
    out.print(
        f"{node.member}：新增 {result.postings} 个岗位、{result.employers} 家用人单位，"
        f"已索引 {result.indexed}"
    )


@app.command("import")
def import_command(file: Path, member: Member = "CQ") -> None:
    """Import postings from CSV or xlsx: whole file checked, nothing stored on any error."""
    rows = files.read_rows(file)
    node = open_cli_node(member)
    try:
        result = ingest.import_rows(node, rows)
    except InvalidInput as exc:
        err.print(f"[red]{exc.detail}[/red]")
        for e in exc.errors:
            err.print(f"  {e.field}: {e.message}")
        raise typer.Exit(1) from exc
    finally:
        node.close()
    out.print(f"已导入 {result.postings} 个岗位（新增用人单位 {result.employers} 家）")


@app.command("reindex")
def reindex_command(member: Member = "CQ") -> None:
    """Rebuild the search index from the database."""
    node = open_cli_node(member)
    try:
        # Not brought up to date first: the rebuild replaces everything anyway.
        indexer = indexing.indexer_for(node, start=False, background=True)
        if indexer is None:
            err.print(
                "[red]索引正被运行中的节点占用。[/red]可由系统管理员调用该节点的 POST "
                "/api/jobs/index/rebuild 在线重建（重建期间照常服务），或先停止节点再运行本命令"
            )
            raise typer.Exit(1)
        with _progress() as bar:
            task = bar.add_task("重建索引", total=None)
            n = indexer.rebuild(lambda done, total: bar.update(task, completed=done, total=total))
        indexer.index.close()
    finally:
        node.close()
    out.print(f"索引已重建：{n} 个在招岗位")


@app.command("search")
def search_command(
    q: str,
    member: Member = "CQ",
    region: Annotated[str | None, typer.Option(help="行政区划代码")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 10,
) -> None:
    """Search both regions' postings, e.g. `chuanyu jobs search "焊工 重庆"`."""
    node = open_cli_node(member)
    try:
        index = indexing.search_index(node)
        page = index.search(SearchRequest(q=q, region=region, per_page=limit, facets=False,
                                          now=clock.now(), today=clock.today()))  # fmt: skip
    finally:
        node.close()
    out.print(f"共 {page.total} 个岗位（{page.took_ms:.1f} ms）")
    for hit in page.hits:
        c = hit.card
        out.print(f"[{c['origin']}] {c['title']} · {c['employer_name']} · {c['place']} · "
                  f"{c['salary_min']}-{c['salary_max']}元/月  {c['id']}")  # fmt: skip


@app.command("expire")
def expire_command(member: Member = "CQ") -> None:
    """Mark this region's postings past their end date as expired (and tell the peer)."""
    with node_session(member) as (node, session):
        # Each batch commits: the index catches up on committed changes only.
        n = postings.expire_due(session=session, member=node.member, end_batch=session.commit)
        indexer = indexing.indexer_for(node, start=False)
        if indexer is not None:
            indexer.catch_up()
            indexer.index.close()
    out.print(f"{n} 个岗位已过期下架")


@app.command("bind-employer")
def bind_employer_command(username: str, uscc: str, member: Member = "CQ") -> None:
    """Bind an employer account to a credit code held in force by either region's register."""
    node = open_cli_node(member)
    try:
        # read → call → write: the lookup may ask the other region, so no unit is held over it.
        with read_scope(node) as session:
            employers.employer_user(session=session, username=username)
            session.commit()
            business = employers.registered_business(session=session, node=node, code=uscc)
        with write_scope(node) as session:
            employers.bind(session=session, username=username, business=business)
    except ChuanyuError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(1) from exc
    finally:
        node.close()
    out.print(f"{username} 已绑定 {business.name}（{business.uscc}）")
