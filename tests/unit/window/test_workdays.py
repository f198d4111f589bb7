"""The working-day calendar: package data, loaded schedules, and the uncovered-year error."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import chinese_calendar
import pytest

from chuanyu.core.errors import InvalidInput
from chuanyu.window.errors import CalendarNotCovered
from chuanyu.window.holidays import parse_schedule, read_schedule_file
from chuanyu.window.workdays import WorkdayCalendar

# A made-up schedule for a year the package does not cover, used only by these tests.
SAMPLE_2027 = {
    "year": 2027,
    "announcement": "测试用的 2027 年安排（非真实通知）",
    "festivals": [
        {"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"},
        {
            "name": "春节",
            "start": "2027-02-06",
            "end": "2027-02-12",
            "adjusted_workdays": ["2027-02-13"],
        },
    ],
}


@pytest.fixture
def calendar() -> WorkdayCalendar:
    return WorkdayCalendar()


def test_due_date_across_2020_national_day(calendar: WorkdayCalendar) -> None:
    # 10-01..10-08 off; Friday 10-09 and the make-up Saturday 10-10 count, Sunday 10-11 does not.
    assert calendar.add_workdays(date(2020, 9, 30), 1) == date(2020, 10, 9)
    assert calendar.add_workdays(date(2020, 9, 30), 2) == date(2020, 10, 10)
    assert calendar.add_workdays(date(2020, 9, 30), 3) == date(2020, 10, 12)


def test_adjusted_working_sunday_before_national_day_counts(calendar: WorkdayCalendar) -> None:
    # Received Friday 2020-09-25: the next working day is the make-up Sunday 09-27.
    assert calendar.add_workdays(date(2020, 9, 25), 1) == date(2020, 9, 27)
    assert calendar.is_workday(date(2020, 9, 27))
    assert not calendar.is_workday(date(2020, 9, 26))
    assert calendar.describe(date(2020, 9, 27)) == "国庆节调休上班"


def test_day_of_receipt_is_not_counted(calendar: WorkdayCalendar) -> None:
    assert calendar.add_workdays(date(2020, 9, 28), 1) == date(2020, 9, 29)
    assert calendar.add_workdays(date(2020, 9, 28), 0) == date(2020, 9, 28)


def test_due_date_across_extended_2020_spring_festival(calendar: WorkdayCalendar) -> None:
    # The break ran 01-24..02-02 (extended from 01-30); Saturday 02-01 was no longer worked.
    assert calendar.add_workdays(date(2020, 1, 22), 1) == date(2020, 1, 23)
    assert calendar.add_workdays(date(2020, 1, 22), 2) == date(2020, 2, 3)
    assert calendar.add_workdays(date(2020, 1, 23), 5) == date(2020, 2, 7)
    assert not calendar.is_workday(date(2020, 2, 1))
    assert calendar.is_workday(date(2020, 1, 19))


def test_receipt_on_a_holiday_counts_from_the_next_working_day(calendar: WorkdayCalendar) -> None:
    assert calendar.add_workdays(date(2020, 10, 3), 1) == date(2020, 10, 9)


def test_workdays_between_matches_add_workdays(calendar: WorkdayCalendar) -> None:
    start = date(2020, 9, 20)
    for n in range(0, 15):
        due = calendar.add_workdays(start, n)
        assert calendar.workdays_between(start, due) == n
        assert calendar.workdays_between(due, start) == -n


def test_year_before_the_package_is_an_error_naming_the_year(calendar: WorkdayCalendar) -> None:
    with pytest.raises(CalendarNotCovered) as caught:
        calendar.is_workday(date(2003, 6, 2))
    assert caught.value.year == 2003
    assert "2003" in caught.value.detail


def test_year_after_the_package_is_counted_provisionally(calendar: WorkdayCalendar) -> None:
    # 12-29..12-31, then 01-01 off by law, Monday 01-04 and Tuesday 01-05.
    assert calendar.add_workdays(date(2026, 12, 28), 5) == date(2027, 1, 5)
    assert calendar.provisional_between(date(2026, 12, 28), date(2027, 1, 5))


def test_loaded_schedule_covers_a_new_year() -> None:
    calendar = WorkdayCalendar([parse_schedule(SAMPLE_2027)])
    assert calendar.source(2027) == "loaded"
    # 2026-12-31 Thu, 2027-01-01..03 off, Monday 01-04 is the 2nd working day.
    assert calendar.add_workdays(date(2026, 12, 30), 2) == date(2027, 1, 4)
    assert calendar.add_workdays(date(2027, 2, 5), 1) == date(2027, 2, 13)
    assert calendar.describe(date(2027, 2, 13)) == "春节调休上班"
    assert not calendar.is_workday(date(2027, 2, 14))


def test_loaded_schedule_takes_precedence_over_the_package() -> None:
    corrected = {
        "year": 2020,
        "announcement": "测试用的更正安排（非真实通知）",
        "festivals": [{"name": "国庆节", "start": "2020-10-01", "end": "2020-10-04"}],
    }
    calendar = WorkdayCalendar([parse_schedule(corrected)])
    assert calendar.is_workday(date(2020, 10, 5))
    # The package's make-up Sunday is not in the loaded schedule, so it is a plain weekend.
    assert not calendar.is_workday(date(2020, 9, 27))


def test_shipped_2026_schedule_agrees_with_the_package_every_day() -> None:
    path = Path(str(resources.files("chuanyu.window") / "data" / "holidays" / "2026.yaml"))
    loaded = WorkdayCalendar([read_schedule_file(path)])
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert loaded.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("change", "field_hint"),
    [
        ({"year": 1999}, "year"),
        ({"festivals": []}, "festivals"),
        ({"festivals": [{"name": "春节", "start": "2027-02-12", "end": "2027-02-06"}]}, "结束"),
        ({"festivals": [{"name": "春节", "start": "2027-02-01", "end": "2027-02-28"}]}, "超过"),
        (
            {
                "festivals": [
                    {
                        "name": "春节",
                        "start": "2027-02-06",
                        "end": "2027-02-12",
                        "adjusted_workdays": ["2027-02-15"],
                    }
                ]
            },
            "不是周末",
        ),
        (
            {
                "festivals": [
                    {"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"},
                    {"name": "春节", "start": "2027-01-03", "end": "2027-01-05"},
                ]
            },
            "同时出现",
        ),
        ({"festivals": [{"name": "元旦", "start": "2026-01-01", "end": "2026-01-03"}]}, "不在"),
        ({"extra": 1}, "extra"),
    ],
)
def test_invalid_schedule_is_refused_with_the_field(change: dict, field_hint: str) -> None:
    data = {**SAMPLE_2027, **change}
    with pytest.raises(InvalidInput) as caught:
        parse_schedule(data)
    text = " ".join(f"{e.field} {e.message}" for e in caught.value.errors)
    assert field_hint in text


def test_unreadable_schedule_file_is_invalid_input(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("year: [unclosed", encoding="utf-8")
    with pytest.raises(InvalidInput):
        read_schedule_file(path)
