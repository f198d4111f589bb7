"""Jinja filters for how pages show values: one way to write a time, one way to write a date."""

from __future__ import annotations

from datetime import date, datetime

from chuanyu.core import clock


def beijing(value: datetime | str | None, fmt: str | None = None) -> str:
    """A timestamp (aware, naive UTC, or ISO text) in Beijing time: "2026年12月3日 16:30".

    `fmt` (strftime) is for machine-facing values only; pages use the default. Empty for None.
    """
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = clock.aware(moment).astimezone(clock.CHINA)
    if fmt is not None:
        return local.strftime(fmt)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def cn_date(value: date | datetime | str | None) -> str:
    """A calendar date as "2026年12月3日" (a timestamp is first put in Beijing time)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = clock.aware(value).astimezone(clock.CHINA).date()
    return f"{value.year}年{value.month}月{value.day}日"
