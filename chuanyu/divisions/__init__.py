"""Administrative divisions of Chongqing and Sichuan (GB/T 2260), shared by every domain.

    >>> from chuanyu import divisions
    >>> divisions.name("500152")
    '潼南区'
    >>> divisions.city_of("511623").name
    '广安市'

History: `valid_on(code_or_name, day)` says which unit carried a code or name on a day since
2000, and `successor(code, day)` maps an old code to the one standing for it that day, with a
note for the record (see `history.py` for the sources and their precision).

    >>> divisions.successor("500234", date(2020, 1, 1)).code
    '500154'

Adjacency (毗邻): `is_border_unit(code, on)` says whether a unit borders the other region;
`adjacency_basis(code)` says how sure the table is (see `data/adjacency_cq_sc.csv`). Without a
day, adjacency answers for the base state of the table (2020-06-30).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from chuanyu.divisions.history import (
    HISTORY_START,
    Mapped,
    NoSuccessor,
    Period,
    periods,
    successor,
    valid_on,
)
from chuanyu.divisions.table import (
    BASE_STATE,
    COUNTY,
    PREFECTURE,
    PROVINCE,
    Change,
    Division,
    UnknownDivision,
    changes,
    table,
)

__all__ = [
    "BASE_STATE",
    "COUNTY",
    "HISTORY_START",
    "PREFECTURE",
    "PROVINCE",
    "Change",
    "Division",
    "Mapped",
    "NoSuccessor",
    "Period",
    "UnknownDivision",
    "adjacency_basis",
    "all_divisions",
    "border_units",
    "changes",
    "children",
    "city_of",
    "get",
    "is_border_unit",
    "is_valid",
    "name",
    "periods",
    "province_of",
    "region_of",
    "require",
    "successor",
    "valid_on",
]


def get(code: str) -> Division | None:
    """The division with this code, or None when the code is unknown."""
    return table().get(code)


def require(code: str) -> Division:
    """The division with this code; raises `UnknownDivision` when unknown."""
    division = table().get(code)
    if division is None:
        raise UnknownDivision(code)
    return division


def is_valid(code: str, on: date | None = None) -> bool:
    """True when `code` is a known unit (in force on `on`, when a date is given)."""
    division = table().get(code)
    if division is None:
        return False
    return True if on is None else division.in_force(on)


def name(code: str) -> str:
    """The unit's name; raises `UnknownDivision`."""
    return require(code).name


def children(code: str, on: date | None = None) -> list[Division]:
    """Direct subordinate units, by code (only those in force on `on`, when given)."""
    require(code)
    found = [d for d in table().values() if d.parent_code == code]
    if on is not None:
        found = [d for d in found if d.in_force(on)]
    return sorted(found, key=lambda d: d.code)


def province_of(code: str) -> Division:
    """The province-level unit (重庆市 or 四川省) the unit belongs to."""
    require(code)
    return require(code[:2] + "0000")


def city_of(code: str) -> Division | None:
    """The prefecture-level city of a unit (itself for a prefecture); None in Chongqing."""
    division = require(code)
    if division.level == PREFECTURE:
        return division
    if division.level == PROVINCE or division.parent_code is None:
        return None
    parent = require(division.parent_code)
    return parent if parent.level == PREFECTURE else None


def region_of(code: str) -> str:
    """Member id (`CQ` or `SC`) of the region the unit lies in."""
    return require(code).region


def all_divisions(on: date | None = None) -> list[Division]:
    """Every unit by code (only those in force on `on`, when given)."""
    units = sorted(table().values(), key=lambda d: d.code)
    return units if on is None else [d for d in units if d.in_force(on)]


@dataclass(frozen=True, slots=True)
class _Border:
    basis: str
    valid_from: date | None
    valid_until: date | None

    def holds(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on < self.valid_until
        )


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@cache
def _adjacency() -> dict[str, _Border]:
    text = (
        resources.files("chuanyu.divisions")
        .joinpath("data", "adjacency_cq_sc.csv")
        .read_text("utf-8")
    )
    return {
        row["code"]: _Border(row["basis"], _day(row["valid_from"]), _day(row["valid_until"]))
        for row in csv.DictReader(text.splitlines())
    }


def _border_on(code: str, on: date | None) -> _Border | None:
    border = _adjacency().get(code)
    return border if border is not None and border.holds(on or BASE_STATE) else None


def is_border_unit(code: str, on: date | None = None) -> bool:
    """True when the unit borders the other region on `on` (default: the 2020 base state)."""
    require(code)
    # Listed explicitly: a county of a bordering prefecture need not border the other region.
    return _border_on(code, on) is not None


def adjacency_basis(code: str, on: date | None = None) -> str | None:
    """How the border status is known: `seed`, `unverified`, or None when not a border unit."""
    require(code)
    border = _border_on(code, on)
    return border.basis if border is not None else None


def border_units(
    region: str | None = None, level: str | None = None, on: date | None = None
) -> list[Division]:
    """Units that border the other region on `on`, optionally only of one region and level."""
    units = [require(code) for code in _adjacency() if _border_on(code, on) is not None]
    if region is not None:
        units = [d for d in units if d.region == region]
    if level is not None:
        units = [d for d in units if d.level == level]
    return sorted(units, key=lambda d: d.code)
