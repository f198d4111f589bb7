"""Depositors' identifiers: demo resident IDs and employers' unified social credit codes.

Resident IDs are validated, masked and read by `chuanyu.core.identifiers`; credit codes by the
registry's `uscc` module. The generators below give each person an address code that was in
force in their birth year, as a number issued at birth would carry.
"""

from __future__ import annotations

import random
from datetime import date
from functools import cache

from stdnum.cn import ric, uscc

from chuanyu.core.identifiers import address_periods, is_male
from chuanyu.housing_fund.enums import Sex
from chuanyu.registry import uscc as registry_uscc


class InvalidIdentifier(ValueError):
    """A credit code failed validation; the message is user-facing."""


def normalize_uscc(value: str) -> str:
    """Validate an employer's unified social credit code and return it upper-cased.

    The registry's check wraps `stdnum.cn.uscc` so that codes of authorities A, N and Y (which
    stdnum refuses) are accepted too.
    """
    try:
        return registry_uscc.validate(value)
    except registry_uscc.UsccError as exc:
        raise InvalidIdentifier(str(exc)) from exc


def sex_of(resident_id: str) -> Sex:
    """Sex encoded in the sequence number: odd for men, even for women."""
    return Sex.MALE if is_male(resident_id) else Sex.FEMALE


# Address codes people were registered under, per region. Chongqing residents born before 1997
# carry the Sichuan-era 5102xx codes of the then 重庆市.
_AREA_CODES: dict[str, tuple[str, ...]] = {
    "CQ": (
        "500101", "500102", "500103", "500104", "500105", "500106", "500107", "500108",
        "500109", "500112", "500113", "510202", "510203", "510211", "510212", "510213",
        "510214", "510215", "510221", "510223",
    ),
    "SC": (
        "510104", "510105", "510106", "510107", "510108", "510112", "510113", "510121",
        "510302", "510504", "510603", "510703", "510802", "510903", "511002", "511302",
    ),
}  # fmt: skip


@cache
def area_codes_valid_in(member: str, year: int) -> tuple[str, ...]:
    """Address codes of a region that were in force in `year`."""
    valid = [
        code
        for code in _AREA_CODES[member]
        if any(p.overlaps(year, year) for p in address_periods(code))
    ]
    if not valid:
        raise ValueError(f"{member} 在 {year} 年没有可用的地址码")
    return tuple(valid)


def make_resident_id(rng: random.Random, member: str, birth: date, sex: Sex) -> str:
    """A valid resident ID for someone born in the region on `birth`."""
    area = rng.choice(area_codes_valid_in(member, birth.year))
    seq = rng.randrange(0, 500) * 2 + (1 if sex is Sex.MALE else 0)
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


# Registering authorities' division codes for employer credit codes.
_EMPLOYER_AREAS: dict[str, tuple[str, ...]] = {
    "CQ": ("500103", "500105", "500106", "500107", "500108", "500112"),
    "SC": ("510104", "510105", "510106", "510107", "510108", "510100"),
}
_USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code(body8: str) -> str:
    """GB 11714 organisation code: eight body characters plus their check character."""
    total = sum(
        (int(ch) if ch.isdigit() else ord(ch) - 55) * w
        for ch, w in zip(body8, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def make_uscc(rng: random.Random, member: str) -> str:
    """A valid enterprise credit code (91…) registered in the region."""
    area = rng.choice(_EMPLOYER_AREAS[member])
    body8 = "".join(rng.choice(_USCC_BODY[:20]) for _ in range(8))
    first17 = f"91{area}{_org_code(body8)}"
    return first17 + uscc.calc_check_digit(first17)
