"""`chuanyu window …` in process: due dates, holiday loading, the catalogue, overdue cases."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from chuanyu import cli_support
from chuanyu.cli import app
from chuanyu.core import clock
from chuanyu.core.config import Settings
from chuanyu.core.db import write_scope
from chuanyu.node import open_node
from chuanyu.window.service import receive
from tests.integration.window.window_helpers import (
    SCHEDULE_2027,
    at,
    complete_request,
    load_both_catalogues,
    user,
)

runner = CliRunner()
ONLY_NEW_YEAR = {**SCHEDULE_2027, "festivals": SCHEDULE_2027["festivals"][:1]}


@pytest.fixture
def node_settings(
    monkeypatch: pytest.MonkeyPatch, federation_dir: Path, sqlite_template: Path, tmp_path: Path
) -> Settings:
    shutil.copy(sqlite_template, tmp_path / "CQ.db")
    settings = Settings(
        member="CQ", var_dir=tmp_path, federation_dir=federation_dir, relay_enabled=False
    )
    monkeypatch.setattr(cli_support, "get_settings", lambda: settings)
    return settings


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["window", *args])
    return result.exit_code, result.output


def test_due_needs_no_database_and_names_an_uncovered_year(tmp_path: Path) -> None:
    assert run("due", "--received", "2020-09-30", "--limit", "3") == (0, "2020-10-12\n")
    assert run("due", "--received", "2020-01-22", "--limit", "2") == (0, "2020-02-03\n")
    code, output = run("due", "--received", "2027-01-25", "--limit", "20")
    assert code == 0 and output.startswith("2027-02-26\t暂定") and "2027" in output
    code, output = run("due", "--received", "2003-06-02", "--limit", "5")
    assert code == 1 and "2003" in output
    file = tmp_path / "2027.yaml"
    file.write_text(yaml.safe_dump(SCHEDULE_2027, allow_unicode=True), encoding="utf-8")
    assert run("due", "--received", "2027-01-25", "--limit", "20", "--holidays", str(file)) == (
        0,
        "2027-03-01\n",
    )


def test_node_commands(node_settings: Settings, tmp_path: Path) -> None:
    code, output = run("catalogue", "load", "--member", "CQ")
    assert code == 0 and "8" in output
    code, output = run("catalogue", "list", "--member", "CQ", "--region", "CQ")
    assert code == 0 and "CQ-SCJG-001" in output

    partial = tmp_path / "partial.yaml"
    partial.write_text(yaml.safe_dump(ONLY_NEW_YEAR, allow_unicode=True), encoding="utf-8")
    code, output = run("load-holidays", str(partial), "--member", "CQ")
    assert code == 1 and "不完整" in output and "春节" in output and "中秋节" in output
    file = tmp_path / "2027.yaml"
    file.write_text(yaml.safe_dump(SCHEDULE_2027, allow_unicode=True), encoding="utf-8")
    code, output = run("load-holidays", str(file), "--member", "CQ")
    assert code == 0 and "2027" in output and "重算 0 件" in output
    assert run("due", "--received", "2027-01-25", "--limit", "20", "--member", "CQ") == (
        0,
        "2027-03-01\n",
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump({**SCHEDULE_2027, "festivals": []}), encoding="utf-8")
    code, output = run("load-holidays", str(broken), "--member", "CQ")
    assert code == 1 and "festivals" in output

    code, output = run("overdue", "--member", "CQ")
    assert code == 0 and "没有" in output
    node = open_node(node_settings, migrate=False)
    try:
        with write_scope(node) as session, clock.freeze(at(date(2020, 9, 21))):
            load_both_catalogues(session, node)
            data, uploads = complete_request(session, "SC-YB-001")  # 1 working day
            number = receive(
                session=session,
                node=node,
                user=user("window_clerk", "CQ"),
                data=data,
                uploads=uploads,
            ).case_number
    finally:
        node.close()
    with clock.freeze(at(date(2020, 9, 25))):
        code, output = run("overdue", "--member", "CQ", "--json")
    assert code == 0
    listed = json.loads(output)
    assert [(i["case_number"], i["urgency"]) for i in listed] == [(number, "overdue")]
    with clock.freeze(at(date(2020, 9, 21))):
        code, output = run("overdue", "--member", "CQ")
    assert code == 0 and number in output and "临近到期" in output


def test_overdue_marks_provisional_due_dates(node_settings: Settings) -> None:
    node = open_node(node_settings, migrate=False)
    try:
        with write_scope(node) as session, clock.freeze(at(date(2026, 12, 4))):
            load_both_catalogues(session, node)
            data, uploads = complete_request(session, "CQ-GA-001")  # 20 working days
            number = receive(
                session=session,
                node=node,
                user=user("window_clerk", "CQ"),
                data=data,
                uploads=uploads,
            ).case_number
    finally:
        node.close()
    with clock.freeze(at(date(2027, 1, 4))):
        code, output = run("overdue", "--member", "CQ", "--json")
        assert code == 0
        listed = json.loads(output)
        assert [(i["case_number"], i["due_date"], i["due_provisional"]) for i in listed] == [
            (number, "2027-01-04", True)
        ]
        code, output = run("overdue", "--member", "CQ")
    assert code == 0 and "暂定" in output and "按法定节假日推算" in output
