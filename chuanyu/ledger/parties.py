"""Parties to ledger entries: administrative units by GB/T 2260 code, plus bodies and zones."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from chuanyu import divisions
from chuanyu.ledger.errors import UnknownParty
from chuanyu.ledger.yamlio import load_yaml

# Levels of a party; the first three come from the division table.
PARTY_LEVELS = ("province", "prefecture", "county", "department", "agency", "zone", "joint")
LEVEL_LABELS = {
    "province": "省级",
    "prefecture": "地级市（州）",
    "county": "区县",
    "department": "省市部门",
    "agency": "机构",
    "zone": "新区/园区",
    "joint": "联合机构",
}
REGION_LABELS = {"CQ": "重庆", "SC": "四川"}


@dataclass(frozen=True, slots=True)
class Party:
    """A party with the attributes category rules look at."""

    code: str
    name: str
    region: str
    level: str
    is_division: bool
    border: bool
    located_in: str | None = None

    @property
    def label(self) -> str:
        """Name with the city for Sichuan counties (e.g. 广安市邻水县)."""
        if self.is_division and self.level == "county" and self.region == "SC":
            city = divisions.city_of(self.code)
            if city is not None:
                return f"{city.name}{self.name}"
        return self.name


@cache
def bodies() -> dict[str, Party]:
    """Bodies and zones shipped as package data, by code."""
    text = resources.files("chuanyu.ledger").joinpath("data", "parties.yaml").read_text("utf-8")
    out: dict[str, Party] = {}
    for row in load_yaml(text):
        out[row["code"]] = Party(
            code=row["code"],
            name=row["name"],
            region=row["region"],
            level=row["level"],
            is_division=False,
            border=False,
            located_in=row.get("located_in"),
        )
    return out


@cache
def find(code: str) -> Party | None:
    """The party with this code (division or body), or None."""
    body = bodies().get(code)
    if body is not None:
        return body
    division = divisions.get(code)
    if division is None:
        return None
    return Party(
        code=division.code,
        name=division.name,
        region=division.region,
        level=division.level,
        is_division=True,
        border=divisions.is_border_unit(division.code),
        located_in=division.parent_code,
    )


def get(code: str) -> Party:
    """The party with this code; raises `UnknownParty`."""
    party = find(code)
    if party is None:
        raise UnknownParty(code)
    return party


def all_parties() -> list[Party]:
    """Every known party: divisions in force in 2020 first, then bodies."""
    units = [find(d.code) for d in divisions.all_divisions()]
    return [p for p in units if p is not None] + list(bodies().values())
