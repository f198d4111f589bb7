"""Timestamps come back from either database aware and in UTC, whatever zone they went in with."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from chuanyu.core.models import User
from tests.conftest import Db


def test_timestamp_reads_back_aware_utc(db: Db) -> None:
    beijing = datetime(2020, 7, 8, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with db.scope() as session:
        session.add(User(username="clock", display_name="clock", password_hash="x",
                         roles="citizen", created_at=beijing))
    with db.scope() as session:
        stored = session.scalar(select(User.created_at).where(User.username == "clock"))
        assert stored is not None and stored.utcoffset() is not None
        assert stored == beijing and stored.astimezone(UTC).hour == 1
        later = session.scalar(select(User.username).where(User.created_at > datetime(
            2020, 7, 8, 1, 29, tzinfo=UTC)))
        assert later == "clock"
