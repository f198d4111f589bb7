"""`chuanyu notices …`: send due deliveries, remind staff of due cases, queue failed ones again,
and show the delivery outbox."""

from __future__ import annotations

import typer
from rich.console import Console

from chuanyu.cli_support import MemberOption, node_session, open_cli_node
from chuanyu.notices import channels, delivery
from chuanyu.notices import service as notices_service
from chuanyu.notices.enums import DELIVERY_LABELS
from chuanyu.notices.tasks import sweep_due

CLI_NAME = "notices"

app = typer.Typer(help="站内消息与外发通知：发送、到期提醒、重发、状态", no_args_is_help=True)
out = Console()


@app.command("deliver")
def deliver_command(member: MemberOption = "CQ") -> None:
    """Send every delivery that is due now (what the server's worker does in the background)."""
    node = open_cli_node(member)
    try:
        if not channels.for_node(node):
            out.print("未配置外发通道（CHUANYU_NOTICES_SMTP_HOST 或 CHUANYU_NOTICES_ADAPTERS）")
            return
        outcomes = delivery.deliver_due(node, limit=1000)
    finally:
        node.close()
    out.print("，".join(f"{DELIVERY_LABELS.get(k, k)} {n}" for k, n in outcomes.items())
              or "没有到期的待发送通知")


@app.command("sweep-due")
def sweep_due_command(member: MemberOption = "CQ") -> None:
    """Remind the acting staff of open cases near or past their due date (once per condition)."""
    node = open_cli_node(member)
    try:
        written = sweep_due(node)
    finally:
        node.close()
    out.print(f"已发出 {written} 条到期提醒")


@app.command("retry-failed")
def retry_failed_command(member: MemberOption = "CQ") -> None:
    """Queue every failed delivery again (after the mail server or gateway is fixed)."""
    with node_session(member) as (_node, session):
        count = notices_service.retry_failed(session=session)
    out.print(f"已重新排队 {count} 条发送失败的通知")


@app.command("status")
def status_command(member: MemberOption = "CQ") -> None:
    """Deliveries per status."""
    with node_session(member, write=False) as (_node, session):
        counts = notices_service.delivery_counts(session=session)
    out.print("，".join(f"{DELIVERY_LABELS.get(k, k)} {n}" for k, n in sorted(counts.items()))
              or "外发通知队列为空")
