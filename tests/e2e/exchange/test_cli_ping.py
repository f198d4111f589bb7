"""`chuanyu exchange ping` reports an unreachable or refusing peer in one line, not a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chuanyu import cli_support, domains
from chuanyu.core.config import Settings
from chuanyu.exchange import federation
from chuanyu.exchange.registry import SERVICES, STREAMS
from tests.support.nodes import free_port

runner = CliRunner()


def test_ping_to_an_unreachable_peer_prints_one_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from chuanyu.cli import app

    domains.load_handlers()
    fed = tmp_path / "federation"
    dead = f"http://127.0.0.1:{free_port()}"
    federation.init(fed, urls={"SC": dead},
                    services={m: sorted(SERVICES) for m in ("CQ", "SC")},
                    streams={m: sorted(STREAMS) for m in ("CQ", "SC")})
    var = tmp_path / "var"
    var.mkdir()
    settings = Settings(member="CQ", var_dir=var, federation_dir=fed, relay_enabled=False,
                        tasks_enabled=False)
    monkeypatch.setattr(cli_support, "get_settings", lambda: settings)

    result = runner.invoke(app, ["exchange", "ping", "--member", "CQ", "--to", "SC"])

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "SC" in lines[0] and "不可达" in lines[0]
    shutil.rmtree(var)
