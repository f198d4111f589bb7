"""Pages show timestamps in Beijing time, whatever form the timestamp arrives in."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chuanyu.web import templates
from chuanyu.web.filters import beijing, cn_date


@pytest.mark.parametrize("value", [
    datetime(2020, 7, 8, 16, 30, tzinfo=UTC),
    datetime(2020, 7, 8, 16, 30),  # naive values are UTC
    "2020-07-08T16:30:00Z",
    "2020-07-08T16:30:00+00:00",
])
def test_timestamp_is_shown_in_beijing_time(value: datetime | str) -> None:
    assert beijing(value) == "2020年7月9日 00:30"


def test_missing_timestamp_shows_nothing() -> None:
    assert beijing(None) == ""


def test_templates_know_the_filters() -> None:
    page = templates.env.from_string("{{ at | beijing }} / {{ at | cn_date }} / {{ d | cn_date }}")
    rendered = page.render(at=datetime(2020, 12, 31, 16, 0, tzinfo=UTC), d=date(2026, 12, 3))
    assert rendered == "2021年1月1日 00:00 / 2021年1月1日 / 2026年12月3日"


def test_machine_formats_stay_available() -> None:
    assert beijing("2020-07-08T16:30:00Z", "%Y-%m-%d") == "2020-07-09"


def test_a_date_reads_as_chinese() -> None:
    assert cn_date("2026-12-03") == "2026年12月3日"
    assert cn_date(None) == ""
