"""Pages show timestamps in Beijing time, whatever form the timestamp arrives in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chuanyu.web import templates
from chuanyu.web.filters import beijing


@pytest.mark.parametrize("value", [
    datetime(2020, 7, 8, 16, 30, tzinfo=UTC),
    datetime(2020, 7, 8, 16, 30),  # naive values are UTC
    "2020-07-08T16:30:00Z",
    "2020-07-08T16:30:00+00:00",
])
def test_timestamp_is_shown_in_beijing_time(value: datetime | str) -> None:
    assert beijing(value) == "2020-07-09 00:30"


def test_missing_timestamp_shows_nothing() -> None:
    assert beijing(None) == ""


def test_templates_know_the_filter() -> None:
    page = templates.env.from_string("{{ at | beijing('%Y年%m月%d日 %H:%M') }}")
    assert page.render(at=datetime(2020, 12, 31, 16, 0, tzinfo=UTC)) == "2021年01月01日 00:00"
