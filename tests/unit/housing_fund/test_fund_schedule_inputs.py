"""`chuanyu fund schedule` and the schedule API refuse the same inputs, with readable reasons."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from chuanyu.core.messages import zh_message
from chuanyu.housing_fund.cli import app
from chuanyu.housing_fund.schemas import ScheduleQuery

runner = CliRunner()


@pytest.mark.parametrize(("principal", "rate", "reason"), [
    ("1e26", "3.25", "数值过大"),
    ("0.004", "3.25", "小数"),
    ("0.01", "3.25", "本金过小"),
    ("359.99", "3.25", "至少 360 元"),
    ("-5", "3.25", "应大于 0"),
    ("500000", "99", "应不大于 20"),
    ("500000", "-1", "应不小于 0"),
])
def test_schedule_command_refuses_what_the_api_refuses(principal: str, rate: str,
                                                       reason: str) -> None:
    result = runner.invoke(app, ["schedule", "--principal", principal, "--years", "30",
                                 "--rate", rate, "--format", "json"])
    assert result.exit_code == 2, result.output
    assert reason in " ".join(result.output.split()), result.output
    with pytest.raises(ValidationError) as refused:
        ScheduleQuery(principal=principal, years=30, rate=rate)  # type: ignore[arg-type]
    assert reason in zh_message(refused.value.errors()[0])


@pytest.mark.parametrize("method", ["annuity", "linear"])
@pytest.mark.parametrize("years", [1, 5, 30])
@pytest.mark.parametrize("rate", ["0", "3.25", "20"])
def test_smallest_principal_repays_every_month(method: str, years: int, rate: str) -> None:
    result = runner.invoke(app, ["schedule", "--principal", str(years * 12), "--years",
                                 str(years), "--rate", rate, "--method", method,
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert Decimal(plan["monthly_payment"]) >= 1
    assert Decimal(plan["total_payment"]) >= years * 12
