"""The registering authority (登记机关) of a domicile: the county-level market regulator."""

from __future__ import annotations

from dataclasses import dataclass

from chuanyu import divisions

MEMBER_PROVINCE = {"CQ": "500000", "SC": "510000"}


@dataclass(frozen=True)
class Authority:
    """A market regulator and the division code that goes into the credit codes it assigns."""

    name: str
    division_code: str


def authority_for(division_code: str) -> Authority:
    """The county-level market regulator responsible for a domicile in `division_code`.

    Chongqing's districts and counties are styled 重庆市X区市场监督管理局; a Sichuan district
    takes its prefecture's name first (成都市武侯区…), a county or county-level city stands alone.
    """
    unit = divisions.require(division_code)
    province = divisions.province_of(division_code)
    city = divisions.city_of(division_code)
    if city is None:
        prefix = province.name
    elif unit.name.endswith("区"):
        prefix = city.name
    else:
        prefix = ""
    return Authority(f"{prefix}{unit.name}市场监督管理局", unit.code)


def member_of_division(division_code: str) -> str | None:
    """Member id of the region a division code belongs to."""
    for member, province in MEMBER_PROVINCE.items():
        if division_code[:2] == province[:2]:
            return member
    return None
