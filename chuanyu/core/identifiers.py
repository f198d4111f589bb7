"""Resident ID numbers (居民身份证号码, GB 11643-1999): one validator and one mask for every domain.

The address code is the GB/T 2260 code of the place where the number was first issued, and the
issue can come years after the birth (a Chongqing resident born in 1990 may well carry 500103,
a code that only exists since 1997). So the code must have been in force at some time between
the birth year and today, not necessarily in the birth year itself, which is what
`stdnum.cn.ric.validate` demands. Code history comes from python-stdnum's county table
(`stdnum.cn.loc`, every GB/T 2260 vintage with the years each code was in force).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated

from pydantic import AfterValidator
from stdnum import numdb
from stdnum.cn import ric

from chuanyu.core import clock

_PERIOD = re.compile(r"^\[(\d{4})?-(\d{4})?\](.+)$")
_DIGITS = re.compile(r"^\d+$")
_SEPARATORS = " -\t"


class InvalidResidentId(ValueError):
    """A resident ID number failed validation; the message is for the person who typed it."""


@dataclass(frozen=True, slots=True)
class AddressPeriod:
    """One name an address code carried, with the years (inclusive) it was in force."""

    name: str
    first_year: int | None
    last_year: int | None

    def overlaps(self, start: int, end: int) -> bool:
        """True when the code was in force in some year from `start` to `end`."""
        return (self.first_year is None or self.first_year <= end) and (
            self.last_year is None or self.last_year >= start
        )


@cache
def address_periods(code: str) -> tuple[AddressPeriod, ...]:
    """Every period a six-digit GB/T 2260 code was in force; empty when it never existed."""
    if len(code) != 6 or not _DIGITS.match(code):
        return ()
    found = [
        props["county"] for _part, props in numdb.get("cn/loc").info(code) if "county" in props
    ]
    periods: list[AddressPeriod] = []
    for county in ",".join(found).split(","):
        match = _PERIOD.match(county)
        if match is None:
            periods.append(AddressPeriod(county, None, None))
            continue
        first, last, name = match.groups()
        periods.append(
            AddressPeriod(name, int(first) if first else None, int(last) if last else None)
        )
    return tuple(p for p in periods if p.name)


def address_codes(province: str) -> list[str]:
    """Every six-digit code the county table lists under a two-digit province prefix."""
    found: list[str] = []
    for _length, low, high, _props, children in numdb.get("cn/loc").prefixes:
        if low <= province <= high:
            for length, child_low, child_high, _p, _c in children:
                found.extend(
                    f"{province}{n:0{length}d}" for n in range(int(child_low), int(child_high) + 1)
                )
    return sorted(found)


def _compact(value: str) -> str:
    return str(ric.compact("".join(ch for ch in value if ch not in _SEPARATORS)))


def _birth_date(digits8: str) -> date:
    try:
        return date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError as exc:
        raise InvalidResidentId(
            f"居民身份证号码中的出生日期 {digits8} 不是有效的日期，请核对第 7–14 位"
        ) from exc


def _check_address(code: str, birth: date, today: date) -> None:
    periods = address_periods(code)
    if not periods:
        raise InvalidResidentId(
            f"居民身份证号码的地址码 {code} 不是任何年份的行政区划代码，请核对前 6 位"
        )
    if not any(p.overlaps(birth.year, today.year) for p in periods):
        last = max(p.last_year or 0 for p in periods)
        raise InvalidResidentId(
            f"地址码 {code}（{periods[-1].name}）在 {last} 年已停用，"
            f"不会签发给 {birth.year} 年出生的人，请核对前 6 位"
        )


def _from_first_generation(number: str) -> str:
    """An 18-digit number from a 15-digit first-generation one (born 19YY, check digit added)."""
    body = number[:6] + "19" + number[6:15]
    return body + ric.calc_check_digit(body + "0")


def normalize_resident_id(value: str, *, today: date | None = None) -> str:
    """The canonical 18-character number (15-digit ones converted); raises InvalidResidentId."""
    number = _compact(value)
    if len(number) == 15:
        if not _DIGITS.match(number):
            raise InvalidResidentId("15 位居民身份证号码应全部为数字")
        _birth_date("19" + number[6:12])
        number = _from_first_generation(number)
    elif len(number) != 18:
        raise InvalidResidentId(
            f"居民身份证号码应为 18 位（第一代证件为 15 位），现为 {len(number)} 位"
        )
    if not _DIGITS.match(number[:17]) or not re.match(r"^[0-9X]$", number[17]):
        raise InvalidResidentId("居民身份证号码前 17 位应为数字，最后一位为数字或 X")
    if number[17] != ric.calc_check_digit(number):
        raise InvalidResidentId("居民身份证号码校验码（最后一位）不正确，请逐位核对")
    birth = _birth_date(number[6:14])
    today = today or clock.today()
    if birth > today:
        raise InvalidResidentId(
            f"居民身份证号码中的出生日期 {birth.isoformat()} 晚于今天，请核对第 7–14 位"
        )
    _check_address(number[:6], birth, today)
    return number


def is_valid_resident_id(value: str, *, today: date | None = None) -> bool:
    """True when `value` is a valid resident ID number (15 or 18 digits)."""
    try:
        normalize_resident_id(value, today=today)
    except InvalidResidentId:
        return False
    return True


def birth_date_of(number: str) -> date:
    """The birth date encoded in a valid 18-digit number."""
    return _birth_date(number[6:14])


def is_male(number: str) -> bool:
    """The sequence number's parity: odd for men, even for women (18-digit number)."""
    return int(number[16]) % 2 == 1


def mask_resident_id(number: str) -> str:
    """The one display mask for identity numbers on every page, API and document.

    The first 4 characters (province and prefecture) and the last 4 (end of the sequence
    number and the check character) stay visible, everything between is a star:
    `500103199001010010` → `5001**********0010`. The birth date and the county never show.
    A value too short to keep 8 characters and still hide something is starred entirely.
    """
    if len(number) < 12:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def masked_matches(masked: str, number: str) -> bool:
    """True when a masked number is consistent with a full one."""
    return len(masked) == len(number) and all(
        m == "*" or m == c for m, c in zip(masked, number, strict=True)
    )


def _validate(value: str) -> str:
    return normalize_resident_id(value)


# Pydantic turns the InvalidResidentId (a ValueError) into a field error carrying its message.
ResidentId = Annotated[str, AfterValidator(_validate)]
