"""The one source of "now". Tests freeze it; time limits never read the system clock directly."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")

_frozen: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC) + _offset


def today() -> date:
    """Today's date in China (Asia/Shanghai)."""
    return now().astimezone(CHINA).date()


@contextlib.contextmanager
def freeze(moment: datetime) -> Iterator[None]:
    """Freeze `now()` at `moment` inside the block."""
    global _frozen
    if moment.tzinfo is None:
        raise ValueError("freeze() needs a timezone-aware datetime")
    previous = _frozen
    _frozen = moment.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = previous


def shift(delta: timedelta) -> None:
    """Move the running clock by `delta` (a test or simulation helper)."""
    global _offset
    _offset += delta


def aware(moment: datetime) -> datetime:
    """A stored timestamp as aware UTC (SQLite hands timestamps back without a zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
