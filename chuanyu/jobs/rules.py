"""Pure rules of job postings: salary checks and bands, life-cycle transitions, ownership."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from chuanyu import divisions
from chuanyu.jobs.enums import RECENCY_DAYS, SALARY_BANDS, PostingStatus

MAX_MONTHLY_SALARY = Decimal("1000000")
MAX_VALIDITY_DAYS = 366

TRANSITIONS: dict[PostingStatus, frozenset[PostingStatus]] = {
    PostingStatus.OPEN: frozenset({PostingStatus.CLOSED, PostingStatus.EXPIRED}),
    PostingStatus.CLOSED: frozenset(),
    PostingStatus.EXPIRED: frozenset(),
}


def salary_problem(low: Decimal, high: Decimal) -> str | None:
    """Why a monthly salary range is unacceptable, or None when it is fine."""
    if low <= 0 or high <= 0:
        return "月薪应为正数"
    if low > high:
        return "月薪下限不能高于上限"
    if high > MAX_MONTHLY_SALARY:
        return "月薪上限超出合理范围（100 万元以内）"
    return None


def validity_problem(valid_from: date, valid_to: date) -> str | None:
    """Why a validity period is unacceptable, or None."""
    if valid_to < valid_from:
        return "有效期截止日不能早于开始日"
    if (valid_to - valid_from).days > MAX_VALIDITY_DAYS:
        return "有效期最长一年"
    return None


@lru_cache(maxsize=65536)
def division_problem(code: str, on: date) -> str | None:
    """Why a work-location code is unacceptable (unknown, not in force, not CQ/SC), or None."""
    unit = divisions.get(code)
    if unit is None:
        return f"未知的行政区划代码：{code}"
    if not unit.in_force(on):
        return f"行政区划代码 {code}（{unit.name}）已不再使用"
    return None


def salary_band(low: Decimal | int, high: Decimal | int) -> int:
    """Index into `SALARY_BANDS` of the range's midpoint."""
    mid = (Decimal(low) + Decimal(high)) / 2
    band = 0
    for i, (floor, _label) in enumerate(SALARY_BANDS):
        if mid >= floor:
            band = i
    return band


def can_transition(current: PostingStatus, target: PostingStatus) -> bool:
    """True when a posting in `current` may move to `target`."""
    return target in TRANSITIONS[current]


def is_past_end(valid_to: date, today: date) -> bool:
    """True when a posting's last valid day is before today."""
    return valid_to < today


def owner_of(division_code: str) -> str:
    """Member whose board owns postings for a work location (the region it lies in)."""
    return divisions.region_of(division_code)


def recency_floor(days: int, now: datetime) -> datetime:
    """The earliest publication time that counts as "posted within `days` days"."""
    if days not in RECENCY_DAYS:
        raise ValueError(f"unsupported recency window: {days}")
    return now - timedelta(days=days)
