"""The working-day calendar behind every time limit.

Announced schedules loaded by an administrator take precedence; otherwise the `chinese_calendar`
package answers for the years it covers. A later year that neither covers is counted on a
provisional calendar built from the law (statutory days, compensatory weekdays, weekends), and
every answer that depends on it says so. Earlier uncovered years are an error naming the year.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import chinese_calendar
from chinese_calendar import constants

from chuanyu.window.errors import CalendarNotCovered
from chuanyu.window.holidays import HolidaySchedule
from chuanyu.window.statutory import LAST_LUNAR_YEAR, provisional_days

# A time limit is a few dozen working days; this bounds a walk that would otherwise never end.
MAX_WALK_DAYS = 3 * 366
# How far back a long-overdue case may still be counted (a day-by-day walk, still cheap).
MAX_SPAN_DAYS = 30 * 366


@cache
def package_years() -> frozenset[int]:
    """The years `chinese_calendar` has announced schedules for."""
    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    return frozenset(range(min(years), max(years) + 1))


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@cache
def _package_workdays(year: int) -> frozenset[date]:
    """The package's working days of a year it covers (asked once per year, then a set lookup)."""
    return frozenset(d for d in _days_of(year) if chinese_calendar.is_workday(d))


class WorkdayCalendar:
    """Working days in mainland China: weekends off, public holidays off, days in lieu worked."""

    def __init__(self, schedules: Iterable[HolidaySchedule] = ()) -> None:
        self._overrides: dict[date, tuple[bool, str]] = {}
        self._loaded_years: set[int] = set()
        self._loaded_workdays: dict[int, frozenset[date]] = {}
        self._provisional_labels: dict[int, dict[date, str]] = {}
        for schedule in sorted(schedules, key=lambda s: s.year):
            self._loaded_years.add(schedule.year)
            self._overrides.update(schedule.overrides())

    def source(self, year: int) -> str:
        """Where the answer for `year` comes from: 'loaded', 'package', 'provisional', or raises."""
        if year in self._loaded_years:
            return "loaded"
        if year in package_years():
            return "package"
        if max(package_years()) < year <= LAST_LUNAR_YEAR:
            return "provisional"
        raise CalendarNotCovered.for_year(year)

    def is_provisional(self, year: int) -> bool:
        """True when `year` is counted on the law-based provisional calendar."""
        return self.source(year) == "provisional"

    def provisional_between(self, start: date, end: date) -> bool:
        """True when any day in (start, end] lies in a provisional year."""
        low, high = min(start, end), max(start, end)
        if low == high:
            return False
        first = (low + timedelta(days=1)).year
        return any(self.is_provisional(year) for year in range(first, high.year + 1))

    def _provisional(self, year: int) -> dict[date, str]:
        labels = self._provisional_labels.get(year)
        if labels is None:
            labels = {d.day: d.label for d in provisional_days(year)}
            self._provisional_labels[year] = labels
        return labels

    def is_workday(self, day: date) -> bool:
        """True when `day` is a working day."""
        override = self._overrides.get(day)
        if override is not None:
            return override[0]
        source = self.source(day.year)
        if source == "package":
            return day in _package_workdays(day.year)
        if source == "provisional":
            return day.weekday() < 5 and day not in self._provisional(day.year)
        workdays = self._loaded_workdays.get(day.year)
        if workdays is None:
            workdays = frozenset(
                d for d in _days_of(day.year) if self._overrides.get(d, (d.weekday() < 5, ""))[0]
            )
            self._loaded_workdays[day.year] = workdays
        return day in workdays

    def describe(self, day: date) -> str:
        """A short label for `day`: 工作日, 周末, a festival name, or 调休上班."""
        override = self._overrides.get(day)
        if override is not None:
            return override[1]
        source = self.source(day.year)
        if source == "provisional":
            label = self._provisional(day.year).get(day)
            if label is not None:
                return f"{label}（暂定）"
        elif source == "package":
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            if name is not None:
                label = constants.Holiday(name).chinese
                return f"{label}调休上班" if not on_holiday else label
        return "工作日" if day.weekday() < 5 else "周末"

    def add_workdays(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (`start` itself not counted; 0 → `start`)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        current, left = start, days
        for _ in range(MAX_WALK_DAYS):
            if left == 0:
                return current
            current += timedelta(days=1)
            if self.is_workday(current):
                left -= 1
        raise ValueError(f"{days} working days after {start} is beyond the calendar's reach")

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when `end` is before `start`."""
        if end < start:
            return -self.workdays_between(end, start)
        if (end - start).days > MAX_SPAN_DAYS:
            raise ValueError(f"span {start}..{end} is beyond the calendar's reach")
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count
