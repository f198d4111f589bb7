"""Which code and name were in force on a given day, and what an old code became.

Two sources, the first winning where both speak: our own table (the 2020 state plus the change
list in `data/admin_division_changes_cq_sc.csv`, exact days where a source gives one), and, for
the years before our change list (2000-2015), the code history python-stdnum ships with
(`stdnum.cn.loc`, GB/T 2260 vintages to the year).

Precision is reported, never invented. A boundary known only to the year is placed on 1 January
of that year and answered with `precision="year"`: on a day of that year the new unit is the
best answer, not a certain one (validation, by contrast, accepts both the old and the new code
throughout that year: see `Division.in_force`). A successor is only ever taken from the change
list: stdnum's table says when a code ended, not what replaced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from chuanyu.core.identifiers import address_codes, address_periods
from chuanyu.divisions.table import Change, Division, UnknownDivision, changes, table

# The history answers from this day on; earlier dates are outside what it models.
HISTORY_START = date(2000, 1, 1)
DAY = "day"
YEAR = "year"


@dataclass(frozen=True, slots=True)
class Period:
    """A code under one name, in force from `start` (inclusive) to `end` (exclusive, None open)."""

    code: str
    name: str
    start: date | None
    end: date | None
    precision: str

    def contains(self, on: date) -> bool:
        """True when the code carried this name on `on`."""
        return (self.start is None or self.start <= on) and (self.end is None or on < self.end)


@dataclass(frozen=True, slots=True)
class Mapped:
    """A code as it stands on a date: itself, or its successor with a note saying why."""

    code: str
    name: str
    note: str | None
    precision: str


class NoSuccessor(LookupError):
    """An old code ended and the change list does not say what replaced it."""

    def __init__(self, code: str, name: str) -> None:
        super().__init__(code)
        self.code = code
        self.name = name

    def __str__(self) -> str:
        return f"行政区划代码 {self.code}（{self.name}）已停用，且没有记录其后继代码"


def _jan1(year: int | None) -> date | None:
    return date(year, 1, 1) if year is not None else None


def _from_table(unit: Division) -> Period:
    start = unit.valid_from or _jan1(unit.valid_from_year)
    end = unit.valid_until or _jan1(unit.valid_until_year)
    exact = (unit.valid_from_year is None or unit.valid_from is not None) and (
        unit.valid_until_year is None or unit.valid_until is not None
    )
    if unit.valid_from_year is None:
        # Not created by a listed change: stdnum knows when the code began (璧山区 in 2014).
        begun = [p.first_year for p in address_periods(unit.code) if p.name == unit.name]
        if begun and begun[0] is not None and begun[0] > HISTORY_START.year:
            start, exact = _jan1(begun[0]), False
    return Period(unit.code, unit.name, start, end, DAY if exact else YEAR)


def _from_stdnum(code: str) -> list[Period]:
    # stdnum's years are inclusive on both ends: both names count in a year of change.
    return [
        Period(
            code, p.name, _jan1(p.first_year), _jan1(p.last_year + 1 if p.last_year else None), YEAR
        )
        for p in address_periods(code)
        if p.last_year is None or p.last_year >= HISTORY_START.year
    ]


@cache
def _all_periods() -> tuple[Period, ...]:
    units = table()
    found = [_from_table(unit) for unit in units.values()]
    for province in ("50", "51"):
        for code in address_codes(province):
            if code not in units:
                found.extend(_from_stdnum(code))
    return tuple(sorted(found, key=lambda p: (p.code, p.start or date.min)))


def periods(code: str) -> list[Period]:
    """Every name a code carried since 2000, oldest first."""
    return [p for p in _all_periods() if p.code == code]


def valid_on(code_or_name: str, on: date) -> list[Period]:
    """The units in force on `on` under this code, or with this name (several when shared)."""
    key = code_or_name.strip()
    if key.isdigit():
        return [p for p in periods(key) if p.contains(on)]
    return [p for p in _all_periods() if p.name == key and p.contains(on)]


def _change_of(code: str) -> Change | None:
    return next((c for c in changes() if c.old_code == code), None)


def _effective(change: Change) -> date:
    return change.effective or date(change.year, 1, 1)


def _note(change: Change) -> str:
    day = change.effective
    when = f"{day.year}年{day.month}月{day.day}日" if day else f"{change.year}年（具体日期不详）"
    return (
        f"原代码 {change.old_code}（{change.old_name}）于{when}"
        f"变更为 {change.new_code}（{change.new_name}）"
    )


def successor(code: str, on: date) -> Mapped:
    """The code that stands for `code` on `on`, following listed changes (raises NoSuccessor)."""
    notes: list[str] = []
    year_only = False
    current = code
    while (change := _change_of(current)) is not None and _effective(change) <= on:
        notes.append(_note(change))
        year_only = year_only or change.effective is None
        current = change.new_code
    in_force = valid_on(current, on)
    if not in_force:
        known = periods(current)
        if not known:
            raise UnknownDivision(current)
        raise NoSuccessor(current, known[-1].name)
    if not notes:
        return Mapped(current, in_force[-1].name, None, in_force[-1].precision)
    return Mapped(current, in_force[-1].name, "；".join(notes), YEAR if year_only else DAY)
