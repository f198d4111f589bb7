"""Reference data of the jobs domain: industries, occupation groups, divisions, phrase lists.

Divisions come from the shared `chuanyu.divisions` table; the rest ships in `jobs/data/`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from chuanyu import divisions

INDUSTRY_SECTIONS: dict[str, str] = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}
"""GB/T 4754-2017 sections A–T."""

OCCUPATION_GROUPS: dict[str, str] = {
    "1": "党的机关、国家机关、群众团体和社会组织、企事业单位负责人",
    "2": "专业技术人员",
    "3": "办事人员和有关人员",
    "4": "社会生产服务和生活服务人员",
    "5": "农、林、牧、渔业生产及辅助人员",
    "6": "生产制造及有关人员",
    "7": "军人",
    "8": "不便分类的其他从业人员",
}
"""Major groups of the 2015 occupation classification (职业分类大典)."""


@dataclass(frozen=True, slots=True)
class Occupation:
    """A job title of the generator's catalogue with its group, phrase family and pay."""

    title: str
    group: str
    family: str
    salary_low: int
    salary_high: int
    education: str
    experience: str
    industries: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a county-level unit sits: its province, city and own code, with names."""

    province: str
    city: str
    district: str
    label: str


def _data(name: str) -> str:
    return resources.files("chuanyu.jobs").joinpath("data", name).read_text("utf-8")


@cache
def occupations() -> tuple[Occupation, ...]:
    """The job-title catalogue (`data/occupations.csv`)."""
    out = []
    for row in csv.DictReader(_data("occupations.csv").splitlines()):
        weights = tuple(
            (sec, int(w)) for sec, w in (part.split(":") for part in row["industries"].split())
        )
        out.append(
            Occupation(
                title=row["title"],
                group=row["group"],
                family=row["family"],
                salary_low=int(row["salary_low"]),
                salary_high=int(row["salary_high"]),
                education=row["education"],
                experience=row["experience"],
                industries=weights,
            )
        )
    return tuple(out)


@cache
def phrases() -> dict[str, Any]:
    """Duty, requirement, working-time and benefit phrases (`data/phrases.yaml`)."""
    data: dict[str, Any] = yaml.safe_load(_data("phrases.yaml"))
    return data


@cache
def employer_parts() -> dict[str, Any]:
    """Parts of generated employer names (`data/employers.yaml`)."""
    data: dict[str, Any] = yaml.safe_load(_data("employers.yaml"))
    return data


@cache
def place(code: str) -> Place:
    """Province, city and district codes of a county-level (or higher) unit, with a label.

    Chongqing has no prefecture level: its city is the municipality itself.
    """
    unit = divisions.require(code)
    province = divisions.province_of(code)
    city = divisions.city_of(code) or province
    names = [province.name]
    if city.code != province.code:
        names.append(city.name)
    if unit.code not in (city.code, province.code):
        names.append(unit.name)
    return Place(province=province.code, city=city.code, district=unit.code, label="".join(names))


@cache
def work_locations(member: str, on: date) -> tuple[str, ...]:
    """County-level units of a region in force on `on` (the places postings are for)."""
    return tuple(
        d.code
        for d in divisions.all_divisions(on=on)
        if d.level == divisions.COUNTY and d.region == member
    )
