"""Statutory public holidays as the law fixes them (全国年节及纪念日放假办法).

Two revisions matter to the clock: the 2013 one (in force 2014-01-01) and the 2024 one (in force
2025-01-01), which added 除夕 and a second day of 劳动节. Lunar dates and the 清明 solar term come
from `lunar_python`. The announced schedule of each year moves weekends around these days (调休);
the law alone cannot know that, so a calendar built from it is only provisional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from lunar_python import Lunar, LunarYear

FIRST_LAW_YEAR = 2014  # the 2013 revision; earlier schedules are not checked
CURRENT_LAW_YEAR = 2025  # the 2024 revision
LAST_LUNAR_YEAR = 2100

# The festival names used in schedule files, in calendar order.
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


@dataclass(frozen=True)
class StatutoryDay:
    """A day off fixed by law: the day itself, its festival and, for 补假, the day it replaces."""

    day: date
    festival: str
    in_lieu_of: date | None = None

    @property
    def label(self) -> str:
        """How the day is shown: the festival, or the festival's compensatory day."""
        return f"{self.festival}补假" if self.in_lieu_of else self.festival


def _solar(lunar: Lunar) -> date:
    solar = lunar.getSolar()
    return date(int(solar.getYear()), int(solar.getMonth()), int(solar.getDay()))


def _lunar_day(lunar_year: int, month: int, day: int) -> date:
    return _solar(Lunar.fromYmd(lunar_year, month, day))


def _new_years_eve(year: int) -> date:
    """除夕: the last day of the lunar year that ends in Gregorian `year`."""
    last_month_days = int(LunarYear.fromYear(year - 1).getMonth(12).getDayCount())
    return _lunar_day(year - 1, 12, last_month_days)


def _qingming(year: int) -> date:
    """The day of the 清明 solar term in `year` (early April)."""
    term = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    return date(int(term.getYear()), int(term.getMonth()), int(term.getDay()))


def _run(first: date, days: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(days)]


def festival_days(year: int) -> dict[str, list[date]]:
    """Each festival's statutory days off in `year`, under the revision in force that year."""
    if not FIRST_LAW_YEAR <= year <= LAST_LUNAR_YEAR:
        raise ValueError(f"no statutory holidays known for {year}")
    current = year >= CURRENT_LAW_YEAR
    eve = _new_years_eve(year)
    return {
        "元旦": [date(year, 1, 1)],
        # 2024 revision: 除夕 to 初三; 2013 revision: 初一 to 初三.
        "春节": _run(eve, 4) if current else _run(eve + timedelta(days=1), 3),
        "清明节": [_qingming(year)],
        "劳动节": _run(date(year, 5, 1), 2 if current else 1),
        "端午节": [_lunar_day(year, 5, 5)],
        "中秋节": [_lunar_day(year, 8, 15)],
        "国庆节": _run(date(year, 10, 1), 3),
    }


@cache
def provisional_days(year: int) -> tuple[StatutoryDay, ...]:
    """The days off of `year` by the law alone: statutory days plus compensatory weekdays.

    Article 4: a statutory day on a Saturday or Sunday is made up by a weekday. Each such day,
    in date order, gets the first Monday-to-Friday after it that is neither a statutory day nor
    already given as a compensatory day. No weekend is turned into a working day.
    """
    names: dict[date, list[str]] = {}
    for name, days in festival_days(year).items():
        for day in days:
            names.setdefault(day, []).append(name)
    # Two festivals on one date (中秋 on 10-03 in 2028) are one day off: the law adds nothing.
    statutory = [StatutoryDay(day, "、".join(names[day])) for day in sorted(names)]
    taken = set(names)
    compensatory: list[StatutoryDay] = []
    for holiday in statutory:
        if holiday.day.weekday() < 5:
            continue
        candidate = holiday.day + timedelta(days=1)
        while candidate.weekday() >= 5 or candidate in taken:
            candidate += timedelta(days=1)
        taken.add(candidate)
        compensatory.append(StatutoryDay(candidate, holiday.festival, in_lieu_of=holiday.day))
    return tuple(sorted(statutory + compensatory, key=lambda s: s.day))


def missing_festivals(year: int, days_off: set[date]) -> dict[str, list[date]]:
    """Statutory days of `year` that a schedule does not give off, by festival (empty: complete).

    Years before the 2013 revision took effect are not checked.
    """
    if year < FIRST_LAW_YEAR or year > LAST_LUNAR_YEAR:
        return {}
    missing: dict[str, list[date]] = {}
    for name, days in festival_days(year).items():
        absent = [d for d in days if d not in days_off]
        if absent:
            missing[name] = absent
    return missing
