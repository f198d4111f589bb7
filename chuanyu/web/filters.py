"""Jinja filters for how pages show values."""

from __future__ import annotations

from datetime import datetime

from chuanyu.core import clock


def beijing(value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A timestamp (aware, naive UTC, or ISO text) as Beijing time; empty for None."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return clock.aware(moment).astimezone(clock.CHINA).strftime(fmt)
