"""The GB/T 2260 table of Chongqing and Sichuan divisions, with validity from the change list.

The base table is the state of 2020-06-30. Codes that a later or earlier change created or
abolished are added from the change list, so a code can be checked "as of" a date. Where a
change is known only to the year, both the old and the new code count as valid during that
year: the table does not pretend to know the day.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

PROVINCE = "province"
PREFECTURE = "prefecture"
COUNTY = "county"

REGION_BY_PROVINCE = {"500000": "CQ", "510000": "SC"}
# The base table is the state on this day: a code missing from it was not in force then.
BASE_STATE = date(2020, 6, 30)


class UnknownDivision(KeyError):
    """A code that is not in the table."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return f"未知的行政区划代码：{self.code}"


@dataclass(frozen=True, slots=True)
class Division:
    """One administrative unit with the years (or exact dates) it was in force."""

    code: str
    name: str
    level: str
    parent_code: str | None
    valid_from_year: int | None = None
    valid_from: date | None = None
    valid_until_year: int | None = None
    valid_until: date | None = None

    @property
    def region(self) -> str:
        """Member id of the region the unit lies in (`CQ` or `SC`)."""
        return REGION_BY_PROVINCE[self.code[:2] + "0000"]

    def in_force(self, on: date) -> bool:
        """True when the unit existed on `on` (lenient inside a year known only as a year)."""
        if self.valid_from is not None and on < self.valid_from:
            return False
        if (
            self.valid_from is None
            and self.valid_from_year is not None
            and on.year < self.valid_from_year
        ):
            return False
        if self.valid_until is not None and on >= self.valid_until:
            return False
        return not (
            self.valid_until is None
            and self.valid_until_year is not None
            and on.year > self.valid_until_year
        )


@dataclass(frozen=True, slots=True)
class Change:
    """A code change: the old unit ended and the new one began in `year` (or on `effective`)."""

    old_code: str
    old_name: str
    new_code: str
    new_name: str
    year: int
    effective: date | None
    note: str


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("chuanyu.divisions").joinpath("data", filename).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def changes() -> tuple[Change, ...]:
    """The code changes in Chongqing and Sichuan since 2016, oldest first."""
    out = []
    for row in _rows("admin_division_changes_cq_sc.csv"):
        eff = date.fromisoformat(row["effective_date"]) if row["effective_date"] else None
        out.append(
            Change(
                old_code=row["old_code"],
                old_name=row["old_name"],
                new_code=row["new_code"],
                new_name=row["new_name"],
                year=int(row["year"]),
                effective=eff,
                note=row["note"],
            )
        )
    return tuple(sorted(out, key=lambda c: (c.year, c.old_code)))


def _upper_bound(ch: Change, base: dict[str, Division]) -> date | None:
    """The base-table day when a change of that year had already happened, if it had."""
    if ch.year == BASE_STATE.year and ch.new_code in base and ch.old_code not in base:
        return BASE_STATE
    return None


def _former_parent(code: str, level: str, base: dict[str, Division]) -> str | None:
    """The prefecture an abolished county's code points to (简阳市 512081 lay under 资阳 512000)."""
    prefecture = code[:4] + "00"
    return prefecture if level == COUNTY and prefecture in base else None


@cache
def table() -> dict[str, Division]:
    """Every known code (2020 base table plus units created or ended by a change)."""
    base: dict[str, Division] = {}
    for row in _rows("admin_divisions_cq_sc.csv"):
        base[row["code"]] = Division(
            code=row["code"],
            name=row["name"],
            level=row["level"],
            parent_code=row["parent_code"] or None,
        )
    units = dict(base)
    for ch in changes():
        known = units.get(ch.old_code) or units.get(ch.new_code)
        level = known.level if known else COUNTY
        parent = known.parent_code if known else ch.old_code[:2] + "0000"
        old = units.get(ch.old_code) or Division(
            ch.old_code, ch.old_name, level, _former_parent(ch.old_code, level, base) or parent
        )
        units[ch.old_code] = Division(
            code=old.code,
            name=old.name,
            level=old.level,
            parent_code=old.parent_code,
            valid_from_year=old.valid_from_year,
            valid_from=old.valid_from,
            valid_until_year=ch.year,
            valid_until=ch.effective or _upper_bound(ch, base),
        )
        new = units.get(ch.new_code) or Division(ch.new_code, ch.new_name, level, parent)
        units[ch.new_code] = Division(
            code=new.code,
            name=new.name,
            level=new.level,
            parent_code=new.parent_code,
            valid_from_year=ch.year,
            valid_from=ch.effective,
            valid_until_year=new.valid_until_year,
            valid_until=new.valid_until,
        )
    return units
