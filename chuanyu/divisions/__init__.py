"""Administrative divisions of Chongqing and Sichuan (GB/T 2260), shared by every domain.

    >>> from chuanyu import divisions
    >>> divisions.name("500152")
    '潼南区'
    >>> divisions.city_of("511623").name
    '广安市'

Adjacency (毗邻): `is_border_unit(code)` says whether a unit borders the other region;
`adjacency_basis(code)` says how sure the table is (see `data/adjacency_cq_sc.csv`).
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from importlib import resources

from chuanyu.divisions.table import (
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
    "COUNTY",
    "PREFECTURE",
    "PROVINCE",
    "Change",
    "Division",
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
    "province_of",
    "region_of",
    "require",
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


@cache
def _adjacency() -> dict[str, str]:
    text = (
        resources.files("chuanyu.divisions")
        .joinpath("data", "adjacency_cq_sc.csv")
        .read_text("utf-8")
    )
    return {row["code"]: row["basis"] for row in csv.DictReader(text.splitlines())}


def is_border_unit(code: str) -> bool:
    """True when the unit borders the other region (a 毗邻 district, county or city)."""
    require(code)
    # Listed explicitly: a county of a bordering prefecture need not border the other region.
    return code in _adjacency()


def adjacency_basis(code: str) -> str | None:
    """How the border status is known: `seed`, `unverified`, or None when not a border unit."""
    require(code)
    return _adjacency().get(code)


def border_units(region: str | None = None, level: str | None = None) -> list[Division]:
    """Units that border the other region, optionally only of one region and level."""
    units = [require(code) for code in _adjacency()]
    if region is not None:
        units = [d for d in units if d.region == region]
    if level is not None:
        units = [d for d in units if d.level == level]
    return sorted(units, key=lambda d: d.code)
