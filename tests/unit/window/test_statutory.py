"""The law-based provisional calendar, checked against the announced schedules of past years."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from chuanyu.window.errors import CalendarNotCovered
from chuanyu.window.statutory import festival_days, missing_festivals, provisional_days
from chuanyu.window.workdays import WorkdayCalendar


def _days(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def test_2027_statutory_days_follow_the_2024_revision() -> None:
    days = festival_days(2027)
    # 除夕 2027-02-05 (lunar 12/29, a short month) to 初三 02-08.
    assert days["春节"] == [date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)]
    assert days["清明节"] == [date(2027, 4, 5)]
    assert days["劳动节"] == [date(2027, 5, 1), date(2027, 5, 2)]
    assert days["端午节"] == [date(2027, 6, 9)]
    assert days["中秋节"] == [date(2027, 9, 15)]
    assert days["国庆节"] == [date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3)]
    assert sum(len(d) for d in days.values()) == 13


def test_weekend_statutory_days_get_the_next_free_weekday() -> None:
    labels = {d.day: d.label for d in provisional_days(2027)}
    # 初一 (Sat 02-06) and 初二 (Sun 02-07): 初三 is Monday, so Tuesday and Wednesday.
    assert labels[date(2027, 2, 9)] == "春节补假"
    assert labels[date(2027, 2, 10)] == "春节补假"
    assert date(2027, 2, 11) not in labels
    # 劳动节 Sat 05-01 and Sun 05-02 → Monday and Tuesday.
    assert labels[date(2027, 5, 3)] == labels[date(2027, 5, 4)] == "劳动节补假"
    # No weekend becomes a working day.
    assert all(d.day.weekday() < 5 for d in provisional_days(2027) if d.in_lieu_of)


def test_a_day_shared_by_two_festivals_is_one_day_off() -> None:
    # 2028: 中秋 falls on 10-03, inside 国庆.
    shared = [d for d in provisional_days(2028) if d.day == date(2028, 10, 3)]
    assert [d.label for d in shared] == ["中秋节、国庆节"]


@pytest.mark.parametrize("year", range(2014, 2027))
def test_statutory_days_are_rest_days_in_every_announced_schedule(year: int) -> None:
    statutory = [d for days in festival_days(year).values() for d in days]
    assert [d for d in statutory if chinese_calendar.is_workday(d)] == []


@pytest.mark.parametrize("year", [2025, 2026])
def test_provisional_calendar_against_the_announced_2025_and_2026(year: int) -> None:
    provisional = WorkdayCalendar()
    ours = {d.day for d in provisional_days(year)}
    assert all(not chinese_calendar.is_workday(d) for d in ours)
    # Where they differ, it is 调休: a bridge weekday off, paid back by a weekend worked.
    bridges = [d for d in _days(year) if d.weekday() < 5 and d not in ours]
    bridges = [d for d in bridges if not chinese_calendar.is_workday(d)]
    weekends = [d for d in _days(year) if d.weekday() >= 5]
    weekends_worked = [d for d in weekends if chinese_calendar.is_workday(d)]
    assert len(bridges) == len(weekends_worked) == {2025: 5, 2026: 6}[year]
    official = sum(chinese_calendar.is_workday(d) for d in _days(year))
    law_only = sum(d.weekday() < 5 and d not in ours for d in _days(year))
    assert official == law_only
    assert provisional.source(year) == "package"


def test_20_working_days_from_2026_12_04_end_on_a_provisional_2027_date() -> None:
    calendar = WorkdayCalendar()
    due = calendar.add_workdays(date(2026, 12, 4), 20)
    assert due == date(2027, 1, 4)  # 19 working days in December, 01-01 off, Monday 01-04
    assert calendar.provisional_between(date(2026, 12, 4), due)
    assert not calendar.provisional_between(date(2026, 12, 4), date(2026, 12, 31))
    assert calendar.source(2027) == "provisional"
    assert calendar.describe(date(2027, 2, 9)) == "春节补假（暂定）"
    assert not calendar.is_workday(date(2027, 10, 5))
    assert calendar.is_workday(date(2027, 10, 6))


def test_years_before_the_package_are_still_not_guessed() -> None:
    with pytest.raises(CalendarNotCovered):
        WorkdayCalendar().is_workday(date(2003, 6, 2))


def test_completeness_names_every_missing_festival() -> None:
    only_new_year = {date(2027, 1, 1)}
    missing = missing_festivals(2027, only_new_year)
    assert list(missing) == ["春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
    everything = {d for days in festival_days(2027).values() for d in days}
    assert missing_festivals(2027, everything) == {}
    assert missing_festivals(2027, everything - {date(2027, 2, 5)}) == {"春节": [date(2027, 2, 5)]}
    assert missing_festivals(2010, set()) == {}
