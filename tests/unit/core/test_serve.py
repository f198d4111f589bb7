"""`node serve --workers N`: several workers only on PostgreSQL."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from chuanyu.cli import app
from chuanyu.core.config import Settings
from chuanyu.serve import SingleProcessOnly, check_workers


def test_several_workers_on_sqlite_are_refused() -> None:
    with pytest.raises(SingleProcessOnly, match="PostgreSQL"):
        check_workers(Settings(), 2)


def test_one_worker_on_sqlite_and_several_on_postgresql_are_allowed() -> None:
    check_workers(Settings(), 1)
    check_workers(Settings(database_url="postgresql://db.example/chuanyu"), 4)


def test_zero_workers_are_refused() -> None:
    with pytest.raises(SingleProcessOnly):
        check_workers(Settings(database_url="postgresql://db.example/chuanyu"), 0)


def test_node_serve_refuses_workers_on_sqlite_with_a_message() -> None:
    result = CliRunner().invoke(app, ["node", "serve", "--member", "CQ", "--workers", "2"])
    assert result.exit_code == 2
    assert "PostgreSQL" in result.output and "--workers" in result.output


def test_node_work_is_refused_on_sqlite() -> None:
    result = CliRunner().invoke(app, ["node", "work", "--member", "CQ"])
    assert result.exit_code == 2
    assert "PostgreSQL" in result.output
