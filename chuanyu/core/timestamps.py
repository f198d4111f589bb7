"""Timestamps leave the database as aware UTC on every backend.

PostgreSQL's `timestamptz` already does; SQLite has no zone type, so its `DateTime(timezone=True)`
columns store UTC wall time and are read back naive. Swapping the dialect's DateTime for the type
below, once per engine, makes every model, query and API answer see aware UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.dialects.sqlite import DATETIME as SQLITE_DATETIME
from sqlalchemy.engine import Dialect, Engine


class SqliteUtcDateTime(SQLITE_DATETIME):
    """SQLite DATETIME that stores aware values as UTC and reads zoned columns back aware."""

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """Convert aware values to UTC before SQLite's formatting drops the offset."""
        inner = super().bind_processor(dialect)

        def bind(value: Any) -> Any:
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            return inner(value) if inner else value

        return bind

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        """Mark values of zoned columns as UTC."""
        inner = super().result_processor(dialect, coltype)
        zoned = bool(self.timezone)

        def result(value: Any) -> Any:
            moment = inner(value) if inner else value
            if zoned and isinstance(moment, datetime) and moment.tzinfo is None:
                return moment.replace(tzinfo=UTC)
            return moment

        return result


def install(engine: Engine) -> None:
    """Make a SQLite engine hand out aware UTC timestamps (call before first use)."""
    engine.dialect.colspecs = {**engine.dialect.colspecs, DateTime: SqliteUtcDateTime}
