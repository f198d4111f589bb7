"""`chuanyu notices …` in process against a node whose e-mail goes to a real SMTP server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chuanyu import cli_support
from chuanyu.cli import app
from chuanyu.core.config import Settings
from chuanyu.core.db import write_scope
from chuanyu.core.schemas import UserRead
from chuanyu.core.security import create_user
from chuanyu.node import open_node
from chuanyu.notices import service as notices_service
from chuanyu.notices.schemas import ContactIn
from tests.support.smtp import SmtpServer

runner = CliRunner()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def node_settings(monkeypatch: pytest.MonkeyPatch, federation_dir: Path, sqlite_template: Path,
                  tmp_path: Path, smtp: SmtpServer) -> Settings:
    shutil.copy(sqlite_template, tmp_path / "CQ.db")
    settings = Settings(member="CQ", var_dir=tmp_path, federation_dir=federation_dir,
                        relay_enabled=False, notices_smtp_host="127.0.0.1",
                        notices_smtp_port=smtp.port, notices_smtp_from="noreply@cq.example.cn",
                        notices_smtp_security="none")
    monkeypatch.setattr(cli_support, "get_settings", lambda: settings)
    return settings


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["notices", *args, "--member", "CQ"])
    return result.exit_code, result.output


def test_status_deliver_and_sweep(node_settings: Settings, smtp: SmtpServer) -> None:
    assert run("status") == (0, "外发通知队列为空\n")
    node = open_node(node_settings, migrate=False)
    try:
        with write_scope(node) as session:
            row = create_user(session=session, username="wang", password="password-123",
                              roles=["citizen"])
            account = UserRead(id=row.id, username="wang", display_name="wang",
                               roles=["citizen"], member="CQ")
            notices_service.set_contact(session=session, user=account,
                                        data=ContactIn(email="wang@example.cn"))
            notices_service.notify(session=session, recipient=f"user:{row.id}", kind="info",
                                   subject="测试通知", body="正文")
    finally:
        node.close()
    assert run("status") == (0, "待发送 1\n")
    assert run("deliver") == (0, "已发送 1\n")
    assert [m.rcpt_tos for m in smtp.inbox.messages] == [["wang@example.cn"]]
    assert run("deliver") == (0, "没有到期的待发送通知\n")
    assert run("status") == (0, "已发送 1\n")
    assert run("sweep-due") == (0, "已发出 0 条到期提醒\n")
    assert run("retry-failed") == (0, "已重新排队 0 条发送失败的通知\n")
